// Who may connect: unet_bind_mode (the socket file's mode, never looser
// than asked, the umask untouched; a second uid connecting in a loop while
// the server binds never gets in) and unet_socket_check_peer (a peer of
// another uid is told apart). Being another uid needs root: skipped without.
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "testing/unet_fixture.h"

namespace {

using unet_testing::ServerSocketPtr;

constexpr uid_t kOtherUid = 65534;  // nobody

class BindModeTest : public unet_testing::UnetTest {
 protected:
  void SetUp() override {
    UnetTest::SetUp();
    char pattern[] = "/tmp/unet-bind-mode-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    ASSERT_EQ(chmod(dir_.c_str(), 0777), 0);  // The other uid may reach it.
    path_ = dir_ + "/s";
  }
  void TearDown() override {
    unlink(path_.c_str());
    rmdir(dir_.c_str());
    UnetTest::TearDown();
  }

  // The socket file's permission bits, or -1.
  int FileMode() const {
    struct stat st;
    return stat(path_.c_str(), &st) == 0 ? static_cast<int>(st.st_mode & 07777) : -1;
  }

  // Whether a process of kOtherUid can connect to path_ now: a child that
  // drops to that uid tries once.
  bool OtherUidConnects() const {
    pid_t pid = fork();
    if (pid == 0) {
      if (setgid(kOtherUid) != 0 || setuid(kOtherUid) != 0)
        _exit(2);
      _exit(ConnectOnce(path_) ? 0 : 1);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }

  static bool ConnectOnce(const std::string &path) {
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un sa = {};
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, path.c_str(), path.size() + 1);
    bool ok = connect(fd, reinterpret_cast<struct sockaddr *>(&sa), sizeof(sa)) == 0;
    close(fd);
    return ok;
  }

  ServerSocketPtr BindAndListen(mode_t mode) {
    unet_server_socket *s = nullptr;
    EXPECT_EQ(unet_bind_mode(path_.c_str(), false, mode, &s), 0);
    ServerSocketPtr server(s);
    if (s) {
      EXPECT_EQ(unet_server_socket_listen(s), 0);
    }
    return server;
  }

  std::string dir_, path_;
};

// The umask narrows the mode (never widens it), and is left as it was.
TEST_F(BindModeTest, FileGetsTheModeLessTheUmask) {
  mode_t old = umask(022);
  ServerSocketPtr a = BindAndListen(0660);
  EXPECT_EQ(FileMode(), 0640);
  a.reset();
  unlink(path_.c_str());
  umask(0);
  ServerSocketPtr b = BindAndListen(0600);
  EXPECT_EQ(FileMode(), 0600);
  EXPECT_EQ(umask(old), 0u);  // Untouched by the calls.
}

TEST_F(BindModeTest, AbstractNamesAndBadModesAreEinval) {
  unet_server_socket *s = nullptr;
  EXPECT_EQ(unet_bind_mode("@abstract", false, 0600, &s), -EINVAL);
  EXPECT_EQ(unet_bind_mode("", false, 0600, &s), -EINVAL);
  EXPECT_EQ(unet_bind_mode(nullptr, false, 0600, &s), -EINVAL);
  EXPECT_EQ(unet_bind_mode(path_.c_str(), false, 01777, &s), -EINVAL);
  EXPECT_EQ(unet_bind_mode(path_.c_str(), false, 0600, nullptr), -EINVAL);
  EXPECT_EQ(s, nullptr);
  EXPECT_EQ(FileMode(), -1);  // Nothing bound.
  ServerSocketPtr first = BindAndListen(0600);
  EXPECT_EQ(unet_bind_mode(path_.c_str(), false, 0600, &s), -EADDRINUSE);  // Never unlinks.
}

// With umask 0, another uid loops connecting while the server binds and
// listens 200 times at 0600: it never gets in. The control: at 0666 it does
// (so the loop could have seen a looser file).
TEST_F(BindModeTest, AnotherUidNeverConnectsWhileTheServerBinds) {
  if (geteuid() != 0)
    GTEST_SKIP() << "needs root to run a process as uid " << kOtherUid;
  mode_t old = umask(0);
  pid_t pid = fork();
  if (pid == 0) {
    if (setgid(kOtherUid) != 0 || setuid(kOtherUid) != 0)
      _exit(2);
    for (;;) {  // Until the parent stops it, unless it gets in.
      if (ConnectOnce(path_))
        _exit(1);
    }
  }
  for (int i = 0; i < 200; i++) {
    ServerSocketPtr server = BindAndListen(0600);
    server.reset();
    unlink(path_.c_str());
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_FALSE(WIFEXITED(status) && WEXITSTATUS(status) == 1) << "the other uid connected";
  EXPECT_FALSE(WIFEXITED(status) && WEXITSTATUS(status) == 2) << "could not become the other uid";
  ServerSocketPtr open_to_all = BindAndListen(0666);
  EXPECT_TRUE(OtherUidConnects());
  open_to_all.reset();
  unlink(path_.c_str());
  ServerSocketPtr owner_only = BindAndListen(0600);
  EXPECT_FALSE(OtherUidConnects());
  umask(old);
}

// A peer of another uid, on an accepted socket and on its own connected
// one: the check tells it apart, and its pidfd is that process's.
TEST_F(BindModeTest, CheckPeerTellsAnotherUidApart) {
  if (geteuid() != 0)
    GTEST_SKIP() << "needs root to run a process as uid " << kOtherUid;
  mode_t old = umask(0);  // 0666 as asked: the other uid may connect.
  ServerSocketPtr server = BindAndListen(0666);
  umask(old);
  pid_t pid = fork();
  if (pid == 0) {
    if (setgid(kOtherUid) != 0 || setuid(kOtherUid) != 0)
      _exit(2);
    unet_socket *s = nullptr;
    if (unet_connect(path_.c_str(), false, &s) != 0)
      _exit(3);
    // The client checks the server: root's.
    int bad = unet_socket_check_peer(s, 0, 0, nullptr) != 0;
    bad += unet_socket_check_peer(s, kOtherUid, UNET_ANY_ID, nullptr) != -EACCES;
    char c = 0;
    bad += unet_socket_read(s, &c, 1) != UNET_EOF;  // Until the parent is done.
    unet_socket_free(s);
    _exit(bad);
  }
  unet_socket *raw = nullptr;
  ASSERT_EQ(unet_server_socket_accept_timeout(server.get(), INT64_C(10000000000), &raw), 0);
  unet_testing::SocketPtr accepted(raw);
  EXPECT_EQ(unet_socket_check_peer(raw, 0, UNET_ANY_ID, nullptr), -EACCES);
  EXPECT_EQ(unet_socket_check_peer(raw, UNET_ANY_ID, 0, nullptr), -EACCES);
  EXPECT_EQ(unet_socket_check_peer(raw, kOtherUid, kOtherUid, nullptr), 0);
  EXPECT_EQ(unet_socket_check_peer(raw, UNET_ANY_ID, UNET_ANY_ID, nullptr), 0);
  int pidfd = -2;
  EXPECT_EQ(unet_socket_check_peer(raw, 0, 0, &pidfd), -EACCES);
  EXPECT_EQ(pidfd, -2);  // Nothing returned on a mismatch.
  int r = unet_socket_check_peer(raw, kOtherUid, kOtherUid, &pidfd);
  if (r == -ENOPROTOOPT) {
    SUCCEED() << "no SO_PEERPIDFD on this kernel";
  } else {
    ASSERT_EQ(r, 0);
    unet_testing::UniqueFd owned(pidfd);
    EXPECT_EQ(unet_testing::PidOfPidfd(pidfd), pid);
  }
  EXPECT_EQ(unet_socket_check_peer(nullptr, 0, 0, nullptr), -EINVAL);
  accepted.reset();  // The child's read ends.
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

// check_peer on a closed socket, and on one a forked child inherited: the
// errors of every socket call there.
TEST_F(BindModeTest, CheckPeerOnAClosedOrInheritedSocket) {
  auto pair = unet_testing::MakeSocketPair(false);
  pid_t pid = fork();
  if (pid == 0)
    _exit(unet_socket_check_peer(pair.a.get(), UNET_ANY_ID, UNET_ANY_ID, nullptr) == -ECHILD ? 0
                                                                                             : 1);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  ASSERT_EQ(unet_socket_close(pair.a.get()), 0);
  int pidfd = -2;
  EXPECT_EQ(unet_socket_check_peer(pair.a.get(), UNET_ANY_ID, UNET_ANY_ID, &pidfd), -EBADF);
  EXPECT_EQ(pidfd, -2);
}

}  // namespace
