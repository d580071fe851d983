// Beyond Go: the peer's pidfd (SO_PEERPIDFD) and a sender's pidfd on each
// message (SCM_PIDFD), Linux 6.5+; both refer to the other process.
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "testing/unet_fixture.h"

namespace {

using unet_testing::ServerSocketPtr;
using unet_testing::SocketPtr;
using unet_testing::UnetTest;
using unet_testing::UniqueAbstractName;
using unet_testing::UniqueFd;

int PidfdSendSignal(int pidfd, int sig) {
  return static_cast<int>(syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0));
}

class PidfdTest : public UnetTest {
 protected:
  // A child that connects to name, waits for the parent's go-ahead (so the
  // parent can set socket options first), sends one byte, then waits for
  // the end.
  pid_t ForkClient(const std::string &name) {
    pid_t pid = fork();
    if (pid == 0) {
      unet_socket *s = nullptr;
      if (unet_connect(name.c_str(), true, &s) < 0)
        _exit(2);
      char c;
      if (unet_socket_read(s, &c, 1) != 1)
        _exit(3);
      if (unet_socket_write(s, "p", 1) != 1)
        _exit(4);
      unet_socket_read(s, &c, 1);  // Returns when the parent closes.
      _exit(0);
    }
    return pid;
  }

  // Listens, forks a client (ForkClient) and accepts its connection.
  void AcceptForkedClient(pid_t *ret_child, SocketPtr *ret_conn) {
    std::string name = UniqueAbstractName();
    unet_server_socket *raw = nullptr;
    ASSERT_EQ(unet_bind_and_listen(name.c_str(), true, &raw), 0);
    ServerSocketPtr server(raw);
    *ret_child = ForkClient(name);
    unet_socket *conn = nullptr;
    ASSERT_EQ(unet_server_socket_accept(server.get(), &conn), 0);
    ret_conn->reset(conn);
  }

  static void GoAhead(unet_socket *s) { ASSERT_EQ(unet_socket_write(s, "g", 1), 1); }

  static void Reap(pid_t pid) {
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
  }
};

TEST_F(PidfdTest, PeerPidfdRefersToThePeer) {
  pid_t child = -1;
  SocketPtr conn;
  ASSERT_NO_FATAL_FAILURE(AcceptForkedClient(&child, &conn));

  int pidfd = unet_socket_peer_pidfd(conn.get());
  if (pidfd == -ENOPROTOOPT) {
    GTEST_SKIP() << "SO_PEERPIDFD needs Linux 6.5";
  }
  ASSERT_GE(pidfd, 0) << unet_strerror(pidfd);
  UniqueFd owned(pidfd);
  EXPECT_TRUE(fcntl(pidfd, F_GETFD) & FD_CLOEXEC);
  EXPECT_EQ(unet_testing::PidOfPidfd(pidfd), child);
  EXPECT_EQ(PidfdSendSignal(pidfd, 0), 0);  // Alive, and ours to signal.
  GoAhead(conn.get());

  conn.reset();  // The child's read ends; it exits.
  Reap(child);
  // The pidfd still names the (now gone) child: signalling it says so.
  EXPECT_EQ(PidfdSendSignal(pidfd, 0), -1);
  EXPECT_EQ(errno, ESRCH);
}

TEST_F(PidfdTest, MessagesCarryTheSendersPidfd) {
  pid_t child = -1;
  SocketPtr conn;
  ASSERT_NO_FATAL_FAILURE(AcceptForkedClient(&child, &conn));
  int r = unet_socket_pass_pidfd(conn.get(), true);
  if (r == -ENOPROTOOPT) {
    conn.reset();
    Reap(child);
    GTEST_SKIP() << "SO_PASSPIDFD needs Linux 6.5";
  }
  ASSERT_EQ(r, 0);
  GoAhead(conn.get());

  unet_socket_reader reader;
  unet_socket_reader_init(&reader, conn.get(), true);
  ASSERT_EQ(unet_control_message_enable_fds(&reader.control, 0), 0);
  ASSERT_EQ(unet_control_message_enable_pidfd(&reader.control), 0);
  char c;
  struct iovec iov = {&c, 1};
  ASSERT_EQ(unet_socket_reader_readv(&reader, &iov, 1), 1);
  int pidfd = unet_control_message_take_pidfd(&reader.control);
  ASSERT_GE(pidfd, 0) << unet_strerror(pidfd);
  UniqueFd owned(pidfd);
  EXPECT_EQ(unet_testing::PidOfPidfd(pidfd), child);
  EXPECT_EQ(unet_control_message_take_pidfd(&reader.control), -ENOENT);  // Taken.

  conn.reset();
  Reap(child);
}

TEST_F(PidfdTest, CloseFdsClosesAReceivedPidfd) {
  auto pair = unet_testing::MakeSocketPair(true);
  int r = unet_socket_pass_pidfd(pair.b.get(), true);
  if (r == -ENOPROTOOPT)
    GTEST_SKIP() << "SO_PASSPIDFD needs Linux 6.5";
  ASSERT_EQ(r, 0);
  ASSERT_EQ(unet_socket_write(pair.a.get(), "x", 1), 1);
  unet_socket_reader reader;
  unet_socket_reader_init(&reader, pair.b.get(), true);
  ASSERT_EQ(unet_control_message_enable_fds(&reader.control, 0), 0);
  ASSERT_EQ(unet_control_message_enable_pidfd(&reader.control), 0);
  char c;
  struct iovec iov = {&c, 1};
  ASSERT_EQ(unet_socket_reader_readv(&reader, &iov, 1), 1);
  unet_control_message_close_fds(&reader.control);  // The fixture counts fds.
}

TEST_F(PidfdTest, ClosedSocketIsEbadf) {
  auto pair = unet_testing::MakeSocketPair(false);
  ASSERT_EQ(unet_socket_close(pair.a.get()), 0);
  EXPECT_EQ(unet_socket_peer_pidfd(pair.a.get()), -EBADF);
  EXPECT_EQ(unet_socket_pass_pidfd(pair.a.get(), true), -EBADF);
  EXPECT_EQ(unet_socket_pass_credentials(pair.a.get(), true), -EBADF);
}

}  // namespace
