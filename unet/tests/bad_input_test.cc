// Bad input gives a clear negative errno, never a crash, and changes nothing:
// NULL pointers, negative, closed and non-socket fds, bad names and counts.
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "testing/unet_fixture.h"

namespace {

using unet_testing::MakeSocketPair;
using unet_testing::UnetTest;
using unet_testing::UniqueFd;

class BadInputTest : public UnetTest {};

TEST_F(BadInputTest, NullObjectsAreEinval) {
  char buf[4];
  struct iovec iov = {buf, sizeof(buf)};
  EXPECT_EQ(unet_socket_close(nullptr), -EINVAL);
  EXPECT_EQ(unet_socket_release(nullptr), -EINVAL);
  EXPECT_EQ(unet_socket_fd(nullptr), -EINVAL);
  EXPECT_EQ(unet_socket_shutdown(nullptr), -EINVAL);
  EXPECT_EQ(unet_socket_read(nullptr, buf, 1), -EINVAL);
  EXPECT_EQ(unet_socket_write(nullptr, buf, 1), -EINVAL);
  EXPECT_EQ(unet_socket_getsockopt(nullptr, 0, 0, buf, 4), -EINVAL);
  EXPECT_EQ(unet_socket_setsockopt(nullptr, 0, 0, buf, 4), -EINVAL);
  EXPECT_EQ(unet_socket_peer_cred(nullptr, nullptr), -EINVAL);
  EXPECT_EQ(unet_socket_peer_name(nullptr, buf, 4), -EINVAL);
  EXPECT_EQ(unet_socket_sock_name(nullptr, buf, 4), -EINVAL);
  EXPECT_EQ(unet_socket_reader_readv(nullptr, &iov, 1), -EINVAL);
  EXPECT_EQ(unet_socket_writer_writev(nullptr, &iov, 1), -EINVAL);
  EXPECT_EQ(unet_server_socket_close(nullptr), -EINVAL);
  EXPECT_EQ(unet_server_socket_release(nullptr), -EINVAL);
  EXPECT_EQ(unet_server_socket_fd(nullptr), -EINVAL);
  EXPECT_EQ(unet_server_socket_listen(nullptr), -EINVAL);
  EXPECT_EQ(unet_server_socket_accept(nullptr, nullptr), -EINVAL);
  EXPECT_EQ(unet_socket_set_spin(nullptr, 0), -EINVAL);
  EXPECT_EQ(unet_socket_pass_credentials(nullptr, true), -EINVAL);
  EXPECT_EQ(unet_socket_pass_pidfd(nullptr, true), -EINVAL);
  EXPECT_EQ(unet_socket_peer_pidfd(nullptr), -EINVAL);
  EXPECT_EQ(unet_socket_check_peer(nullptr, 0, 0, nullptr), -EINVAL);
  unet_socket_free(nullptr);
  unet_server_socket_free(nullptr);
  unet_socket_reader_init(nullptr, nullptr, true);
  unet_socket_writer_init(nullptr, nullptr, true);
}

TEST_F(BadInputTest, NullOutParametersAreEinval) {
  unet_socket *s = nullptr;
  unet_server_socket *server = nullptr;
  EXPECT_EQ(unet_socketpair(false, nullptr, &s), -EINVAL);
  EXPECT_EQ(unet_socketpair(false, &s, nullptr), -EINVAL);
  EXPECT_EQ(unet_connect("@x", false, nullptr), -EINVAL);
  EXPECT_EQ(unet_bind("@x", false, nullptr), -EINVAL);
  EXPECT_EQ(unet_bind_and_listen("@x", false, nullptr), -EINVAL);
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
  UniqueFd a(fds[0]), b(fds[1]);
  EXPECT_EQ(unet_socket_new(a.get(), nullptr), -EINVAL);
  EXPECT_EQ(unet_server_socket_new(a.get(), nullptr), -EINVAL);
  // The fd is still the caller's and unchanged (blocking).
  EXPECT_FALSE(fcntl(a.get(), F_GETFL) & O_NONBLOCK);
  auto pair = MakeSocketPair(false);
  EXPECT_EQ(unet_socket_peer_cred(pair.a.get(), nullptr), -EINVAL);
  EXPECT_EQ(unet_server_socket_accept(reinterpret_cast<unet_server_socket *>(server), &s), -EINVAL);
}

TEST_F(BadInputTest, NullOrOverlongNamesAreEinval) {
  unet_socket *s = nullptr;
  unet_server_socket *server = nullptr;
  EXPECT_EQ(unet_connect(nullptr, false, &s), -EINVAL);
  EXPECT_EQ(unet_bind(nullptr, false, &server), -EINVAL);
  std::string longest(UNET_MAX_NAME, 'a');
  longest[0] = '@';  // 107 bytes, abstract: accepted.
  ASSERT_EQ(unet_bind(longest.c_str(), false, &server), 0);
  unet_server_socket_free(server);
  server = nullptr;
  std::string too_long(UNET_MAX_NAME + 1, 'a');
  too_long[0] = '@';
  EXPECT_EQ(unet_bind(too_long.c_str(), false, &server), -EINVAL);
  EXPECT_EQ(unet_connect(too_long.c_str(), false, &s), -EINVAL);
  EXPECT_EQ(server, nullptr);
  EXPECT_EQ(s, nullptr);
}

TEST_F(BadInputTest, NegativeAndClosedFdsAreEbadf) {
  unet_socket *s = nullptr;
  unet_server_socket *server = nullptr;
  EXPECT_EQ(unet_socket_new(-1, &s), -EBADF);
  EXPECT_EQ(unet_server_socket_new(-5, &server), -EBADF);
  int fd = dup(0);
  ASSERT_GE(fd, 0);
  close(fd);
  EXPECT_EQ(unet_socket_new(fd, &s), -EBADF);
  EXPECT_EQ(s, nullptr);
  EXPECT_EQ(server, nullptr);
}

TEST_F(BadInputTest, FailedWrapLeavesTheFdWithTheCaller) {
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
  UniqueFd a(fds[0]), b(fds[1]);
  // No free fd number below the limit: the eventfd2 fails with EMFILE.
  struct rlimit old;
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &old), 0);
  struct rlimit tight = old;
  tight.rlim_cur = static_cast<rlim_t>(std::max(a.get(), b.get()) + 1);
  std::vector<UniqueFd> fillers;
  for (;;) {
    UniqueFd filler(dup(0));
    ASSERT_GE(filler.get(), 0);
    if (filler.get() >= static_cast<int>(tight.rlim_cur))
      break;
    fillers.push_back(std::move(filler));
  }
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &tight), 0);
  unet_socket *s = nullptr;
  int r = unet_socket_new(a.get(), &s);
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &old), 0);
  EXPECT_EQ(r, -EMFILE);
  EXPECT_EQ(s, nullptr);
  EXPECT_GE(fcntl(a.get(), F_GETFD), 0);               // Still open, ours.
  EXPECT_FALSE(fcntl(a.get(), F_GETFL) & O_NONBLOCK);  // And unchanged.
}

TEST_F(BadInputTest, FdThatIsNotASocketFailsAtTheFirstSocketCall) {
  // As Go's NewSocket, wrapping does not check the fd's kind.
  int p[2];
  ASSERT_EQ(pipe2(p, O_CLOEXEC), 0);
  UniqueFd write_end(p[1]);
  unet_socket *s = nullptr;
  ASSERT_EQ(unet_socket_new(p[0], &s), 0);
  unet_testing::SocketPtr owned(s);
  char buf[1];
  EXPECT_EQ(unet_socket_read(s, buf, 1), -ENOTSOCK);
  struct ucred cred;
  EXPECT_EQ(unet_socket_peer_cred(s, &cred), -ENOTSOCK);
}

TEST_F(BadInputTest, BadVectorsAreEinval) {
  auto pair = MakeSocketPair(true);
  unet_socket_reader r;
  unet_socket_reader_init(&r, pair.a.get(), false);
  unet_socket_writer w;
  unet_socket_writer_init(&w, pair.a.get(), false);
  EXPECT_EQ(unet_socket_reader_readv(&r, nullptr, 1), -EINVAL);
  EXPECT_EQ(unet_socket_reader_readv(&r, nullptr, -1), -EINVAL);
  EXPECT_EQ(unet_socket_writer_writev(&w, nullptr, 2), -EINVAL);
  EXPECT_EQ(unet_socket_read(pair.a.get(), nullptr, 4), -EINVAL);
  EXPECT_EQ(unet_socket_write(pair.a.get(), nullptr, 4), -EINVAL);
  // The smallest length with no buffer is refused too, before any syscall.
  EXPECT_EQ(unet_socket_read(pair.a.get(), nullptr, 1), -EINVAL);
  EXPECT_EQ(unet_socket_sock_name(pair.a.get(), nullptr, 1), -EINVAL);
  EXPECT_EQ(unet_socket_peer_name(pair.a.get(), nullptr, 1), -EINVAL);
  EXPECT_EQ(unet_socket_getsockopt(pair.a.get(), SOL_SOCKET, SO_TYPE, nullptr, 1), -EINVAL);
  EXPECT_EQ(unet_socket_setsockopt(pair.a.get(), SOL_SOCKET, SO_TYPE, nullptr, 1), -EINVAL);
  unet_socket_reader unbound;
  unet_socket_reader_init(&unbound, nullptr, false);
  char buf[1];
  struct iovec iov = {buf, 1};
  EXPECT_EQ(unet_socket_reader_readv(&unbound, &iov, 1), -EINVAL);
}

// fd 0 is an fd like any other (a daemon whose stdin is closed gets its
// first socket there): every call on a socket or server whose fd is 0 works.
TEST_F(BadInputTest, SocketsOnFdZeroWork) {
  UniqueFd stdin_copy(fcntl(0, F_DUPFD_CLOEXEC, 3));
  ASSERT_GE(stdin_copy.get(), 0);
  close(0);
  std::string name = unet_testing::UniqueAbstractName();
  unet_server_socket *server = nullptr;
  int bound = unet_bind_and_listen(name.c_str(), false, &server);
  bool at_zero = bound == 0 && unet_server_socket_fd(server) == 0;
  unet_socket *client = nullptr, *accepted = nullptr;
  int connected = unet_connect(name.c_str(), false, &client);
  int accepted_r = bound == 0 ? unet_server_socket_accept(server, &accepted) : bound;
  unet_server_socket_free(server);  // Frees fd 0 again: next, a pair there.
  unet_socket *a = nullptr, *b = nullptr;
  int paired = unet_socketpair(false, &a, &b);
  bool pair_at_zero = paired == 0 && unet_socket_fd(a) == 0;
  char c = 0;
  ssize_t wrote = paired == 0 ? unet_socket_write(b, "z", 1) : paired;
  ssize_t read = paired == 0 ? unet_socket_read(a, &c, 1) : paired;
  // A spinning read at fd 0, its data 20 ms late.
  ssize_t spun = paired;
  if (paired == 0 && unet_socket_set_spin(a, INT64_C(2000000000)) == 0) {
    std::thread late([b] {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      unet_socket_write(b, "s", 1);
    });
    spun = unet_socket_read(a, &c, 1);
    late.join();
  }
  int opt = 0;
  int got_opt =
      paired == 0 ? unet_socket_getsockopt(a, SOL_SOCKET, SO_TYPE, &opt, sizeof(opt)) : paired;
  int shut = paired == 0 ? unet_socket_shutdown(a) : paired;
  int closed = paired == 0 ? unet_socket_close(a) : paired;
  bool zero_closed = fcntl(0, F_GETFD) < 0;  // Close closed fd 0 itself.
  unet_socket_free(a);
  unet_socket_free(b);
  unet_socket_free(client);
  unet_socket_free(accepted);
  ASSERT_EQ(dup2(stdin_copy.get(), 0), 0);  // stdin back before any assertion.
  EXPECT_TRUE(at_zero);
  EXPECT_EQ(connected, 0);
  EXPECT_EQ(accepted_r, 0);
  EXPECT_TRUE(pair_at_zero);
  EXPECT_EQ(wrote, 1);
  EXPECT_EQ(read, 1);
  EXPECT_EQ(spun, 1);
  EXPECT_EQ(c, 's');
  EXPECT_EQ(got_opt, static_cast<int>(sizeof(opt)));
  EXPECT_EQ(shut, 0);
  EXPECT_EQ(closed, 0);
  EXPECT_TRUE(zero_closed);
}

TEST_F(BadInputTest, PackingAClosedFdFailsOnWriteWithEbadf) {
  auto pair = MakeSocketPair(false);
  int fd = dup(0);
  ASSERT_GE(fd, 0);
  close(fd);
  unet_socket_writer w;
  unet_socket_writer_init(&w, pair.a.get(), true);
  ASSERT_EQ(unet_control_message_pack_fds(&w.control, &fd, 1), 0);
  char byte = 'b';
  struct iovec iov = {&byte, 1};
  EXPECT_EQ(unet_socket_writer_writev(&w, &iov, 1), -EBADF);
}

// Every function that takes a socket, on a closed and on a released one.
class GoneSocketTest : public UnetTest, public ::testing::WithParamInterface<bool> {
 protected:
  bool released() const { return GetParam(); }
};

TEST_P(GoneSocketTest, EverySocketFunctionAnswersEbadf) {
  auto pair = MakeSocketPair(true);
  unet_socket *s = pair.a.get();
  UniqueFd released_fd;
  if (released())
    released_fd.reset(unet_socket_release(s));
  else
    ASSERT_EQ(unet_socket_close(s), 0);

  char buf[8] = {};
  struct iovec iov = {buf, sizeof(buf)};
  unet_socket_reader r;
  unet_socket_reader_init(&r, s, true);
  unet_socket_writer w;
  unet_socket_writer_init(&w, s, true);
  struct ucred cred;
  EXPECT_EQ(unet_socket_close(s), -EBADF);
  EXPECT_EQ(unet_socket_release(s), -EBADF);
  EXPECT_EQ(unet_socket_fd(s), -EBADF);
  EXPECT_EQ(unet_socket_shutdown(s), -EBADF);
  EXPECT_EQ(unet_socket_getsockopt(s, SOL_SOCKET, SO_TYPE, buf, 4), -EBADF);
  EXPECT_EQ(unet_socket_setsockopt(s, SOL_SOCKET, SO_SNDBUF, buf, 4), -EBADF);
  EXPECT_EQ(unet_socket_peer_cred(s, &cred), -EBADF);
  EXPECT_EQ(unet_socket_peer_name(s, buf, sizeof(buf)), -EBADF);
  EXPECT_EQ(unet_socket_sock_name(s, buf, sizeof(buf)), -EBADF);
  EXPECT_EQ(unet_socket_read(s, buf, sizeof(buf)), -EBADF);
  EXPECT_EQ(unet_socket_write(s, buf, sizeof(buf)), -EBADF);
  EXPECT_EQ(unet_socket_reader_readv(&r, &iov, 1), -EBADF);
  EXPECT_EQ(unet_socket_writer_writev(&w, &iov, 1), -EBADF);
  size_t progress = 0;
  EXPECT_EQ(unet_socket_reader_read_full(&r, &iov, 1, &progress), -EBADF);
  EXPECT_EQ(unet_socket_writer_write_all(&w, &iov, 1, &progress), -EBADF);
  EXPECT_EQ(unet_socket_set_spin(s, 0), -EBADF);
  EXPECT_EQ(unet_socket_pass_credentials(s, true), -EBADF);
  EXPECT_EQ(unet_socket_pass_pidfd(s, true), -EBADF);
  EXPECT_EQ(unet_socket_peer_pidfd(s), -EBADF);
  EXPECT_EQ(unet_socket_check_peer(s, UNET_ANY_ID, UNET_ANY_ID, nullptr), -EBADF);
}

TEST_P(GoneSocketTest, EveryServerFunctionAnswersEbadf) {
  unet_server_socket *raw = nullptr;
  ASSERT_EQ(unet_bind("", false, &raw), 0);
  unet_testing::ServerSocketPtr server(raw);
  UniqueFd released_fd;
  if (released())
    released_fd.reset(unet_server_socket_release(server.get()));
  else
    ASSERT_EQ(unet_server_socket_close(server.get()), 0);
  unet_socket *s = nullptr;
  EXPECT_EQ(unet_server_socket_listen(server.get()), -EBADF);
  EXPECT_EQ(unet_server_socket_accept(server.get(), &s), -EBADF);
  EXPECT_EQ(unet_server_socket_accept_timeout(server.get(), 1000, &s), -EBADF);
  EXPECT_EQ(unet_server_socket_close(server.get()), -EBADF);
  EXPECT_EQ(unet_server_socket_release(server.get()), -EBADF);
  EXPECT_EQ(unet_server_socket_fd(server.get()), -EBADF);
  EXPECT_EQ(s, nullptr);
}

INSTANTIATE_TEST_SUITE_P(ClosedOrReleased, GoneSocketTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool> &info) {
                           return std::string(info.param ? "Released" : "Closed");
                         });

TEST_F(BadInputTest, HugeCountsAreRefused) {
  auto pair = MakeSocketPair(true);
  unet_control_message c = UNET_CONTROL_MESSAGE_INIT;
  int fds[UNET_MAX_FDS + 1] = {};
  EXPECT_EQ(unet_control_message_enable_fds(&c, INT32_MAX), -EINVAL);
  EXPECT_EQ(unet_control_message_pack_fds(&c, fds, INT32_MAX), -EINVAL);
  EXPECT_EQ(unet_control_message_pack_fds(&c, fds, UNET_MAX_FDS + 1), -EINVAL);  // 254 fds.
  EXPECT_EQ(c.len, 0u);
  char buf[4];
  struct iovec iov[1] = {{buf, sizeof(buf)}};
  unet_socket_reader r;
  unet_socket_reader_init(&r, pair.a.get(), false);
  // More vectors than the kernel allows: its answer, before anything reads
  // the (here too short) array.
  EXPECT_EQ(unet_socket_reader_readv(&r, iov, IOV_MAX + 1), -EMSGSIZE);
  unet_socket_writer w;
  unet_socket_writer_init(&w, pair.a.get(), false);
  EXPECT_EQ(unet_socket_writer_writev(&w, iov, IOV_MAX + 1), -EMSGSIZE);
  // Option lengths over 4 GiB (Go's uint32): only a 64-bit size_t has them.
  if (sizeof(size_t) > 4) {
    size_t huge = static_cast<size_t>(UINT32_MAX);
    huge++;
    EXPECT_EQ(unet_socket_getsockopt(pair.a.get(), SOL_SOCKET, SO_TYPE, buf, huge), -EINVAL);
    EXPECT_EQ(unet_socket_setsockopt(pair.a.get(), SOL_SOCKET, SO_SNDBUF, buf, huge), -EINVAL);
  }
}

// control.len is a public field: a caller that never initialised a reader or
// writer leaves garbage there. No sum with it may wrap, and the kernel must
// never be handed more than the struct holds.
TEST_F(BadInputTest, GarbageControlLenIsEinvalEverywhere) {
  auto pair = MakeSocketPair(true);
  char buf[4] = "abc";
  struct iovec iov = {buf, sizeof(buf)};
  for (size_t garbage :
       {sizeof(unet_control_message::data) + 1, SIZE_MAX,
        SIZE_MAX - CMSG_SPACE(sizeof(struct ucred)) + 1, static_cast<size_t>(INT64_MAX)}) {
    SCOPED_TRACE(garbage);
    unet_control_message c = UNET_CONTROL_MESSAGE_INIT;
    c.len = garbage;
    int fds[4];
    struct ucred cred;
    EXPECT_EQ(unet_control_message_enable_credentials(&c), -EINVAL);
    EXPECT_EQ(unet_control_message_enable_pidfd(&c), -EINVAL);
    EXPECT_EQ(unet_control_message_pack_credentials(&c, nullptr), -EINVAL);
    EXPECT_EQ(unet_control_message_extract_fds(&c, fds, 4), -EINVAL);
    EXPECT_EQ(unet_control_message_take_fds(&c, fds, 4), -EINVAL);
    EXPECT_EQ(unet_control_message_credentials(&c, &cred), -EINVAL);
    EXPECT_EQ(unet_control_message_take_pidfd(&c), -EINVAL);
    unet_control_message_close_fds(&c);
    EXPECT_EQ(c.len, garbage);

    unet_socket_writer w;
    unet_socket_writer_init(&w, pair.a.get(), false);
    w.control.len = garbage;
    EXPECT_EQ(unet_socket_writer_writev(&w, &iov, 1), -EINVAL);
    unet_socket_reader r;
    unet_socket_reader_init(&r, pair.b.get(), false);
    r.control.len = garbage;
    EXPECT_EQ(unet_socket_reader_readv(&r, &iov, 1), -EINVAL);
  }
  // Nothing was sent by the refused writes.
  unet_socket_reader r;
  unet_socket_reader_init(&r, pair.b.get(), false);
  EXPECT_EQ(unet_socket_reader_readv(&r, &iov, 1), -EAGAIN);
}

// Buffer lengths whose total passes SSIZE_MAX or SIZE_MAX: the kernel's
// answer, nothing sent, and no arithmetic of ours overflows (UBSan and
// -fsanitize=integer watch it in the asan config).
TEST_F(BadInputTest, HugeIovecTotalsAreTheKernelsError) {
  auto pair = MakeSocketPair(true);
  char buf[4] = "abc";
  struct iovec huge[3] = {{buf, sizeof(buf)}, {buf, SIZE_MAX / 2 + 1}, {buf, SIZE_MAX / 2 + 1}};
  unet_socket_writer w;
  unet_socket_writer_init(&w, pair.a.get(), false);
  EXPECT_EQ(unet_socket_writer_writev(&w, huge, 3), -EINVAL);
  ASSERT_EQ(unet_socket_write(pair.a.get(), "x", 1), 1);
  unet_socket_reader r;
  unet_socket_reader_init(&r, pair.b.get(), false);
  EXPECT_EQ(unet_socket_reader_readv(&r, huge, 3), -EINVAL);
  EXPECT_EQ(unet_socket_read(pair.b.get(), buf, SIZE_MAX), -EINVAL);
  EXPECT_EQ(unet_socket_read(pair.b.get(), buf, 4), 1);  // The byte is still there.
}

TEST_F(BadInputTest, EmptyNameConnectsNowhereButAutobinds) {
  unet_socket *s = nullptr;
  EXPECT_EQ(unet_connect("", true, &s), -EINVAL);  // The kernel's answer, as Go.
  unet_server_socket *server = nullptr;
  ASSERT_EQ(unet_bind("", true, &server), 0);
  unet_server_socket_free(server);
}

TEST_F(BadInputTest, StrerrorNamesEveryCode) {
  EXPECT_STREQ(unet_strerror(0), "success");
  EXPECT_STREQ(unet_strerror(-EBADF), "Bad file descriptor");
  EXPECT_STREQ(unet_strerror(EBADF), "Bad file descriptor");
  EXPECT_NE(std::string(unet_strerror(UNET_EOF)).find("end of stream"), std::string::npos);
  EXPECT_NE(std::string(unet_strerror(UNET_ETRUNC)).find("truncated"), std::string::npos);
  EXPECT_STREQ(unet_strerror(-99999), "unknown error code");
  EXPECT_STREQ(unet_strerror(INT32_MIN), "unknown error code");
}

}  // namespace
