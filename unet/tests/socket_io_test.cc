// Bytes over connected sockets: Read/Write, ReadVec/WriteVec, EOF,
// truncation, message boundaries, non-blocking mode (Go's unet_test.go).
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

#include "testing/unet_fixture.h"

namespace {

using unet_testing::KindName;
using unet_testing::MakeSocketPair;
using unet_testing::UnetKindTest;
using unet_testing::UnetTest;

class SocketIoTest : public UnetKindTest {};

TEST_P(SocketIoTest, SendsAndReceives) {
  auto pair = MakeSocketPair(packet());
  ASSERT_EQ(unet_socket_write(pair.a.get(), "hello", 5), 5);
  char buf[16] = {};
  ASSERT_EQ(unet_socket_read(pair.b.get(), buf, sizeof(buf)), 5);
  EXPECT_STREQ(buf, "hello");
}

TEST_P(SocketIoTest, IsSymmetric) {
  auto pair = MakeSocketPair(packet());
  ASSERT_EQ(unet_socket_write(pair.b.get(), "back", 4), 4);
  char buf[4];
  ASSERT_EQ(unet_socket_read(pair.a.get(), buf, sizeof(buf)), 4);
  EXPECT_EQ(std::string(buf, 4), "back");
}

TEST_P(SocketIoTest, ReadsEofAfterPeerCloses) {
  auto pair = MakeSocketPair(packet());
  ASSERT_EQ(unet_socket_close(pair.a.get()), 0);
  char buf[8];
  EXPECT_EQ(unet_socket_read(pair.b.get(), buf, sizeof(buf)), UNET_EOF);
}

TEST_P(SocketIoTest, ReadsEofAfterShutdown) {
  auto pair = MakeSocketPair(packet());
  ASSERT_EQ(unet_socket_shutdown(pair.a.get()), 0);
  char buf[8];
  EXPECT_EQ(unet_socket_read(pair.b.get(), buf, sizeof(buf)), UNET_EOF);
  EXPECT_EQ(unet_socket_read(pair.a.get(), buf, sizeof(buf)), UNET_EOF);
}

TEST_P(SocketIoTest, WriteToGonePeerIsEpipeWithoutSigpipe) {
  // With SIGPIPE at its default action this process would die.
  ASSERT_EQ(signal(SIGPIPE, SIG_DFL), SIG_DFL);
  auto pair = MakeSocketPair(packet());
  ASSERT_EQ(unet_socket_close(pair.b.get()), 0);
  EXPECT_EQ(unet_socket_write(pair.a.get(), "x", 1), -EPIPE);
}

TEST_P(SocketIoTest, ReadsAndWritesVectors) {
  auto pair = MakeSocketPair(packet());
  char one[] = "ab", two[] = "", three[] = "cdef";
  struct iovec out[] = {{one, 2}, {two, 0}, {three, 4}};
  unet_socket_writer w;
  unet_socket_writer_init(&w, pair.a.get(), true);
  ASSERT_EQ(unet_socket_writer_writev(&w, out, 3), 6);

  char x[1], y[3], z[8];
  struct iovec in[] = {{x, 1}, {y, 3}, {z, 8}};
  unet_socket_reader r;
  unet_socket_reader_init(&r, pair.b.get(), true);
  ASSERT_EQ(unet_socket_reader_readv(&r, in, 3), 6);
  EXPECT_EQ(std::string(x, 1) + std::string(y, 3) + std::string(z, 2), "abcdef");
}

TEST_P(SocketIoTest, NonBlockingReadWithNothingIsEagain) {
  auto pair = MakeSocketPair(packet());
  char buf[4];
  struct iovec iov = {buf, sizeof(buf)};
  unet_socket_reader r;
  unet_socket_reader_init(&r, pair.a.get(), false);
  EXPECT_EQ(unet_socket_reader_readv(&r, &iov, 1), -EAGAIN);
}

TEST_P(SocketIoTest, NonBlockingWriteFillsThenEagain) {
  auto pair = MakeSocketPair(packet());
  std::vector<char> chunk(4096, 'z');
  struct iovec iov = {chunk.data(), chunk.size()};
  unet_socket_writer w;
  unet_socket_writer_init(&w, pair.a.get(), false);
  ssize_t n = 0;
  int writes = 0;
  while ((n = unet_socket_writer_writev(&w, &iov, 1)) > 0)
    writes++;
  EXPECT_EQ(n, -EAGAIN);
  EXPECT_GT(writes, 0);
}

TEST_P(SocketIoTest, BlockedWriteResumesWhenPeerReads) {
  auto pair = MakeSocketPair(packet());
  std::vector<char> chunk(4096, 'z');
  struct iovec iov = {chunk.data(), chunk.size()};
  unet_socket_writer w;
  unet_socket_writer_init(&w, pair.a.get(), false);
  while (unet_socket_writer_writev(&w, &iov, 1) > 0) {
  }
  std::thread drain([&] {
    std::vector<char> buf(65536);
    for (;;) {
      ssize_t n = unet_socket_read(pair.b.get(), buf.data(), buf.size());
      if (n <= 0)
        break;
    }
  });
  w.blocking = true;
  EXPECT_EQ(unet_socket_writer_writev(&w, &iov, 1), 4096);
  ASSERT_EQ(unet_socket_shutdown(pair.a.get()), 0);
  drain.join();
}

TEST_P(SocketIoTest, ReleasedSocketAnswersEbadf) {
  auto pair = MakeSocketPair(packet());
  int fd = unet_socket_release(pair.a.get());
  ASSERT_GE(fd, 0);
  unet_testing::UniqueFd owned(fd);
  EXPECT_EQ(unet_socket_fd(pair.a.get()), -EBADF);
  EXPECT_EQ(unet_socket_release(pair.a.get()), -EBADF);
  EXPECT_EQ(unet_socket_close(pair.a.get()), -EBADF);
  char buf[1];
  EXPECT_EQ(unet_socket_read(pair.a.get(), buf, 1), -EBADF);
  EXPECT_EQ(unet_socket_write(pair.a.get(), buf, 1), -EBADF);
  // The released fd is non-blocking and still connected.
  EXPECT_EQ(send(fd, "k", 1, 0), 1);
  EXPECT_EQ(unet_socket_read(pair.b.get(), buf, 1), 1);
}

TEST_P(SocketIoTest, SecondCloseIsEbadf) {
  auto pair = MakeSocketPair(packet());
  EXPECT_GE(unet_socket_fd(pair.a.get()), 0);
  EXPECT_EQ(unet_socket_close(pair.a.get()), 0);
  EXPECT_EQ(unet_socket_close(pair.a.get()), -EBADF);
  EXPECT_EQ(unet_socket_fd(pair.a.get()), -EBADF);
  EXPECT_EQ(unet_socket_shutdown(pair.a.get()), -EBADF);
}

// msg_flags holds what the kernel reports about the message (MSG_TRUNC,
// MSG_CTRUNC...), never the input flag MSG_CMSG_CLOEXEC it echoes back.
TEST_P(SocketIoTest, MsgFlagsAreZeroAfterAnOrdinaryRead) {
  auto pair = MakeSocketPair(packet());
  for (bool inheritable : {false, true}) {
    ASSERT_EQ(unet_socket_write(pair.a.get(), "x", 1), 1);
    unet_socket_reader r;
    unet_socket_reader_init(&r, pair.b.get(), true);
    r.inheritable_fds = inheritable;
    ASSERT_EQ(unet_control_message_enable_fds(&r.control, 1), 0);
    char byte;
    struct iovec iov = {&byte, 1};
    ASSERT_EQ(unet_socket_reader_readv(&r, &iov, 1), 1);
    EXPECT_EQ(r.msg_flags, 0) << "inheritable_fds " << inheritable;
  }
}

// init leaves no garbage in any field of a reused struct, reserved room
// included (a later version's fields read as zero there).
TEST(ReaderWriterInitTest, EveryFieldIsSetReservedZeroed) {
  unet_socket_reader r;
  memset(&r, 0xab, sizeof(r));
  unet_socket_reader_init(&r, nullptr, true);
  EXPECT_EQ(r.socket, nullptr);
  EXPECT_TRUE(r.blocking);
  EXPECT_FALSE(r.inheritable_fds);
  EXPECT_EQ(r.timeout_ns, 0);
  EXPECT_EQ(r.msg_flags, 0);
  EXPECT_EQ(r.control.len, 0u);
  for (void *reserved : r.reserved)
    EXPECT_EQ(reserved, nullptr);
  unet_socket_writer w;
  memset(&w, 0xab, sizeof(w));
  unet_socket_writer_init(&w, nullptr, false);
  EXPECT_EQ(w.socket, nullptr);
  EXPECT_FALSE(w.blocking);
  EXPECT_EQ(w.timeout_ns, 0);
  EXPECT_EQ(w.control.len, 0u);
  for (void *reserved : w.reserved)
    EXPECT_EQ(reserved, nullptr);
}

INSTANTIATE_TEST_SUITE_P(Kinds, SocketIoTest, ::testing::Bool(), KindName);

class SeqPacketTest : public UnetTest {};

TEST_F(SeqPacketTest, KeepsMessageBoundaries) {
  auto pair = MakeSocketPair(true);
  ASSERT_EQ(unet_socket_write(pair.a.get(), "one", 3), 3);
  ASSERT_EQ(unet_socket_write(pair.a.get(), "three", 5), 5);
  char buf[16];
  EXPECT_EQ(unet_socket_read(pair.b.get(), buf, sizeof(buf)), 3);
  EXPECT_EQ(unet_socket_read(pair.b.get(), buf, sizeof(buf)), 5);
}

TEST_F(SeqPacketTest, LongMessageIsTruncatedKeepingItsStart) {
  auto pair = MakeSocketPair(true);
  ASSERT_EQ(unet_socket_write(pair.a.get(), "abcdefgh", 8), 8);
  ASSERT_EQ(unet_socket_write(pair.a.get(), "next", 4), 4);
  char head[2], tail[1];
  struct iovec iov[] = {{head, 2}, {tail, 1}};
  unet_socket_reader r;
  unet_socket_reader_init(&r, pair.b.get(), true);
  EXPECT_EQ(unet_socket_reader_readv(&r, iov, 2), UNET_ETRUNC);
  EXPECT_TRUE(r.msg_flags & MSG_TRUNC);
  EXPECT_EQ(std::string(head, 2) + tail[0], "abc");
  // The rest of that message is gone; the next one is whole.
  char buf[8];
  EXPECT_EQ(unet_socket_read(pair.b.get(), buf, sizeof(buf)), 4);
}

// The boundary: one byte more than the buffers is truncation; exactly as
// many is not.
TEST_F(SeqPacketTest, OneByteMoreThanTheBuffersIsTruncation) {
  auto pair = MakeSocketPair(true);
  ASSERT_EQ(unet_socket_write(pair.a.get(), "abc", 3), 3);
  ASSERT_EQ(unet_socket_write(pair.a.get(), "de", 2), 2);
  char buf[2];
  EXPECT_EQ(unet_socket_read(pair.b.get(), buf, sizeof(buf)), UNET_ETRUNC);
  EXPECT_EQ(unet_socket_read(pair.b.get(), buf, sizeof(buf)), 2);
}

// The reported flags are exactly the kernel's output flags.
TEST_F(SeqPacketTest, TruncatedReadReportsExactlyMsgTrunc) {
  auto pair = MakeSocketPair(true);
  ASSERT_EQ(unet_socket_write(pair.a.get(), "long", 4), 4);
  unet_socket_reader r;
  unet_socket_reader_init(&r, pair.b.get(), true);
  char buf[2];
  struct iovec iov = {buf, sizeof(buf)};
  EXPECT_EQ(unet_socket_reader_readv(&r, &iov, 1), UNET_ETRUNC);
  EXPECT_EQ(r.msg_flags, MSG_TRUNC);
}

// A peer that closes with data unread resets a seqpacket connection: the next
// write answers ECONNRESET (a stream answers EPIPE), exactly as in Go.
TEST_F(SeqPacketTest, WriteAfterPeerClosedWithUnreadDataIsEconnreset) {
  auto pair = MakeSocketPair(true);
  ASSERT_EQ(unet_socket_write(pair.a.get(), "unread", 6), 6);
  ASSERT_EQ(unet_socket_close(pair.b.get()), 0);
  EXPECT_EQ(unet_socket_write(pair.a.get(), "x", 1), -ECONNRESET);
}

TEST_F(SeqPacketTest, EmptyMessageReadsAsEof) {
  auto pair = MakeSocketPair(true);
  ASSERT_EQ(unet_socket_write(pair.a.get(), "", 0), 0);
  char buf[4];
  EXPECT_EQ(unet_socket_read(pair.b.get(), buf, sizeof(buf)), UNET_EOF);
}

class StreamTest : public UnetTest {};

TEST_F(StreamTest, IgnoresTruncation) {
  auto pair = MakeSocketPair(false);
  ASSERT_EQ(unet_socket_write(pair.a.get(), "abcdef", 6), 6);
  char buf[4];
  EXPECT_EQ(unet_socket_read(pair.b.get(), buf, sizeof(buf)), 4);
  EXPECT_EQ(unet_socket_read(pair.b.get(), buf, sizeof(buf)), 2);
}

// The stream counterpart: the write answers EPIPE, and the next read of the
// writer's own end ECONNRESET (the peer dropped data unread).
TEST_F(StreamTest, WriteAfterPeerClosedWithUnreadDataIsEpipeThenReadIsEconnreset) {
  ASSERT_EQ(signal(SIGPIPE, SIG_DFL), SIG_DFL);
  auto pair = MakeSocketPair(false);
  ASSERT_EQ(unet_socket_write(pair.a.get(), "unread", 6), 6);
  ASSERT_EQ(unet_socket_close(pair.b.get()), 0);
  EXPECT_EQ(unet_socket_write(pair.a.get(), "x", 1), -EPIPE);
  char buf[8];
  EXPECT_EQ(unet_socket_read(pair.a.get(), buf, sizeof(buf)), -ECONNRESET);
}

// The vector calls answer a reset as the byte calls do (their errnos are
// the kernel's, unchanged): EPIPE on a stream write, ECONNRESET on a
// seqpacket write and on a stream read of the writer's own end.
TEST_F(StreamTest, VectorCallsAnswerAResetAsTheByteCalls) {
  ASSERT_EQ(signal(SIGPIPE, SIG_DFL), SIG_DFL);
  for (bool packet : {false, true}) {
    auto pair = MakeSocketPair(packet);
    ASSERT_EQ(unet_socket_write(pair.a.get(), "unread", 6), 6);
    ASSERT_EQ(unet_socket_close(pair.b.get()), 0);
    unet_socket_writer w;
    unet_socket_writer_init(&w, pair.a.get(), true);
    char c = 'x';
    struct iovec iov = {&c, 1};
    EXPECT_EQ(unet_socket_writer_writev(&w, &iov, 1), packet ? -ECONNRESET : -EPIPE);
    if (!packet) {
      unet_socket_reader r;
      unet_socket_reader_init(&r, pair.a.get(), true);
      EXPECT_EQ(unet_socket_reader_readv(&r, &iov, 1), -ECONNRESET);
    }
  }
}

// shutdown of a Unix socket that was never connected succeeds (Linux's
// unix_shutdown does not check); of an fd that is no socket, ENOTSOCK.
TEST_F(StreamTest, ShutdownOfAnUnconnectedSocketOrOfNoSocket) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  unet_socket *s = nullptr;
  ASSERT_EQ(unet_socket_new(fd, &s), 0);
  EXPECT_EQ(unet_socket_shutdown(s), 0);
  unet_socket_free(s);
  int p[2];
  ASSERT_EQ(pipe2(p, O_CLOEXEC), 0);
  close(p[1]);
  ASSERT_EQ(unet_socket_new(p[0], &s), 0);
  EXPECT_EQ(unet_socket_shutdown(s), -ENOTSOCK);
  unet_socket_free(s);
}

}  // namespace
