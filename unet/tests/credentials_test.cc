// Beyond Go: SCM_CREDENTIALS next to fds, within one process and across a
// fork, and the kernel's verdict on credentials that are not ours.
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "testing/unet_fixture.h"

namespace {

using unet_testing::KindName;
using unet_testing::MakeSocketPair;
using unet_testing::UnetKindTest;
using unet_testing::UniqueFd;

class CredentialsTest : public UnetKindTest {
 protected:
  // Sends one byte with `cred` (NULL: our own) and, if fd >= 0, that fd.
  static ssize_t Send(unet_socket *s, const struct ucred *cred, int fd) {
    unet_socket_writer w;
    unet_socket_writer_init(&w, s, true);
    if (fd >= 0) {
      EXPECT_EQ(unet_control_message_pack_fds(&w.control, &fd, 1), 0);
    }
    EXPECT_EQ(unet_control_message_pack_credentials(&w.control, cred), 0);
    char byte = 'c';
    struct iovec iov = {&byte, 1};
    return unet_socket_writer_writev(&w, &iov, 1);
  }

  // Turns on SO_PASSCRED at b, then sends our credentials and an fd from a.
  static void SendOwnCredentialsAndAnFd(const unet_testing::SocketPair &pair) {
    ASSERT_EQ(unet_socket_pass_credentials(pair.b.get(), true), 0);
    UniqueFd file(open("/dev/null", O_RDONLY | O_CLOEXEC));
    ASSERT_EQ(Send(pair.a.get(), nullptr, file.get()), 1);
  }

  // Reads one byte with room for 2 fds and credentials.
  static void Receive(unet_socket *s, unet_socket_reader *r) {
    unet_socket_reader_init(r, s, true);
    ASSERT_EQ(unet_control_message_enable_fds(&r->control, 2), 0);
    ASSERT_EQ(unet_control_message_enable_credentials(&r->control), 0);
    char byte;
    struct iovec iov = {&byte, 1};
    ASSERT_EQ(unet_socket_reader_readv(r, &iov, 1), 1);
  }
};

TEST_P(CredentialsTest, ArriveNextToFds) {
  auto pair = MakeSocketPair(packet());
  ASSERT_NO_FATAL_FAILURE(SendOwnCredentialsAndAnFd(pair));

  unet_socket_reader r;
  ASSERT_NO_FATAL_FAILURE(Receive(pair.b.get(), &r));
  struct ucred cred = {};
  ASSERT_EQ(unet_control_message_credentials(&r.control, &cred), 0);
  EXPECT_EQ(cred.pid, getpid());
  EXPECT_EQ(cred.uid, getuid());
  EXPECT_EQ(cred.gid, getgid());
  int fds[3];
  // Go's ExtractFDs fails next to credentials; take_fds does not.
  EXPECT_EQ(unet_control_message_extract_fds(&r.control, fds, 3), -EINVAL);
  ASSERT_EQ(unet_control_message_take_fds(&r.control, fds, 3), 1);
  UniqueFd received(fds[0]);
  EXPECT_GE(fcntl(received.get(), F_GETFD), 0);
}

TEST_P(CredentialsTest, CloseFdsClosesFdsNextToCredentials) {
  auto pair = MakeSocketPair(packet());
  ASSERT_NO_FATAL_FAILURE(SendOwnCredentialsAndAnFd(pair));
  unet_socket_reader r;
  ASSERT_NO_FATAL_FAILURE(Receive(pair.b.get(), &r));
  unet_control_message_close_fds(&r.control);  // The fixture checks for leaks.
}

TEST_P(CredentialsTest, WithoutPassCredNoneArrive) {
  auto pair = MakeSocketPair(packet());
  ASSERT_EQ(Send(pair.a.get(), nullptr, -1), 1);
  unet_socket_reader r;
  ASSERT_NO_FATAL_FAILURE(Receive(pair.b.get(), &r));
  struct ucred cred;
  EXPECT_EQ(unet_control_message_credentials(&r.control, &cred), -ENOENT);
}

// With SO_PASSCRED on and room for fds only, the kernel puts the credentials
// first, cut to the room, and drops the fds: that is -ENOBUFS (cut), not
// -ENOENT (none sent), and MSG_CTRUNC.
TEST_P(CredentialsTest, CutForLackOfRoomIsEnobufsNotEnoent) {
  auto pair = MakeSocketPair(packet());
  ASSERT_NO_FATAL_FAILURE(SendOwnCredentialsAndAnFd(pair));

  unet_socket_reader r;
  unet_socket_reader_init(&r, pair.b.get(), true);
  ASSERT_EQ(unet_control_message_enable_fds(&r.control, 1), 0);
  char byte;
  struct iovec iov = {&byte, 1};
  ASSERT_EQ(unet_socket_reader_readv(&r, &iov, 1), 1);
  EXPECT_TRUE(r.msg_flags & MSG_CTRUNC);
  struct ucred cred;
  EXPECT_EQ(unet_control_message_credentials(&r.control, &cred), -ENOBUFS);
  int fd;
  EXPECT_EQ(unet_control_message_take_fds(&r.control, &fd, 1), 0);
}

TEST_P(CredentialsTest, AcrossProcessesNameTheSender) {
  auto pair = MakeSocketPair(packet());
  ASSERT_EQ(unet_socket_pass_credentials(pair.b.get(), true), 0);
  pid_t child = fork();
  if (child == 0) {
    // A fresh wrapper: the inherited one shares its eventfd with the parent.
    unet_socket *s = nullptr;
    if (unet_socket_new(dup(unet_socket_fd(pair.a.get())), &s) < 0)
      _exit(2);
    int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    _exit(Send(s, nullptr, fd) == 1 ? 0 : 3);
  }
  unet_socket_reader r;
  ASSERT_NO_FATAL_FAILURE(Receive(pair.b.get(), &r));
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  struct ucred cred = {};
  ASSERT_EQ(unet_control_message_credentials(&r.control, &cred), 0);
  EXPECT_EQ(cred.pid, child);
  int fd = -1;
  ASSERT_EQ(unet_control_message_take_fds(&r.control, &fd, 1), 1);
  close(fd);
}

// Three distinct values, so that no field can stand in for another (as root
// uid and gid are both 0). Other ids need CAP_SETUID and CAP_SETGID.
TEST_P(CredentialsTest, ExplicitPidUidGidArriveEachInItsPlace) {
  if (geteuid() != 0)
    GTEST_SKIP() << "sending other ids needs CAP_SETUID and CAP_SETGID";
  auto pair = MakeSocketPair(packet());
  ASSERT_EQ(unet_socket_pass_credentials(pair.b.get(), true), 0);
  struct ucred sent = {getpid(), 40001, 40002};
  ASSERT_NE(static_cast<uid_t>(sent.pid), sent.uid);
  ssize_t sent_bytes = Send(pair.a.get(), &sent, -1);
  if (sent_bytes == -EINVAL)
    GTEST_SKIP() << "ids 40001/40002 are not mapped in this user namespace";
  ASSERT_EQ(sent_bytes, 1);
  unet_socket_reader r;
  ASSERT_NO_FATAL_FAILURE(Receive(pair.b.get(), &r));
  struct ucred got = {};
  ASSERT_EQ(unet_control_message_credentials(&r.control, &got), 0);
  EXPECT_EQ(got.pid, sent.pid);
  EXPECT_EQ(got.uid, sent.uid);
  EXPECT_EQ(got.gid, sent.gid);
}

TEST_P(CredentialsTest, SomeoneElsesPidIsTheKernelsCall) {
  auto pair = MakeSocketPair(packet());
  // pack_credentials takes any ids; the kernel checks them on the write.
  auto send_as = [](unet_socket *s, const struct ucred &cred) -> ssize_t {
    unet_socket_writer w;
    unet_socket_writer_init(&w, s, true);
    if (unet_control_message_pack_credentials(&w.control, &cred) != 0)
      return -1000;
    char byte = 'c';
    struct iovec iov = {&byte, 1};
    return unet_socket_writer_writev(&w, &iov, 1);
  };
  // A pid that does not exist: -ESRCH even with CAP_SYS_ADMIN.
  struct ucred nobody = {0x3ffffff0, getuid(), getgid()};
  EXPECT_EQ(send_as(pair.a.get(), nobody), -ESRCH);
  // Another existing pid without CAP_SYS_ADMIN: -EPERM. Checked in a child
  // that gives up every capability.
  pid_t child = fork();
  if (child == 0) {
    struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct none[2] = {};
    if (syscall(SYS_capset, &header, none) != 0)
      _exit(2);
    unet_socket *s = nullptr;
    if (unet_socket_new(dup(unet_socket_fd(pair.a.get())), &s) < 0)
      _exit(3);
    struct ucred init = {1, getuid(), getgid()};
    _exit(send_as(s, init) == -EPERM ? 0 : 4);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

// What each side's check_peer checks: a connecting socket's peer is the
// process that called listen(2), as it was then, not the one that accepts
// (here a child that dropped to uid 65534 after the listen); an accepted
// socket's peer is the process that connected.
TEST_P(CredentialsTest, AClientChecksTheListenerAsItWasAtListen) {
  if (geteuid() != 0)
    GTEST_SKIP() << "dropping to another uid needs CAP_SETUID";
  std::string name = unet_testing::UniqueAbstractName();
  unet_server_socket *raw = nullptr;
  ASSERT_EQ(unet_bind_and_listen(name.c_str(), packet(), &raw), 0);
  unet_testing::ServerSocketPtr server(raw);
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t acceptor = fork();
  if (acceptor == 0) {
    // The acceptor: unprivileged, and it checks that its peer is root.
    if (setgid(65534) != 0 || setuid(65534) != 0)
      unet_testing::ExitChild(2);
    char go = 1;
    if (write(ready[1], &go, 1) != 1)
      unet_testing::ExitChild(3);
    // The inherited server is the parent's: wrap the child's copy anew.
    unet_server_socket *own = nullptr;
    if (unet_server_socket_new(unet_server_socket_release(server.get()), &own) != 0)
      unet_testing::ExitChild(4);
    unet_socket *accepted = nullptr;
    if (unet_server_socket_accept(own, &accepted) != 0)
      unet_testing::ExitChild(6);
    int r = unet_socket_check_peer(accepted, 0, 0, nullptr);
    char byte;
    unet_socket_read(accepted, &byte, 1);  // Until the client is done.
    unet_socket_free(accepted);
    unet_testing::ExitChild(r == 0 ? 0 : 5);
  }
  close(ready[1]);
  char go = 0;
  ASSERT_EQ(read(ready[0], &go, 1), 1);
  close(ready[0]);
  unet_socket *raw_client = nullptr;
  ASSERT_EQ(unet_connect(name.c_str(), packet(), &raw_client), 0);
  unet_testing::SocketPtr client(raw_client);
  // Root passes, and the credentials are the listener's (this process).
  EXPECT_EQ(unet_socket_check_peer(client.get(), 0, 0, nullptr), 0);
  struct ucred cred = {};
  ASSERT_EQ(unet_socket_peer_cred(client.get(), &cred), 0);
  EXPECT_EQ(cred.pid, getpid());
  EXPECT_EQ(unet_socket_check_peer(client.get(), 65534, UNET_ANY_ID, nullptr), -EACCES);
  client.reset();
  int status = 0;
  ASSERT_EQ(waitpid(acceptor, &status, 0), acceptor);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

TEST_P(CredentialsTest, RoomIsBounded) {
  unet_control_message c = UNET_CONTROL_MESSAGE_INIT;
  ASSERT_EQ(unet_control_message_enable_fds(&c, UNET_MAX_FDS), 0);
  ASSERT_EQ(unet_control_message_enable_credentials(&c), 0);
  ASSERT_EQ(unet_control_message_enable_pidfd(&c), 0);
  EXPECT_EQ(c.len, static_cast<size_t>(UNET_CONTROL_CAPACITY));
  EXPECT_EQ(unet_control_message_enable_credentials(&c), -EINVAL);
  EXPECT_EQ(unet_control_message_pack_credentials(&c, nullptr), -EINVAL);
  EXPECT_EQ(unet_control_message_enable_credentials(nullptr), -EINVAL);
  EXPECT_EQ(unet_control_message_enable_pidfd(nullptr), -EINVAL);
  EXPECT_EQ(unet_control_message_pack_credentials(nullptr, nullptr), -EINVAL);
  struct ucred cred;
  EXPECT_EQ(unet_control_message_credentials(nullptr, &cred), -EINVAL);
  EXPECT_EQ(unet_control_message_credentials(&c, nullptr), -EINVAL);
  EXPECT_EQ(unet_control_message_take_pidfd(nullptr), -EINVAL);
  EXPECT_EQ(unet_control_message_take_fds(nullptr, nullptr, 0), -EINVAL);
}

INSTANTIATE_TEST_SUITE_P(Kinds, CredentialsTest, ::testing::Bool(), KindName);

}  // namespace
