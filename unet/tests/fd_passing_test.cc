// Passing fds: EnableFDs rounding, PackFDs, ExtractFDs and CloseFDs over real
// sockets, for both socket kinds.
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "testing/unet_fixture.h"

namespace {

using unet_testing::KindName;
using unet_testing::MakeSocketPair;
using unet_testing::UnetKindTest;
using unet_testing::UniqueFd;

class FdPassingTest : public UnetKindTest {
 protected:
  // Sends one byte with fds attached from `from`.
  void SendFds(unet_socket *from, const std::vector<int> &fds) {
    unet_socket_writer w;
    unet_socket_writer_init(&w, from, true);
    ASSERT_EQ(unet_control_message_pack_fds(&w.control, fds.data(), static_cast<int>(fds.size())),
              0);
    char byte = 'f';
    struct iovec iov = {&byte, 1};
    ASSERT_EQ(unet_socket_writer_writev(&w, &iov, 1), 1);
  }

  // Receives one byte on `to` with room for `enable` fds; returns the fds.
  std::vector<UniqueFd> ReceiveFds(unet_socket *to, int enable) {
    unet_socket_reader r;
    unet_socket_reader_init(&r, to, true);
    EXPECT_EQ(unet_control_message_enable_fds(&r.control, enable), 0);
    char byte = 0;
    struct iovec iov = {&byte, 1};
    EXPECT_EQ(unet_socket_reader_readv(&r, &iov, 1), 1);
    int fds[UNET_MAX_FDS + 1];
    int n = unet_control_message_extract_fds(&r.control, fds, UNET_MAX_FDS + 1);
    EXPECT_GE(n, 0) << unet_strerror(n);
    std::vector<UniqueFd> owned;
    for (int i = 0; i < n; i++)
      owned.emplace_back(fds[i]);
    return owned;
  }

  // Reads one byte on `to` into *r, with room for `enable` fds.
  static void ReadWithRoom(unet_socket *to, int enable, unet_socket_reader *r) {
    unet_socket_reader_init(r, to, true);
    ASSERT_EQ(unet_control_message_enable_fds(&r->control, enable), 0);
    char byte;
    struct iovec iov = {&byte, 1};
    ASSERT_EQ(unet_socket_reader_readv(r, &iov, 1), 1);
  }

  static std::vector<int> Pipes(int count, std::vector<UniqueFd> *keep) {
    std::vector<int> fds;
    while (static_cast<int>(fds.size()) < count) {
      int p[2];
      EXPECT_EQ(pipe2(p, O_CLOEXEC), 0);
      keep->emplace_back(p[0]);
      keep->emplace_back(p[1]);
      fds.push_back(p[0]);
      if (static_cast<int>(fds.size()) < count)
        fds.push_back(p[1]);
    }
    return fds;
  }
};

TEST_P(FdPassingTest, PassesOneFdThatReadsTheSamePipe) {
  auto pair = MakeSocketPair(packet());
  int p[2];
  ASSERT_EQ(pipe2(p, O_CLOEXEC), 0);
  UniqueFd read_end(p[0]), write_end(p[1]);
  ASSERT_NO_FATAL_FAILURE(SendFds(pair.a.get(), {read_end.get()}));
  auto got = ReceiveFds(pair.b.get(), 1);
  ASSERT_EQ(got.size(), 1u);
  ASSERT_EQ(write(write_end.get(), "q", 1), 1);
  char c = 0;
  ASSERT_EQ(read(got[0].get(), &c, 1), 1);
  EXPECT_EQ(c, 'q');
  struct stat sent, received;
  ASSERT_EQ(fstat(read_end.get(), &sent), 0);
  ASSERT_EQ(fstat(got[0].get(), &received), 0);
  EXPECT_EQ(sent.st_ino, received.st_ino);
}

TEST_P(FdPassingTest, PassesManyFdsBothWays) {
  auto pair = MakeSocketPair(packet());
  std::vector<UniqueFd> keep;
  auto fds = Pipes(10, &keep);
  ASSERT_NO_FATAL_FAILURE(SendFds(pair.a.get(), fds));
  EXPECT_EQ(ReceiveFds(pair.b.get(), 10).size(), 10u);
  ASSERT_NO_FATAL_FAILURE(SendFds(pair.b.get(), fds));
  EXPECT_EQ(ReceiveFds(pair.a.get(), 10).size(), 10u);
}

TEST_P(FdPassingTest, PassesTheMaximumInOneMessage) {
  auto pair = MakeSocketPair(packet());
  std::vector<UniqueFd> keep;
  auto fds = Pipes(UNET_MAX_FDS, &keep);
  ASSERT_NO_FATAL_FAILURE(SendFds(pair.a.get(), fds));
  EXPECT_EQ(ReceiveFds(pair.b.get(), UNET_MAX_FDS).size(), static_cast<size_t>(UNET_MAX_FDS));
}

TEST_P(FdPassingTest, LargerBufferThanNeededReceivesAll) {
  auto pair = MakeSocketPair(packet());
  std::vector<UniqueFd> keep;
  ASSERT_NO_FATAL_FAILURE(SendFds(pair.a.get(), Pipes(3, &keep)));
  EXPECT_EQ(ReceiveFds(pair.b.get(), 64).size(), 3u);
}

TEST_P(FdPassingTest, SmallBufferRoundsUpToAnEvenCount) {
  // Go's EnableFDs(1) makes CmsgSpace(4) bytes: room for 2 fds on 64-bit,
  // where CMSG_SPACE pads to 8 bytes (a 32-bit ABI pads to 4: no rounding).
  if (unet_testing::Emulator())
    GTEST_SKIP() << "qemu-user leaks the fds the guest's buffer has no room for";
  size_t two = sizeof(size_t) == 8 ? 2 : 1, four = sizeof(size_t) == 8 ? 4 : 3;
  auto pair = MakeSocketPair(packet());
  std::vector<UniqueFd> keep;
  ASSERT_NO_FATAL_FAILURE(SendFds(pair.a.get(), Pipes(3, &keep)));
  EXPECT_EQ(ReceiveFds(pair.b.get(), 1).size(), two);
  ASSERT_NO_FATAL_FAILURE(SendFds(pair.a.get(), Pipes(5, &keep)));
  EXPECT_EQ(ReceiveFds(pair.b.get(), 3).size(), four);
}

TEST_P(FdPassingTest, FdsNotEnabledReceivesNone) {
  auto pair = MakeSocketPair(packet());
  std::vector<UniqueFd> keep;
  ASSERT_NO_FATAL_FAILURE(SendFds(pair.a.get(), Pipes(2, &keep)));
  char byte;
  ASSERT_EQ(unet_socket_read(pair.b.get(), &byte, 1), 1);
  // Nothing was installed: the fixture's fd count would show it.
}

TEST_P(FdPassingTest, EnableZeroReceivesNone) {
  if (unet_testing::Emulator())
    GTEST_SKIP() << "qemu-user leaks the fds the guest's buffer has no room for";
  auto pair = MakeSocketPair(packet());
  std::vector<UniqueFd> keep;
  ASSERT_NO_FATAL_FAILURE(SendFds(pair.a.get(), Pipes(2, &keep)));
  unet_socket_reader r;
  ASSERT_NO_FATAL_FAILURE(ReadWithRoom(pair.b.get(), 0, &r));
  EXPECT_TRUE(r.msg_flags & MSG_CTRUNC);
  EXPECT_EQ(unet_control_message_extract_fds(&r.control, nullptr, 0), 0);
}

TEST_P(FdPassingTest, PackingNoFdsSendsAValidEmptyMessage) {
  auto pair = MakeSocketPair(packet());
  ASSERT_NO_FATAL_FAILURE(SendFds(pair.a.get(), {}));
  EXPECT_EQ(ReceiveFds(pair.b.get(), 4).size(), 0u);
}

TEST_P(FdPassingTest, CloseFdsClosesEachOnceOnly) {
  auto pair = MakeSocketPair(packet());
  std::vector<UniqueFd> keep;
  ASSERT_NO_FATAL_FAILURE(SendFds(pair.a.get(), Pipes(2, &keep)));
  unet_socket_reader r;
  ASSERT_NO_FATAL_FAILURE(ReadWithRoom(pair.b.get(), 2, &r));
  unet_control_message_close_fds(&r.control);
  // Reuse the numbers just freed: a second close_fds must not close these.
  int p[2];
  ASSERT_EQ(pipe2(p, O_CLOEXEC), 0);
  UniqueFd a(p[0]), b(p[1]);
  unet_control_message_close_fds(&r.control);
  EXPECT_EQ(fcntl(a.get(), F_GETFD) >= 0, true);
  EXPECT_EQ(fcntl(b.get(), F_GETFD) >= 0, true);
}

TEST_P(FdPassingTest, ExtractThenCloseFdsClosesThemAsGo) {
  // Go's ExtractFDs leaves the fds in the message, so CloseFDs after it
  // closes them (gVisor's own recvFDs helper relies on it).
  auto pair = MakeSocketPair(packet());
  std::vector<UniqueFd> keep;
  ASSERT_NO_FATAL_FAILURE(SendFds(pair.a.get(), Pipes(1, &keep)));
  unet_socket_reader r;
  ASSERT_NO_FATAL_FAILURE(ReadWithRoom(pair.b.get(), 1, &r));
  int fd = -1, again = -1;
  ASSERT_EQ(unet_control_message_extract_fds(&r.control, &fd, 1), 1);
  ASSERT_EQ(unet_control_message_extract_fds(&r.control, &again, 1), 1);
  EXPECT_EQ(again, fd);
  EXPECT_GE(fcntl(fd, F_GETFD), 0);
  unet_control_message_close_fds(&r.control);
  EXPECT_EQ(fcntl(fd, F_GETFD), -1);
  EXPECT_EQ(unet_control_message_extract_fds(&r.control, &fd, 1), 0);
}

TEST_P(FdPassingTest, TakeThenCloseFdsLeavesTakenOpen) {
  auto pair = MakeSocketPair(packet());
  std::vector<UniqueFd> keep;
  ASSERT_NO_FATAL_FAILURE(SendFds(pair.a.get(), Pipes(1, &keep)));
  unet_socket_reader r;
  ASSERT_NO_FATAL_FAILURE(ReadWithRoom(pair.b.get(), 1, &r));
  int fd = -1;
  ASSERT_EQ(unet_control_message_take_fds(&r.control, &fd, 1), 1);
  UniqueFd owned(fd);
  unet_control_message_close_fds(&r.control);
  EXPECT_GE(fcntl(owned.get(), F_GETFD), 0);
  EXPECT_EQ(unet_control_message_extract_fds(&r.control, &fd, 1), 0);
  EXPECT_EQ(unet_control_message_take_fds(&r.control, &fd, 1), 0);
}

// A failed read leaves the message as it was (Go): after take_fds and a
// close of our own, the fd's number is reused, a read fails, and the
// cleanup close_fds must not close the number's new owner.
TEST_P(FdPassingTest, CleanupAfterTakeAndAFailedReadClosesNothingElse) {
  auto pair = MakeSocketPair(packet());
  std::vector<UniqueFd> keep;
  ASSERT_NO_FATAL_FAILURE(SendFds(pair.a.get(), Pipes(1, &keep)));
  unet_socket_reader r;
  ASSERT_NO_FATAL_FAILURE(ReadWithRoom(pair.b.get(), 1, &r));
  int fd = -1;
  ASSERT_EQ(unet_control_message_take_fds(&r.control, &fd, 1), 1);
  close(fd);
  UniqueFd reused(dup(0));  // The lowest free number: fd's.
  ASSERT_EQ(reused.get(), fd);
  r.blocking = false;
  char byte;
  struct iovec iov = {&byte, 1};
  EXPECT_EQ(unet_socket_reader_readv(&r, &iov, 1), -EAGAIN);
  unet_control_message_close_fds(&r.control);
  EXPECT_GE(fcntl(reused.get(), F_GETFD), 0);
}

TEST_P(FdPassingTest, ReceivedFdsAreCloseOnExecByDefault) {
  // Beyond Go (whose received fds are inheritable): MSG_CMSG_CLOEXEC.
  auto pair = MakeSocketPair(packet());
  std::vector<UniqueFd> keep;
  ASSERT_NO_FATAL_FAILURE(SendFds(pair.a.get(), Pipes(2, &keep)));
  auto got = ReceiveFds(pair.b.get(), 2);
  ASSERT_EQ(got.size(), 2u);
  for (const auto &fd : got)
    EXPECT_TRUE(fcntl(fd.get(), F_GETFD) & FD_CLOEXEC);
}

TEST_P(FdPassingTest, InheritableFdsOptOut) {
  auto pair = MakeSocketPair(packet());
  std::vector<UniqueFd> keep;
  ASSERT_NO_FATAL_FAILURE(SendFds(pair.a.get(), Pipes(1, &keep)));
  unet_socket_reader r;
  unet_socket_reader_init(&r, pair.b.get(), true);
  r.inheritable_fds = true;
  ASSERT_EQ(unet_control_message_enable_fds(&r.control, 1), 0);
  char byte;
  struct iovec iov = {&byte, 1};
  ASSERT_EQ(unet_socket_reader_readv(&r, &iov, 1), 1);
  int fd = -1;
  ASSERT_EQ(unet_control_message_extract_fds(&r.control, &fd, 1), 1);
  UniqueFd owned(fd);
  EXPECT_FALSE(fcntl(fd, F_GETFD) & FD_CLOEXEC);
}

INSTANTIATE_TEST_SUITE_P(Kinds, FdPassingTest, ::testing::Bool(), KindName);

class SeqPacketFdTest : public FdPassingTest {};

TEST_F(SeqPacketFdTest, EmptyMessageWithFdsReadsEofKeepingTheFds) {
  if (unet_testing::Emulator())
    GTEST_SKIP() << "under qemu-user a 0-byte seqpacket message with fds never arrives";
  auto pair = MakeSocketPair(true);
  std::vector<UniqueFd> keep;
  auto fds = Pipes(1, &keep);
  unet_socket_writer w;
  unet_socket_writer_init(&w, pair.a.get(), true);
  ASSERT_EQ(unet_control_message_pack_fds(&w.control, fds.data(), 1), 0);
  ASSERT_EQ(unet_socket_writer_writev(&w, nullptr, 0), 0);

  unet_socket_reader r;
  unet_socket_reader_init(&r, pair.b.get(), true);
  ASSERT_EQ(unet_control_message_enable_fds(&r.control, 1), 0);
  char byte;
  struct iovec iov = {&byte, 1};
  EXPECT_EQ(unet_socket_reader_readv(&r, &iov, 1), UNET_EOF);
  int fd = -1;
  ASSERT_EQ(unet_control_message_extract_fds(&r.control, &fd, 1), 1);
  close(fd);
}

TEST_F(SeqPacketFdTest, TruncatedMessageStillDeliversItsFds) {
  auto pair = MakeSocketPair(true);
  std::vector<UniqueFd> keep;
  auto fds = Pipes(2, &keep);
  unet_socket_writer w;
  unet_socket_writer_init(&w, pair.a.get(), true);
  ASSERT_EQ(unet_control_message_pack_fds(&w.control, fds.data(), 2), 0);
  char payload[] = "longer";
  struct iovec out = {payload, 6};
  ASSERT_EQ(unet_socket_writer_writev(&w, &out, 1), 6);

  unet_socket_reader r;
  unet_socket_reader_init(&r, pair.b.get(), true);
  ASSERT_EQ(unet_control_message_enable_fds(&r.control, 2), 0);
  char byte;
  struct iovec iov = {&byte, 1};
  EXPECT_EQ(unet_socket_reader_readv(&r, &iov, 1), UNET_ETRUNC);
  int got[2];
  ASSERT_EQ(unet_control_message_extract_fds(&r.control, got, 2), 2);
  close(got[0]);
  close(got[1]);
}

}  // namespace
