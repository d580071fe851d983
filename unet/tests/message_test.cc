// Whole messages over a stream (write_all, read_full) and the bounded take:
// every byte, the fds on the first chunk only and once, progress that
// resumes, deadlines over the whole message, nothing leaked on failure.
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "testing/fd_census.h"
#include "testing/unet_fixture.h"

namespace {

using unet_testing::MakeSocketPair;
using unet_testing::UnetTest;
using unet_testing::UniqueFd;

constexpr size_t kMiB = 1 << 20;

class MessageTest : public UnetTest {
 protected:
  // A stream pair whose send buffer is small, so that a large write_all
  // takes many sendmsg calls.
  static unet_testing::SocketPair SmallBufferPair() {
    auto pair = MakeSocketPair(false);
    int size = 4096;
    EXPECT_EQ(unet_socket_setsockopt(pair.a.get(), SOL_SOCKET, SO_SNDBUF, &size, sizeof(size)), 0);
    return pair;
  }

  static std::vector<unsigned char> Pattern(size_t n) {
    std::vector<unsigned char> bytes(n);
    for (size_t i = 0; i < n; i++)
      bytes[i] = static_cast<unsigned char>(i * 7 + 3);
    return bytes;
  }
};

// 1 MiB and 3 fds through a 4 KiB send buffer: the fds arrive once, with
// the first chunk; a resend would reach later chunks, which have no room,
// and show as MSG_CTRUNC.
TEST_F(MessageTest, WriteAllSendsEveryByteAndTheFdsOnce) {
  auto pair = SmallBufferPair();
  auto out = Pattern(kMiB);
  int fds[3] = {0, 1, 2};
  size_t written = 0;
  ssize_t write_result = 0;
  std::thread writer([&] {
    unet_socket_writer w;
    unet_socket_writer_init(&w, pair.a.get(), true);
    EXPECT_EQ(unet_control_message_pack_fds(&w.control, fds, 3), 0);
    struct iovec iov[2] = {{out.data(), 100}, {out.data() + 100, out.size() - 100}};
    write_result = unet_socket_writer_write_all(&w, iov, 2, &written);
  });
  std::vector<unsigned char> in(kMiB);
  unet_socket_reader r;
  unet_socket_reader_init(&r, pair.b.get(), true);
  ASSERT_EQ(unet_control_message_enable_fds(&r.control, 3), 0);
  struct iovec iov = {in.data(), in.size()};
  size_t got = 0;
  EXPECT_EQ(unet_socket_reader_read_full(&r, &iov, 1, &got), static_cast<ssize_t>(kMiB));
  writer.join();
  EXPECT_EQ(write_result, static_cast<ssize_t>(kMiB));
  EXPECT_EQ(written, kMiB);
  EXPECT_EQ(got, kMiB);
  EXPECT_EQ(in, out);
  EXPECT_EQ(r.msg_flags & MSG_CTRUNC, 0) << "fds were sent again with a later chunk";
  EXPECT_EQ(unet_control_message_count_fds(&r.control), 3);
  int taken[3];
  ASSERT_EQ(unet_control_message_take_fds(&r.control, taken, 3), 3);
  for (int fd : taken)
    close(fd);
}

// The fds of the first chunk stay in the reader's message when a later
// chunk fails (here: the peer closes mid-message): EOF, the progress made,
// and the fds to take.
TEST_F(MessageTest, ReadFullKeepsTheFirstChunksFdsWhenALaterChunkFails) {
  auto pair = MakeSocketPair(false);
  unet_socket_writer w;
  unet_socket_writer_init(&w, pair.a.get(), true);
  int fd = 0;
  ASSERT_EQ(unet_control_message_pack_fds(&w.control, &fd, 1), 0);
  struct iovec ten = {const_cast<char *>("0123456789"), 10};
  size_t written = 0;
  ASSERT_EQ(unet_socket_writer_write_all(&w, &ten, 1, &written), 10);
  ASSERT_EQ(unet_socket_close(pair.a.get()), 0);
  unet_socket_reader r;
  unet_socket_reader_init(&r, pair.b.get(), true);
  ASSERT_EQ(unet_control_message_enable_fds(&r.control, 1), 0);
  char buf[20];
  struct iovec iov = {buf, sizeof(buf)};
  size_t got = 0;
  EXPECT_EQ(unet_socket_reader_read_full(&r, &iov, 1, &got), UNET_EOF);
  EXPECT_EQ(got, 10u);
  int received = -1;
  ASSERT_EQ(unet_control_message_take_fds(&r.control, &received, 1), 1);
  close(received);
}

// Non-blocking: -EAGAIN with what arrived counted; the same call resumes,
// with no room for fds any more.
TEST_F(MessageTest, ProgressResumesAfterEagain) {
  auto pair = MakeSocketPair(false);
  ASSERT_EQ(unet_socket_write(pair.a.get(), "abcd", 4), 4);
  unet_socket_reader r;
  unet_socket_reader_init(&r, pair.b.get(), false);
  char buf[10];
  struct iovec iov[2] = {{buf, 3}, {buf + 3, 7}};
  size_t got = 0;
  EXPECT_EQ(unet_socket_reader_read_full(&r, iov, 2, &got), -EAGAIN);
  EXPECT_EQ(got, 4u);
  ASSERT_EQ(unet_socket_write(pair.a.get(), "efghij", 6), 6);
  EXPECT_EQ(unet_socket_reader_read_full(&r, iov, 2, &got), 10);
  EXPECT_EQ(got, 10u);
  EXPECT_EQ(memcmp(buf, "abcdefghij", 10), 0);
  EXPECT_EQ(unet_socket_reader_read_full(&r, iov, 2, &got), 10);  // Already whole.
}

// A peer gone mid-message: -EPIPE (never SIGPIPE), the progress kept.
// A message with nothing left to transfer is still a call on the socket:
// the socket's errors hold (closed: -EBADF), and a record socket refuses a
// resumed message even when its progress says it is complete.
TEST_F(MessageTest, NothingLeftToTransferStillChecksTheSocket) {
  for (bool packet : {false, true}) {
    auto pair = MakeSocketPair(packet);
    char buf[5] = "abcd";
    struct iovec iov = {buf, sizeof(buf)};
    unet_socket_writer w;
    unet_socket_writer_init(&w, pair.a.get(), true);
    unet_socket_reader r;
    unet_socket_reader_init(&r, pair.b.get(), true);
    size_t done = sizeof(buf);
    EXPECT_EQ(unet_socket_writer_write_all(&w, &iov, 1, &done), packet ? -EINVAL : 5);
    EXPECT_EQ(unet_socket_reader_read_full(&r, &iov, 1, &done), packet ? -EINVAL : 5);
    size_t none = 0;
    EXPECT_EQ(unet_socket_writer_write_all(&w, &iov, 0, &none), 0);
    EXPECT_EQ(unet_socket_reader_read_full(&r, &iov, 0, &none), 0);
    ASSERT_EQ(unet_socket_close(pair.a.get()), 0);
    ASSERT_EQ(unet_socket_close(pair.b.get()), 0);
    EXPECT_EQ(unet_socket_writer_write_all(&w, &iov, 0, &none), -EBADF);
    EXPECT_EQ(unet_socket_reader_read_full(&r, &iov, 0, &none), -EBADF);
    done = sizeof(buf);
    EXPECT_EQ(unet_socket_writer_write_all(&w, &iov, 1, &done), -EBADF);
    EXPECT_EQ(unet_socket_reader_read_full(&r, &iov, 1, &done), -EBADF);
  }
}

TEST_F(MessageTest, WriteAllToAGonePeerIsEpipe) {
  auto pair = MakeSocketPair(false);
  ASSERT_EQ(unet_socket_close(pair.b.get()), 0);
  unet_socket_writer w;
  unet_socket_writer_init(&w, pair.a.get(), true);
  struct iovec iov = {const_cast<char *>("data"), 4};
  size_t progress = 0;
  EXPECT_EQ(unet_socket_writer_write_all(&w, &iov, 1, &progress), -EPIPE);
  EXPECT_EQ(progress, 0u);
}

// A resume that starts inside one buffer skips into that buffer only: the
// buffers after it are filled from their first byte.
TEST_F(MessageTest, ResumeInsideABufferFillsTheLaterOnesWhole) {
  auto pair = MakeSocketPair(false);
  ASSERT_EQ(unet_socket_write(pair.a.get(), "abcd", 4), 4);
  unet_socket_reader r;
  unet_socket_reader_init(&r, pair.b.get(), false);
  char buf[10] = {};
  struct iovec iov[3] = {{buf, 3}, {buf + 3, 3}, {buf + 6, 4}};
  size_t got = 0;
  EXPECT_EQ(unet_socket_reader_read_full(&r, iov, 3, &got), -EAGAIN);
  ASSERT_EQ(got, 4u);  // One byte into the second buffer.
  ASSERT_EQ(unet_socket_write(pair.a.get(), "efghij", 6), 6);
  EXPECT_EQ(unet_socket_reader_read_full(&r, iov, 3, &got), 10);
  EXPECT_EQ(std::string(buf, 10), "abcdefghij");
  // The same for a writer resuming after a refused chunk.
  unet_socket_writer w;
  unet_socket_writer_init(&w, pair.a.get(), true);
  char out[10];
  memcpy(out, "0123456789", 10);
  struct iovec oiov[3] = {{out, 3}, {out + 3, 3}, {out + 6, 4}};
  size_t sent = 4;
  EXPECT_EQ(unet_socket_writer_write_all(&w, oiov, 3, &sent), 10);
  char in[6];
  EXPECT_EQ(unet_socket_read(pair.b.get(), in, sizeof(in)), 6);
  EXPECT_EQ(std::string(in, 6), "456789");
}

// A peer that trickles a byte just inside each wait does not stretch the
// timeout: it bounds the whole call, not each chunk.
TEST_F(MessageTest, ReadFullTimeoutBoundsAWholeTrickle) {
  auto pair = MakeSocketPair(false);
  std::thread trickle([&] {
    for (int i = 0; i < 8; i++) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      unet_socket_write(pair.a.get(), "t", 1);
    }
  });
  unet_socket_reader r;
  unet_socket_reader_init(&r, pair.b.get(), true);
  r.timeout_ns = 150 * 1000 * 1000;
  char buf[8];
  struct iovec iov = {buf, sizeof(buf)};
  size_t got = 0;
  EXPECT_EQ(unet_socket_reader_read_full(&r, &iov, 1, &got), -ETIMEDOUT);
  EXPECT_LT(got, 8u);
  trickle.join();
}

// Every chunk's flags are kept: the first chunk's MSG_CTRUNC (three fds,
// room for one, which a 64-bit ABI rounds up to two) survives a clean
// second chunk; and the room is cut to what the first chunk delivered, so
// the fd that came is found and taken.
TEST_F(MessageTest, ReadFullKeepsTheFirstChunksFlagsAndCutsItsRoom) {
  if (unet_testing::Emulator())
    GTEST_SKIP() << unet_testing::Emulator()
                 << " receives every fd into a room of its own and leaks those that do not fit";
  auto pair = MakeSocketPair(false);
  unet_socket_writer w;
  unet_socket_writer_init(&w, pair.a.get(), true);
  int three[3] = {0, 0, 0};
  ASSERT_EQ(unet_control_message_pack_fds(&w.control, three, 3), 0);
  struct iovec first = {const_cast<char *>("0123"), 4};
  ASSERT_EQ(unet_socket_writer_writev(&w, &first, 1), 4);
  ASSERT_EQ(unet_socket_write(pair.a.get(), "4567", 4), 4);
  unet_socket_reader r;
  unet_socket_reader_init(&r, pair.b.get(), true);
  ASSERT_EQ(unet_control_message_enable_fds(&r.control, 1), 0);
  char buf[8];
  struct iovec iov = {buf, sizeof(buf)};
  size_t got = 0;
  ASSERT_EQ(unet_socket_reader_read_full(&r, &iov, 1, &got), 8);
  EXPECT_NE(r.msg_flags & MSG_CTRUNC, 0);
  int room = static_cast<int>((CMSG_SPACE(sizeof(int)) - CMSG_LEN(0)) / sizeof(int));
  int fds[3] = {-1, -1, -1};
  ASSERT_EQ(unet_control_message_take_fds(&r.control, fds, 3), room);
  for (int i = 0; i < room; i++)
    close(fds[i]);
  int fd = -1;

  // Room for three fds, one sent: what is left after the first chunk is no
  // message, and nothing reads it as one.
  unet_control_message_init(&w.control);
  ASSERT_EQ(unet_control_message_pack_fds(&w.control, three, 1), 0);
  ASSERT_EQ(unet_socket_writer_writev(&w, &first, 1), 4);
  ASSERT_EQ(unet_socket_write(pair.a.get(), "4567", 4), 4);
  unet_socket_reader_init(&r, pair.b.get(), true);
  ASSERT_EQ(unet_control_message_enable_fds(&r.control, 3), 0);
  got = 0;
  ASSERT_EQ(unet_socket_reader_read_full(&r, &iov, 1, &got), 8);
  EXPECT_EQ(r.control.len, CMSG_SPACE(sizeof(int)));
  EXPECT_EQ(unet_control_message_count_fds(&r.control), 1);
  ASSERT_EQ(unet_control_message_take_fds(&r.control, &fd, 1), 1);
  close(fd);
}

// The timeout bounds the whole message, and the progress says how much
// went before it ran out.
TEST_F(MessageTest, WriteAllTimesOutWithItsProgress) {
  auto pair = SmallBufferPair();
  auto out = Pattern(kMiB);
  unet_socket_writer w;
  unet_socket_writer_init(&w, pair.a.get(), true);
  w.timeout_ns = 50 * 1000 * 1000;
  struct iovec iov = {out.data(), out.size()};
  size_t written = 0;
  EXPECT_EQ(unet_socket_writer_write_all(&w, &iov, 1, &written), -ETIMEDOUT);
  EXPECT_GT(written, 0u);
  EXPECT_LT(written, kMiB);
}

// A seqpacket message longer than what is left of the buffers: the rest of
// it is gone (seqpacket keeps boundaries), so the read answers UNET_ETRUNC
// and counts the buffers as full.
TEST_F(MessageTest, ReadFullOfALongerSeqpacketMessageIsEtrunc) {
  auto pair = MakeSocketPair(true);
  ASSERT_EQ(unet_socket_write(pair.a.get(), "abcdefgh", 8), 8);
  unet_socket_reader r;
  unet_socket_reader_init(&r, pair.b.get(), true);
  char buf[4];
  struct iovec iov = {buf, sizeof(buf)};
  size_t progress = 0;
  EXPECT_EQ(unet_socket_reader_read_full(&r, &iov, 1, &progress), UNET_ETRUNC);
  EXPECT_EQ(progress, sizeof(buf));
  EXPECT_EQ(memcmp(buf, "abcd", 4), 0);
}

TEST_F(MessageTest, BadArgumentsAreEinval) {
  auto pair = MakeSocketPair(false);
  unet_socket_writer w;
  unet_socket_writer_init(&w, pair.a.get(), true);
  unet_socket_reader r;
  unet_socket_reader_init(&r, pair.b.get(), true);
  char buf[4] = {};
  struct iovec iov = {buf, sizeof(buf)};
  size_t progress = 0;
  EXPECT_EQ(unet_socket_writer_write_all(nullptr, &iov, 1, &progress), -EINVAL);
  EXPECT_EQ(unet_socket_writer_write_all(&w, &iov, 1, nullptr), -EINVAL);
  EXPECT_EQ(unet_socket_reader_read_full(nullptr, &iov, 1, &progress), -EINVAL);
  EXPECT_EQ(unet_socket_reader_read_full(&r, &iov, 1, nullptr), -EINVAL);
  EXPECT_EQ(unet_socket_writer_write_all(&w, &iov, -1, &progress), -EINVAL);
  progress = 5;  // Past the total.
  EXPECT_EQ(unet_socket_writer_write_all(&w, &iov, 1, &progress), -EINVAL);
  EXPECT_EQ(unet_socket_reader_read_full(&r, &iov, 1, &progress), -EINVAL);
  EXPECT_EQ(progress, 5u);
  struct iovec huge[2] = {{buf, SIZE_MAX / 2 + 1}, {buf, SIZE_MAX / 2 + 1}};
  progress = 0;
  EXPECT_EQ(unet_socket_writer_write_all(&w, huge, 2, &progress), -EINVAL);
  // A 0-byte message with fds: a stream would drop them.
  int fd = 0;
  ASSERT_EQ(unet_control_message_pack_fds(&w.control, &fd, 1), 0);
  EXPECT_EQ(unet_socket_writer_write_all(&w, nullptr, 0, &progress), -EINVAL);
  unet_control_message_unpack_fds(&w.control);
  EXPECT_EQ(unet_socket_writer_write_all(&w, nullptr, 0, &progress), 0);  // No syscall.
  w.timeout_ns = -1;
  EXPECT_EQ(unet_socket_writer_write_all(&w, &iov, 1, &progress), -EINVAL);
}

// The bounded take: the peer sends 2 where the protocol allows 1 (room
// rounds up to 2 on 64-bit): take 1, the other is closed, not leaked.
TEST_F(MessageTest, TakeClosingRestTakesUpToMaxAndClosesTheOthers) {
  auto pair = MakeSocketPair(true);
  int before = fd_census();
  unet_socket_writer w;
  unet_socket_writer_init(&w, pair.a.get(), true);
  int fds[2] = {0, 1};
  ASSERT_EQ(unet_control_message_pack_fds(&w.control, fds, 2), 0);
  struct iovec out = {const_cast<char *>("x"), 1};
  ASSERT_EQ(unet_socket_writer_writev(&w, &out, 1), 1);
  unet_socket_reader r;
  unet_socket_reader_init(&r, pair.b.get(), true);
  ASSERT_EQ(unet_control_message_enable_fds(&r.control, 2), 0);
  char c;
  struct iovec in = {&c, 1};
  ASSERT_EQ(unet_socket_reader_readv(&r, &in, 1), 1);
  EXPECT_EQ(unet_control_message_count_fds(&r.control), 2);
  int one = -1;
  EXPECT_EQ(unet_control_message_take_fds(&r.control, &one, 1), -ENOBUFS);  // All or nothing.
  EXPECT_EQ(fd_census(), before + 2);
  EXPECT_EQ(unet_control_message_take_fds_closing_rest(&r.control, &one, 1), 1);
  UniqueFd owned(one);
  EXPECT_EQ(fd_census(), before + 1);  // The other was closed.
  EXPECT_EQ(unet_control_message_count_fds(&r.control), 0);
  unet_control_message_close_fds(&r.control);  // Closes nothing more.
  EXPECT_GE(fcntl(owned.get(), F_GETFD), 0);
  EXPECT_EQ(unet_control_message_count_fds(nullptr), -EINVAL);
  EXPECT_EQ(unet_control_message_take_fds_closing_rest(nullptr, &one, 1), -EINVAL);
  EXPECT_EQ(unet_control_message_take_fds_closing_rest(&r.control, nullptr, 1), -EINVAL);
}

}  // namespace
