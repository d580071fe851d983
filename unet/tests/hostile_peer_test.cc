// What a hostile peer can do to a process using libunet, and what libunet
// does about it: one test per row of testing/HOSTILE_PEER.md. The fixture
// counts fds around each: whatever the peer sends, nothing stays open that
// the reader did not take.
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "testing/unet_fixture.h"

namespace {

using unet_testing::MakeSocketPair;
using unet_testing::UnetTest;
using unet_testing::UniqueFd;

using Clock = std::chrono::steady_clock;

class HostilePeerTest : public UnetTest {
 protected:
  // Sends one byte with fds (borrowed) from s.
  static ssize_t SendFds(unet_socket *s, const std::vector<int> &fds) {
    unet_socket_writer w;
    unet_socket_writer_init(&w, s, true);
    EXPECT_EQ(unet_control_message_pack_fds(&w.control, fds.data(), static_cast<int>(fds.size())),
              0);
    char byte = 'h';
    struct iovec iov = {&byte, 1};
    return unet_socket_writer_writev(&w, &iov, 1);
  }

  // n fresh fds of /dev/null.
  static std::vector<UniqueFd> DevNulls(int n) {
    std::vector<UniqueFd> fds;
    for (int i = 0; i < n; i++)
      fds.emplace_back(open("/dev/null", O_RDONLY | O_CLOEXEC));
    return fds;
  }

  static std::vector<int> Numbers(const std::vector<UniqueFd> &fds) {
    std::vector<int> numbers;
    for (const auto &fd : fds)
      numbers.push_back(fd.get());
    return numbers;
  }
};

// 253 fds in one message, to a reader that has only 10 fd numbers left:
// the kernel installs what fits, drops the rest and says MSG_CTRUNC; the
// read succeeds; the reader gets what fit and nothing leaks.
TEST_F(HostilePeerTest, MoreFdsThanTheReaderMayOpen) {
  auto pair = MakeSocketPair(false);
  auto files = DevNulls(UNET_MAX_FDS);
  ASSERT_EQ(SendFds(pair.a.get(), Numbers(files)), 1);
  files.clear();
  if (getenv("LIBUNET_UNDER_VALGRIND"))
    GTEST_SKIP() << "valgrind keeps fds of its own near RLIMIT_NOFILE";
  unet_socket_reader r;
  unet_socket_reader_init(&r, pair.b.get(), true);
  ASSERT_EQ(unet_control_message_enable_fds(&r.control, UNET_MAX_FDS), 0);
  char byte;
  struct iovec iov = {&byte, 1};
  ssize_t n = unet_testing::WithFreeFds(
      10, [&] { return static_cast<int>(unet_socket_reader_readv(&r, &iov, 1)); });
  EXPECT_EQ(n, 1);
  EXPECT_TRUE(r.msg_flags & MSG_CTRUNC);
  int count = unet_control_message_count_fds(&r.control);
  EXPECT_GE(count, 0);
  EXPECT_LE(count, 10);
  unet_control_message_close_fds(&r.control);
}

// fds sent to a reader that enabled no room: the kernel closes them all
// and says MSG_CTRUNC. The reader holds none.
TEST_F(HostilePeerTest, FdsToAReaderWithoutRoom) {
  auto pair = MakeSocketPair(true);
  auto files = DevNulls(3);
  ASSERT_EQ(SendFds(pair.a.get(), Numbers(files)), 1);
  files.clear();
  unet_socket_reader r;
  unet_socket_reader_init(&r, pair.b.get(), true);
  char byte;
  struct iovec iov = {&byte, 1};
  ASSERT_EQ(unet_socket_reader_readv(&r, &iov, 1), 1);
  EXPECT_TRUE(r.msg_flags & MSG_CTRUNC);
  EXPECT_EQ(unet_control_message_count_fds(&r.control), 0);
}

// A message larger than the buffers on seqpacket: the read answers
// UNET_ETRUNC (MSG_TRUNC), the rest is gone and the next message is intact;
// an empty message reads as UNET_EOF on a live connection.
TEST_F(HostilePeerTest, HugeAndEmptySeqpacketMessages) {
  auto pair = MakeSocketPair(true);
  std::vector<char> huge(200000, 'x');
  ASSERT_EQ(unet_socket_write(pair.a.get(), huge.data(), huge.size()),
            static_cast<ssize_t>(huge.size()));
  ASSERT_EQ(unet_socket_write(pair.a.get(), "", 0), 0);
  ASSERT_EQ(unet_socket_write(pair.a.get(), "ok", 2), 2);
  unet_socket_reader r;
  unet_socket_reader_init(&r, pair.b.get(), true);
  char buf[16];
  struct iovec iov = {buf, sizeof(buf)};
  EXPECT_EQ(unet_socket_reader_readv(&r, &iov, 1), UNET_ETRUNC);
  EXPECT_TRUE(r.msg_flags & MSG_TRUNC);
  EXPECT_EQ(unet_socket_reader_readv(&r, &iov, 1), UNET_EOF);  // Not the peer closing.
  EXPECT_EQ(unet_socket_reader_readv(&r, &iov, 1), 2);
}

// Credentials in a message are what the sender claims, checked by the
// kernel only against the sender's privileges: root claims pid 1. The
// connection's own credentials (SO_PEERCRED, check_peer) are not claims.
TEST_F(HostilePeerTest, MessageCredentialsAreClaimsPeerCredIsNot) {
  if (geteuid() != 0)
    GTEST_SKIP() << "claiming another pid needs root";
  auto pair = MakeSocketPair(false);
  ASSERT_EQ(unet_socket_pass_credentials(pair.b.get(), true), 0);
  unet_socket_writer w;
  unet_socket_writer_init(&w, pair.a.get(), true);
  struct ucred claim = {1, 0, 0};
  ASSERT_EQ(unet_control_message_pack_credentials(&w.control, &claim), 0);
  char byte = 'c';
  struct iovec iov = {&byte, 1};
  ASSERT_EQ(unet_socket_writer_writev(&w, &iov, 1), 1);
  unet_socket_reader r;
  unet_socket_reader_init(&r, pair.b.get(), true);
  ASSERT_EQ(unet_control_message_enable_credentials(&r.control), 0);
  ASSERT_EQ(unet_socket_reader_readv(&r, &iov, 1), 1);
  struct ucred got = {};
  ASSERT_EQ(unet_control_message_credentials(&r.control, &got), 0);
  EXPECT_EQ(got.pid, 1);  // The claim.
  struct ucred peer = {};
  ASSERT_EQ(unet_socket_peer_cred(pair.b.get(), &peer), 0);
  EXPECT_EQ(peer.pid, getpid());  // The truth, recorded by the kernel at connect.
}

// A listener that never accepts (a squatter on an abstract name): connect
// with a timeout gives up; without one it would wait for ever.
TEST_F(HostilePeerTest, APeerThatNeverAccepts) {
  std::string name = unet_testing::UniqueAbstractName();
  unet_server_socket *squatter = nullptr;
  ASSERT_EQ(unet_bind_and_listen(name.c_str(), false, &squatter), 0);
  unet_testing::ServerSocketPtr owned(squatter);
  std::vector<unet_testing::SocketPtr> queued;
  auto start = Clock::now();
  int r = 0;
  // Fill the backlog, then one more: it times out.
  while (Clock::now() - start < std::chrono::seconds(10)) {
    unet_socket *s = nullptr;
    r = unet_connect_timeout(name.c_str(), false, 50 * 1000 * 1000, &s);
    if (r != 0)
      break;
    queued.emplace_back(s);
  }
  EXPECT_EQ(r, -ETIMEDOUT);
}

// A peer that closes in the middle of a message: read_full answers UNET_EOF
// with what came counted, and the first chunk's fds stay in the reader's
// control message (nothing leaks; take them or close them).
TEST_F(HostilePeerTest, APeerThatClosesMidMessage) {
  auto pair = MakeSocketPair(false);
  auto files = DevNulls(2);
  ASSERT_EQ(SendFds(pair.a.get(), Numbers(files)), 1);
  files.clear();
  unet_socket_free(pair.a.release());
  unet_socket_reader r;
  unet_socket_reader_init(&r, pair.b.get(), true);
  ASSERT_EQ(unet_control_message_enable_fds(&r.control, 2), 0);
  char buf[100];
  struct iovec iov = {buf, sizeof(buf)};
  size_t progress = 0;
  EXPECT_EQ(unet_socket_reader_read_full(&r, &iov, 1, &progress), UNET_EOF);
  EXPECT_EQ(progress, 1u);
  EXPECT_EQ(unet_control_message_count_fds(&r.control), 2);
  unet_control_message_close_fds(&r.control);
}

// An fd whose close blocks (here a TCP socket lingering on unsent data; a
// FUSE file behaves alike): close_fds and take_fds_closing_rest close in
// the calling thread and wait with it; take_fds hands the fds over at once,
// to be closed where waiting costs nothing.
TEST_F(HostilePeerTest, AnFdWhoseCloseBlocks) {
  UniqueFd listener(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  struct sockaddr_in addr = {};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (listener.get() < 0 || bind(listener.get(), reinterpret_cast<sockaddr *>(&addr), len) != 0 ||
      listen(listener.get(), 1) != 0 ||
      getsockname(listener.get(), reinterpret_cast<sockaddr *>(&addr), &len) != 0)
    GTEST_SKIP() << "no loopback network here";
  // A connection whose peer never reads, its buffers full, lingering 1 s.
  auto lingering = [&] {
    UniqueFd tcp(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    connect(tcp.get(), reinterpret_cast<sockaddr *>(&addr), len);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::vector<char> junk(1 << 16, 'j');
    while (send(tcp.get(), junk.data(), junk.size(), MSG_NOSIGNAL) > 0) {
    }
    int blocking = fcntl(tcp.get(), F_GETFL) & ~O_NONBLOCK;
    fcntl(tcp.get(), F_SETFL, blocking);
    struct linger l = {1, 1};
    setsockopt(tcp.get(), SOL_SOCKET, SO_LINGER, &l, sizeof(l));
    return tcp;
  };
  auto pair = MakeSocketPair(false);
  for (bool take : {true, false}) {
    UniqueFd tcp = lingering();
    ASSERT_EQ(SendFds(pair.a.get(), {tcp.get()}), 1);
    tcp.reset();  // Our copy: the one in flight is the last, whose close lingers.
    unet_socket_reader r;
    unet_socket_reader_init(&r, pair.b.get(), true);
    ASSERT_EQ(unet_control_message_enable_fds(&r.control, 1), 0);
    char byte;
    struct iovec iov = {&byte, 1};
    ASSERT_EQ(unet_socket_reader_readv(&r, &iov, 1), 1);
    auto start = Clock::now();
    int taken = -1;
    if (take) {
      ASSERT_EQ(unet_control_message_take_fds(&r.control, &taken, 1), 1);
    } else {
      unet_control_message_close_fds(&r.control);
    }
    auto took = Clock::now() - start;
    if (take) {
      EXPECT_LT(took, std::chrono::milliseconds(200)) << "take_fds waited";
      std::thread([taken] { close(taken); }).join();  // Where waiting is harmless.
    } else {
      EXPECT_GE(took, std::chrono::milliseconds(500)) << "close did not linger here";
    }
    // Drain the listener's queue: the accepted ends close here.
    UniqueFd accepted(accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
  }
}

}  // namespace
