// A forked child and the sockets it inherits: whatever the child does with
// them (Release, Close, free, any other call), the parent's sockets keep
// working, nothing hangs and nothing leaks; the documented hand-over works
// across fork and across fork + exec.
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <string>
#include <thread>

#include "testing/fd_census.h"
#include "testing/unet_fixture.h"

namespace {

using unet_testing::KindName;
using unet_testing::MakeSocketPair;
using unet_testing::UnetKindTest;
using unet_testing::UniqueFd;

// The fd number the exec'd child finds its socket at.
constexpr int kExecFd = 100;
constexpr char kExecFdVariable[] = "LIBUNET_FORK_TEST_FD";

class ForkTest : public UnetKindTest {
 protected:
  // InChild's answer when the kernel or the sandbox refuses the clone.
  static constexpr int kCannotClone = 77;

  // Runs child() in a forked child, which exits with its result; returns
  // that result, or -1 if the child did not exit within 10 s (it is killed).
  // clone_flags: 0 forks with fork(3); otherwise a raw clone(2) with these
  // flags, which runs no atfork handler (as _Fork, or a runtime of its own).
  template <typename Child>
  static int InChild(Child child, long clone_flags = 0) {
    pid_t pid =
        clone_flags ? static_cast<pid_t>(syscall(SYS_clone, clone_flags, 0L, 0L, 0L, 0L)) : fork();
    if (pid == 0)
      unet_testing::ExitChild(child());
    if (pid < 0 && clone_flags && (errno == EPERM || errno == EINVAL))
      return kCannotClone;
    EXPECT_GT(pid, 0);
    int status = 0;
    for (int i = 0; i < 1000; i++) {
      if (waitpid(pid, &status, WNOHANG) == pid)
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    ADD_FAILURE() << "the child hung";
    return -1;
  }

  // A blocking read on s that must wait: the peer writes 20 ms later.
  static ssize_t ReadThatWaits(unet_socket *s, unet_socket *peer) {
    auto late = std::async(std::launch::async, [&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      return unet_socket_write(peer, "p", 1);
    });
    char c;
    ssize_t r = unet_socket_read(s, &c, 1);
    EXPECT_EQ(late.get(), 1);
    return r;
  }
};

TEST_P(ForkTest, ChildReleaseLeavesTheParentsWaitsWorking) {
  auto pair = MakeSocketPair(packet());
  EXPECT_EQ(InChild([&] {
              int fd = unet_socket_release(pair.a.get());
              if (fd < 0)
                return 1;
              close(fd);
              unet_socket_free(pair.a.get());
              unet_socket_free(pair.b.get());
              return 0;
            }),
            0);
  EXPECT_EQ(ReadThatWaits(pair.a.get(), pair.b.get()), 1);
}

TEST_P(ForkTest, ChildCloseNeitherShutsDownNorWakesTheParent) {
  auto pair = MakeSocketPair(packet());
  EXPECT_EQ(
      InChild([&] {
        return unet_socket_close(pair.a.get()) == 0 && unet_socket_close(pair.b.get()) == 0 ? 0 : 1;
      }),
      0);
  EXPECT_EQ(ReadThatWaits(pair.a.get(), pair.b.get()), 1);
  EXPECT_EQ(ReadThatWaits(pair.b.get(), pair.a.get()), 1);
}

// In the child, Close closes both of its copies (the socket and the
// eventfd), and Release closes the eventfd's and hands the socket's over:
// counted in the child, where a leak would stay unseen by the parent.
TEST_P(ForkTest, ChildCloseAndReleaseCloseTheChildsCopies) {
  auto pair = MakeSocketPair(packet());
  EXPECT_EQ(InChild([&] {
              int before = fd_census();
              if (unet_socket_close(pair.a.get()) != 0 || fd_census() != before - 2)
                return 1;
              int fd = unet_socket_release(pair.b.get());
              if (fd < 0 || fd_census() != before - 3)
                return 2;
              close(fd);
              return 0;
            }),
            0);
}

// The gate's count is copied by fork: a parent thread blocked inside the
// socket counts in the child too, where no such thread exists.
TEST_P(ForkTest, ChildFreeDoesNotWaitForTheParentsThreads) {
  auto pair = MakeSocketPair(packet());
  auto reader = std::async(std::launch::async, [&] {
    char c;
    return unet_socket_read(pair.a.get(), &c, 1);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // Blocked inside.
  EXPECT_EQ(InChild([&] {
              unet_socket_free(pair.a.get());
              unet_socket_free(pair.b.get());
              return 0;
            }),
            0);
  // The parent's reader is still waiting, undisturbed; data wakes it.
  EXPECT_EQ(reader.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);
  ASSERT_EQ(unet_socket_write(pair.b.get(), "d", 1), 1);
  EXPECT_EQ(reader.get(), 1);
}

TEST_P(ForkTest, EveryOtherCallInTheChildIsEchild) {
  auto pair = MakeSocketPair(packet());
  EXPECT_EQ(InChild([&] {
              char c = 'c';
              int bad = 0;
              bad += unet_socket_write(pair.a.get(), &c, 1) != -ECHILD;
              bad += unet_socket_read(pair.b.get(), &c, 1) != -ECHILD;
              bad += unet_socket_shutdown(pair.a.get()) != -ECHILD;
              struct ucred cred;
              bad += unet_socket_peer_cred(pair.a.get(), &cred) != -ECHILD;
              unet_socket_free(pair.a.get());
              unet_socket_free(pair.b.get());
              return bad;
            }),
            0);
  // Nothing reached the parent's sockets.
  unet_socket_reader r;
  unet_socket_reader_init(&r, pair.b.get(), false);
  char c;
  struct iovec iov = {&c, 1};
  EXPECT_EQ(unet_socket_reader_readv(&r, &iov, 1), -EAGAIN);
}

// Every call on a socket or server the child inherited is refused.
TEST_P(ForkTest, EveryCallOnAnInheritedSocketIsEchild) {
  auto pair = MakeSocketPair(packet());
  unet_server_socket *raw = nullptr;
  ASSERT_EQ(unet_bind_and_listen("", packet(), &raw), 0);
  unet_testing::ServerSocketPtr server(raw);
  EXPECT_EQ(InChild([&] {
              unet_socket *s = pair.a.get();
              char buf[64] = {};
              struct iovec iov = {buf, 1};
              unet_socket_reader r;
              unet_socket_reader_init(&r, s, true);
              unet_socket_writer w;
              unet_socket_writer_init(&w, s, true);
              size_t progress = 0;
              struct ucred cred;
              unet_socket *accepted = nullptr;
              int bad = 0;
              bad += unet_socket_getsockopt(s, SOL_SOCKET, SO_TYPE, buf, 4) != -ECHILD;
              bad += unet_socket_setsockopt(s, SOL_SOCKET, SO_SNDBUF, buf, 4) != -ECHILD;
              bad += unet_socket_peer_cred(s, &cred) != -ECHILD;
              bad += unet_socket_peer_name(s, buf, sizeof(buf)) != -ECHILD;
              bad += unet_socket_sock_name(s, buf, sizeof(buf)) != -ECHILD;
              bad += unet_socket_set_spin(s, 0) != -ECHILD;
              bad += unet_socket_pass_credentials(s, true) != -ECHILD;
              bad += unet_socket_pass_pidfd(s, true) != -ECHILD;
              bad += unet_socket_peer_pidfd(s) != -ECHILD;
              bad += unet_socket_check_peer(s, UNET_ANY_ID, UNET_ANY_ID, nullptr) != -ECHILD;
              bad += unet_socket_reader_readv(&r, &iov, 1) != -ECHILD;
              bad += unet_socket_writer_writev(&w, &iov, 1) != -ECHILD;
              bad += unet_socket_reader_read_full(&r, &iov, 1, &progress) != -ECHILD;
              bad += unet_socket_writer_write_all(&w, &iov, 1, &progress) != -ECHILD;
              // Nothing to transfer is still a call on the socket.
              bad += unet_socket_reader_read_full(&r, &iov, 0, &progress) != -ECHILD;
              bad += unet_socket_writer_write_all(&w, &iov, 0, &progress) != -ECHILD;
              bad += unet_server_socket_listen(server.get()) != -ECHILD;
              bad += unet_server_socket_accept(server.get(), &accepted) != -ECHILD;
              bad += unet_server_socket_accept_timeout(server.get(), 1, &accepted) != -ECHILD;
              return bad + (progress != 0) + (accepted != nullptr);
            }),
            0);
}

// A refused call leaves nothing behind: after -ECHILD on inherited sockets,
// the child's own socket closes (no stray "inside a call" answering
// -EDEADLK) and frees.
TEST_P(ForkTest, RefusedCallsLeaveTheChildsOwnCloseWorking) {
  auto pair = MakeSocketPair(packet());
  EXPECT_EQ(InChild([&] {
              int bad = unet_socket_shutdown(pair.a.get()) != -ECHILD;
              char c;
              bad += unet_socket_read(pair.b.get(), &c, 1) != -ECHILD;
              unet_socket *a = nullptr, *b = nullptr;
              if (unet_socketpair(packet(), &a, &b) != 0)
                return 100;
              bad += unet_socket_close(a) != 0;
              bad += unet_socket_release(b) < 0;
              unet_socket_free(a);
              unet_socket_free(b);
              return bad;
            }),
            0);
}

// A child's first socket takes an identity of its own: the sockets it
// inherited stay inherited after it makes one (a token copied from the
// parent, not taken anew, would make them the child's).
TEST_P(ForkTest, TheChildsOwnSocketsDoNotAdoptItsInheritedOnes) {
  auto pair = MakeSocketPair(packet());
  EXPECT_EQ(InChild([&] {
              unet_socket *a = nullptr, *b = nullptr;
              if (unet_socketpair(packet(), &a, &b) != 0)
                return 100;
              int bad = unet_socket_shutdown(pair.a.get()) != -ECHILD;
              bad += unet_socket_shutdown(a) != 0;
              unet_socket_free(a);
              unet_socket_free(b);
              return bad;
            }),
            0);
  // The parent's connection is whole: the child shut nothing down.
  ASSERT_EQ(unet_socket_write(pair.a.get(), "p", 1), 1);
  char c;
  EXPECT_EQ(unet_socket_read(pair.b.get(), &c, 1), 1);
}

// The hand-over: the child releases its copy and wraps it anew; the parent
// lets go of its own with Release and close(2) (Close would shut down).
TEST_P(ForkTest, HandOverAcrossFork) {
  auto pair = MakeSocketPair(packet());
  pid_t pid = fork();
  if (pid == 0) {
    unet_socket *mine = nullptr;
    int fd = unet_socket_release(pair.a.get());
    if (fd < 0 || unet_socket_new(fd, &mine) != 0)
      unet_testing::ExitChild(1);
    char c = 0;
    bool ok = unet_socket_write(mine, "h", 1) == 1 && unet_socket_read(mine, &c, 1) == 1;
    unet_socket_free(mine);
    unet_testing::ExitChild(ok && c == 'k' ? 0 : 2);
  }
  ASSERT_GT(pid, 0);
  close(unet_socket_release(pair.a.get()));
  char c = 0;
  EXPECT_EQ(unet_socket_read(pair.b.get(), &c, 1), 1);
  EXPECT_EQ(c, 'h');
  EXPECT_EQ(unet_socket_write(pair.b.get(), "k", 1), 1);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_EQ(unet_socket_read(pair.b.get(), &c, 1), UNET_EOF);  // The child closed.
}

// Across exec: the child releases its copy, moves it to a known number
// (dup2 clears close-on-exec) and execs a program that wraps it: here this
// test binary, running ForkExecChild.WrapsItsFd.
TEST_P(ForkTest, HandOverAcrossForkAndExec) {
  if (unet_testing::Emulator())
    GTEST_SKIP() << "the kernel cannot exec this (emulated) program";
  auto pair = MakeSocketPair(packet());
  pid_t pid = fork();
  if (pid == 0) {
    int fd = unet_socket_release(pair.a.get());
    if (fd < 0 || dup2(fd, kExecFd) != kExecFd)
      _exit(1);
    setenv(kExecFdVariable, std::to_string(kExecFd).c_str(), 1);
    execl("/proc/self/exe", "fork_test", "--gtest_filter=ForkExecChild.WrapsItsFd",
          static_cast<char *>(nullptr));
    _exit(2);
  }
  ASSERT_GT(pid, 0);
  close(unet_socket_release(pair.a.get()));
  char buf[8] = {};
  EXPECT_EQ(unet_socket_read(pair.b.get(), buf, sizeof(buf)), 4);
  EXPECT_EQ(std::string(buf), "exec");
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

INSTANTIATE_TEST_SUITE_P(Kinds, ForkTest, ::testing::Bool(), KindName);

// A child made by a raw clone(2) runs no atfork handler: it must still see
// that its sockets are inherited (the identity page is wiped by the kernel,
// not by a handler), in the hot path as in Close.
class RawCloneTest : public ForkTest {
 protected:
  void SetUp() override {
    ForkTest::SetUp();
    // qemu-user answers 0 to MADV_WIPEONFORK and wipes nothing: only the
    // atfork handler (fork(3)) protects there.
    if (unet_testing::Emulator())
      GTEST_SKIP() << unet_testing::Emulator() << " ignores MADV_WIPEONFORK";
#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
    // TSan resets its state in a child only through fork(): in a raw clone
    // it still sees the parent's threads and reports races with them.
    GTEST_SKIP() << "TSan does not follow a raw clone(2)";
#endif
#endif
  }
};

TEST_P(RawCloneTest, EveryOtherCallInTheChildIsEchild) {
  auto pair = MakeSocketPair(packet());
  ASSERT_EQ(unet_socket_write(pair.b.get(), "p", 1), 1);  // Data a child must not take.
  EXPECT_EQ(InChild(
                [&] {
                  char c = 'c';
                  int bad = 0;
                  bad += unet_socket_read(pair.a.get(), &c, 1) != -ECHILD;
                  bad += unet_socket_write(pair.a.get(), &c, 1) != -ECHILD;
                  bad += unet_socket_shutdown(pair.b.get()) != -ECHILD;
                  bad += unet_socket_set_spin(pair.a.get(), 0) != -ECHILD;
                  return bad;
                },
                SIGCHLD),
            0);
  char c = 0;
  EXPECT_EQ(unet_socket_read(pair.a.get(), &c, 1), 1);
  EXPECT_EQ(c, 'p');
}

TEST_P(RawCloneTest, ChildCloseNeitherShutsDownNorWakesTheParent) {
  auto pair = MakeSocketPair(packet());
  auto reader = std::async(std::launch::async, [&] {
    char c;
    return unet_socket_read(pair.a.get(), &c, 1);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // Blocked inside.
  EXPECT_EQ(
      InChild(
          [&] {
            return unet_socket_close(pair.a.get()) == 0 && unet_socket_close(pair.b.get()) == 0 ? 0
                                                                                                : 1;
          },
          SIGCHLD),
      0);
  EXPECT_EQ(reader.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);
  ASSERT_EQ(unet_socket_write(pair.b.get(), "d", 1), 1);
  EXPECT_EQ(reader.get(), 1);
}

// Sockets the child makes are its own, though no handler told the library
// that it is another process.
TEST_P(RawCloneTest, SocketsTheChildMakesWork) {
  auto parents = MakeSocketPair(packet());
  EXPECT_EQ(InChild(
                [&] {
                  unet_socket *a, *b;
                  if (unet_socketpair(packet(), &a, &b) != 0)
                    return 1;
                  char c = 0;
                  int bad = unet_socket_write(a, "k", 1) != 1;
                  bad += unet_socket_read(b, &c, 1) != 1 || c != 'k';
                  bad += unet_socket_close(a) != 0;
                  unet_socket_free(a);
                  unet_socket_free(b);
                  return bad;
                },
                SIGCHLD),
            0);
}

// A pid is no identity: a child in a new pid namespace can have its
// creator's pid (1 here, both being first in their namespaces). Its Close
// must not shut down the creator's connection, its reads must not take the
// creator's data. Needs CAP_SYS_ADMIN (skipped without).
TEST_P(RawCloneTest, ChildWithItsCreatorsPidIsNotItsCreator) {
  int outer = InChild(
      [&] {
        if (getpid() != 1)
          return 10;
        auto pair = MakeSocketPair(packet());
        if (unet_socket_write(pair.b.get(), "p", 1) != 1)
          return 11;
        int inner = InChild(
            [&] {
              if (getpid() != 1)
                return 20;
              char c;
              int bad = unet_socket_read(pair.a.get(), &c, 1) != -ECHILD;
              bad += unet_socket_close(pair.a.get()) != 0;
              bad += unet_socket_close(pair.b.get()) != 0;
              return bad;
            },
            CLONE_NEWPID | SIGCHLD);
        if (inner != 0)
          return inner == kCannotClone ? 12 : 13 + inner;
        char c = 0;
        if (unet_socket_read(pair.a.get(), &c, 1) != 1 || c != 'p')
          return 14;  // The child took the data, or shut the pair down.
        if (unet_socket_write(pair.a.get(), "q", 1) != 1)
          return 15;
        return 0;
      },
      CLONE_NEWPID | SIGCHLD);
  if (outer == kCannotClone)
    GTEST_SKIP() << "no new pid namespace here (CAP_SYS_ADMIN needed)";
  EXPECT_EQ(outer, 0);
}

INSTANTIATE_TEST_SUITE_P(Kinds, RawCloneTest, ::testing::Bool(), KindName);

// The exec'd side of HandOverAcrossForkAndExec; skipped when run directly.
TEST(ForkExecChild, WrapsItsFd) {
  const char *value = getenv(kExecFdVariable);
  if (!value)
    GTEST_SKIP() << "run by HandOverAcrossForkAndExec";
  unet_socket *s = nullptr;
  ASSERT_EQ(unet_socket_new(atoi(value), &s), 0);
  EXPECT_EQ(unet_socket_write(s, "exec", 4), 4);
  unet_socket_free(s);
}

}  // namespace
