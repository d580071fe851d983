// On a record socket (SOCK_SEQPACKET) a whole message is one record:
// write_all sends one record of up to IOV_MAX buffers, read_full reads one
// (a short one ends it, a long one is UNET_ETRUNC), fds included, also on an
// fd the caller wrapped. And around them: MSG_CTRUNC only when fds were
// dropped, not because the socket passes credentials.
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "testing/unet_fixture.h"

namespace {

using unet_testing::MakeSocketPair;
using unet_testing::SocketPtr;
using unet_testing::UnetTest;
using unet_testing::UniqueFd;

class RecordTest : public UnetTest {
 public:
  // count one-byte buffers over bytes.
  static std::vector<struct iovec> OneByteBuffers(std::vector<char> &bytes) {
    std::vector<struct iovec> iov(bytes.size());
    for (size_t i = 0; i < bytes.size(); i++)
      iov[i] = {&bytes[i], 1};
    return iov;
  }

  // Sends one record of len bytes with one fd (stdin) through writev.
  static void SendRecordWithFd(unet_socket *s, size_t len) {
    unet_socket_writer w;
    unet_socket_writer_init(&w, s, true);
    int fd = STDIN_FILENO;
    ASSERT_EQ(unet_control_message_pack_fds(&w.control, &fd, 1), 0);
    std::vector<char> bytes(len, 'r');
    struct iovec iov = {bytes.data(), len};
    ASSERT_EQ(unet_socket_writer_writev(&w, &iov, 1), static_cast<ssize_t>(len));
  }

  // A read_full of 8 bytes from b, with the room enable makes, whose first
  // 4 bytes were sent: while it waits on the rest, b stops passing
  // credentials and send_rest sends 4 more. *got and *flags are what it
  // returned and its msg_flags; the reader's cancelability must be as it
  // was; it closes the fds it kept.
  static void ReadFullAcrossCredentialsOff(
      unet_socket *b, const std::function<void(unet_control_message *)> &enable,
      const std::function<void()> &send_rest, ssize_t *got, int *flags) {
    std::thread reader([&] {
      char buf[8];
      struct iovec iov = {buf, sizeof(buf)};
      unet_socket_reader r;
      unet_socket_reader_init(&r, b, true);
      enable(&r.control);
      size_t progress = 0;
      *got = unet_socket_reader_read_full(&r, &iov, 1, &progress);
      *flags = r.msg_flags;
      int cancelability = -1;  // As before the call: the fds closed left it alone.
      pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &cancelability);
      EXPECT_EQ(cancelability, PTHREAD_CANCEL_ENABLE);
      unet_control_message_close_fds(&r.control);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // Waiting on chunk 2.
    EXPECT_EQ(unet_socket_pass_credentials(b, false), 0);
    send_rest();
    reader.join();
  }

  // One write_all of n one-byte buffers, then one recv of up to 2n bytes:
  // the record arrives whole and alone.
  static void WriteAllIsOneRecord(int n) {
    auto p = MakeSocketPair(true);
    std::vector<char> bytes(static_cast<size_t>(n), 'w');
    auto iov = OneByteBuffers(bytes);
    unet_socket_writer w;
    unet_socket_writer_init(&w, p.a.get(), true);
    size_t progress = 0;
    ASSERT_EQ(unet_socket_writer_write_all(&w, iov.data(), n, &progress), n);
    EXPECT_EQ(progress, static_cast<size_t>(n));
    std::vector<char> in(2 * static_cast<size_t>(n) + 1);
    EXPECT_EQ(recv(unet_socket_fd(p.b.get()), in.data(), in.size(), MSG_DONTWAIT), n);
    EXPECT_EQ(recv(unet_socket_fd(p.b.get()), in.data(), in.size(), MSG_DONTWAIT), -1);
  }

  // A record of n bytes read_full'ed into n one-byte buffers: an exact fit.
  static void ReadFullExactFit(int n) {
    auto p = MakeSocketPair(true);
    std::vector<char> out(static_cast<size_t>(n), 'e');
    ASSERT_EQ(unet_socket_write(p.a.get(), out.data(), out.size()), n);
    std::vector<char> bytes(static_cast<size_t>(n), 0);
    auto iov = OneByteBuffers(bytes);
    unet_socket_reader r;
    unet_socket_reader_init(&r, p.b.get(), true);
    size_t progress = 0;
    EXPECT_EQ(unet_socket_reader_read_full(&r, iov.data(), n, &progress), n);
    EXPECT_EQ(progress, static_cast<size_t>(n));
    EXPECT_EQ(bytes, out);
    EXPECT_EQ(r.msg_flags, 0);
  }
};

TEST_F(RecordTest, WriteAllOf64And65And1024BuffersIsOneRecord) {
  WriteAllIsOneRecord(64);
  WriteAllIsOneRecord(65);
  WriteAllIsOneRecord(IOV_MAX);
}

TEST_F(RecordTest, ReadFullOf64And65And1024BuffersFitsTheRecord) {
  ReadFullExactFit(64);
  ReadFullExactFit(65);
  ReadFullExactFit(IOV_MAX);
}

TEST_F(RecordTest, MoreBuffersThanIovMaxIsEmsgsize) {
  auto p = MakeSocketPair(true);
  std::vector<char> bytes(IOV_MAX + 1, 'x');
  auto iov = OneByteBuffers(bytes);
  unet_socket_writer w;
  unet_socket_writer_init(&w, p.a.get(), true);
  size_t progress = 0;
  EXPECT_EQ(unet_socket_writer_write_all(&w, iov.data(), IOV_MAX + 1, &progress), -EMSGSIZE);
  unet_socket_reader r;
  unet_socket_reader_init(&r, p.b.get(), true);
  EXPECT_EQ(unet_socket_reader_read_full(&r, iov.data(), IOV_MAX + 1, &progress), -EMSGSIZE);
  EXPECT_EQ(progress, 0u);
}

TEST_F(RecordTest, LongRecordIsEtruncWithTheBuffersFull) {
  auto p = MakeSocketPair(true);
  SendRecordWithFd(p.a.get(), 66);
  std::vector<char> bytes(65, 0);
  auto iov = OneByteBuffers(bytes);
  unet_socket_reader r;
  unet_socket_reader_init(&r, p.b.get(), true);
  ASSERT_EQ(unet_control_message_enable_fds(&r.control, 1), 0);
  size_t progress = 0;
  EXPECT_EQ(unet_socket_reader_read_full(&r, iov.data(), 65, &progress), UNET_ETRUNC);
  EXPECT_EQ(progress, 65u);
  EXPECT_EQ(unet_control_message_count_fds(&r.control), 1);
  unet_control_message_close_fds(&r.control);
}

// Each record ends its read_full with its own fd: the next record (and its
// fd) is the next read_full's, not the rest of the first one's buffers.
void ShortRecordsEndReadFull(unet_socket *writer, unet_socket *reader) {
  RecordTest::SendRecordWithFd(writer, 5);
  RecordTest::SendRecordWithFd(writer, 7);
  for (ssize_t expected : {5, 7}) {
    char buf[16];
    struct iovec iov[2] = {{buf, 8}, {buf + 8, 8}};
    unet_socket_reader r;
    unet_socket_reader_init(&r, reader, true);
    ASSERT_EQ(unet_control_message_enable_fds(&r.control, 1), 0);
    size_t progress = 0;
    EXPECT_EQ(unet_socket_reader_read_full(&r, iov, 2, &progress), expected);
    EXPECT_EQ(progress, static_cast<size_t>(expected));
    EXPECT_EQ(r.msg_flags & MSG_CTRUNC, 0);
    int fd = -1;
    EXPECT_EQ(unet_control_message_take_fds(&r.control, &fd, 1), 1);
    close(fd);
  }
}

TEST_F(RecordTest, ShortRecordEndsReadFullWithItsFd) {
  auto p = MakeSocketPair(true);
  ShortRecordsEndReadFull(p.a.get(), p.b.get());
}

// The same through sockets wrapped from the caller's fds, whose type the
// library has to ask for.
TEST_F(RecordTest, ShortRecordEndsReadFullOnAWrappedFd) {
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds), 0);
  unet_socket *a = nullptr, *b = nullptr;
  ASSERT_EQ(unet_socket_new(fds[0], &a), 0);
  ASSERT_EQ(unet_socket_new(fds[1], &b), 0);
  SocketPtr pa(a), pb(b);
  ShortRecordsEndReadFull(a, b);
}

TEST_F(RecordTest, ResumingARecordIsEinval) {
  auto p = MakeSocketPair(true);
  char buf[8] = {};
  struct iovec iov = {buf, sizeof(buf)};
  size_t progress = 3;
  unet_socket_writer w;
  unet_socket_writer_init(&w, p.a.get(), true);
  EXPECT_EQ(unet_socket_writer_write_all(&w, &iov, 1, &progress), -EINVAL);
  unet_socket_reader r;
  unet_socket_reader_init(&r, p.b.get(), true);
  EXPECT_EQ(unet_socket_reader_read_full(&r, &iov, 1, &progress), -EINVAL);
  EXPECT_EQ(progress, 3u);
}

// A stream's read_full in two chunks (a read stops after a message that
// carries fds) on a socket that passes credentials: the kernel attaches
// them to every chunk, which is no reason for MSG_CTRUNC. Turned on by
// pass_credentials or by setsockopt through the library.
void CredentialsOnEveryChunkAreNoCtrunc(unet_socket *writer, unet_socket *reader) {
  ASSERT_NO_FATAL_FAILURE(RecordTest::SendRecordWithFd(writer, 4));
  ASSERT_EQ(unet_socket_write(writer, "5678", 4), 4);
  char buf[8];
  struct iovec iov = {buf, sizeof(buf)};
  unet_socket_reader r;
  unet_socket_reader_init(&r, reader, true);
  ASSERT_EQ(unet_control_message_enable_fds(&r.control, 1), 0);
  ASSERT_EQ(unet_control_message_enable_credentials(&r.control), 0);
  size_t progress = 0;
  EXPECT_EQ(unet_socket_reader_read_full(&r, &iov, 1, &progress), 8);
  EXPECT_EQ(r.msg_flags & MSG_CTRUNC, 0);
  struct ucred cred;
  EXPECT_EQ(unet_control_message_credentials(&r.control, &cred), 0);
  unet_control_message_close_fds(&r.control);
}

TEST_F(RecordTest, CredentialsOnEveryChunkAreNoCtrunc) {
  auto p = MakeSocketPair(false);
  ASSERT_EQ(unet_socket_pass_credentials(p.b.get(), true), 0);
  CredentialsOnEveryChunkAreNoCtrunc(p.a.get(), p.b.get());
}

TEST_F(RecordTest, CredentialsTurnedOnBySetsockoptAreNoCtrunc) {
  auto p = MakeSocketPair(false);
  int on = 1;
  ASSERT_EQ(unet_socket_setsockopt(p.b.get(), SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)), 0);
  CredentialsOnEveryChunkAreNoCtrunc(p.a.get(), p.b.get());
}

// Credentials turned off while a chunk waits with their room: fds that
// then arrive take that room, and are closed and flagged, not leaked.
TEST_F(RecordTest, CredentialsTurnedOffMidMessageLeakNoFds) {
  auto p = MakeSocketPair(false);
  ASSERT_EQ(unet_socket_pass_credentials(p.b.get(), true), 0);
  ASSERT_NO_FATAL_FAILURE(SendRecordWithFd(p.a.get(), 4));
  ssize_t got = 0;
  int flags = 0;
  ReadFullAcrossCredentialsOff(
      p.b.get(),
      [](unet_control_message *c) {
        EXPECT_EQ(unet_control_message_enable_fds(c, 1), 0);
        EXPECT_EQ(unet_control_message_enable_credentials(c), 0);
      },
      [&] {
        unet_socket_writer w;
        unet_socket_writer_init(&w, p.a.get(), true);
        int three[3] = {STDIN_FILENO, STDIN_FILENO, STDIN_FILENO};
        EXPECT_EQ(unet_control_message_pack_fds(&w.control, three, 3), 0);
        struct iovec rest = {const_cast<char *>("5678"), 4};
        EXPECT_EQ(unet_socket_writer_writev(&w, &rest, 1), 4);
      },
      &got, &flags);
  EXPECT_EQ(got, 8);
  EXPECT_NE(flags & MSG_CTRUNC, 0);
}

// The same with the socket passing pidfds: the pidfd that then arrives
// takes the credentials' room, and is closed and flagged, not leaked.
TEST_F(RecordTest, CredentialsTurnedOffMidMessageLeakNoPidfd) {
  auto p = MakeSocketPair(false);
  ASSERT_EQ(unet_socket_pass_credentials(p.b.get(), true), 0);
  int r = unet_socket_pass_pidfd(p.b.get(), true);
  if (r == -ENOPROTOOPT)
    GTEST_SKIP() << "SO_PASSPIDFD needs Linux 6.5";
  ASSERT_EQ(r, 0);
  ASSERT_EQ(unet_socket_write(p.a.get(), "1234", 4), 4);
  ssize_t got = 0;
  int flags = 0;
  ReadFullAcrossCredentialsOff(
      p.b.get(),
      [](unet_control_message *c) {  // The first chunk's pidfd comes; close_fds closes it.
        EXPECT_EQ(unet_control_message_enable_fds(c, 0), 0);
        EXPECT_EQ(unet_control_message_enable_credentials(c), 0);
        EXPECT_EQ(unet_control_message_enable_pidfd(c), 0);
      },
      [&] { EXPECT_EQ(unet_socket_write(p.a.get(), "5678", 4), 4); }, &got, &flags);
  EXPECT_EQ(got, 8);
  EXPECT_NE(flags & MSG_CTRUNC, 0);  // The fixture counts the fds: none left.
}

// A datagram socket the caller wrapped is a record socket too: a short
// datagram ends read_full, and it is never glued to the next.
TEST_F(RecordTest, DatagramsAreRecordsOnAWrappedFd) {
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, fds), 0);
  unet_socket *a = nullptr, *b = nullptr;
  ASSERT_EQ(unet_socket_new(fds[0], &a), 0);
  ASSERT_EQ(unet_socket_new(fds[1], &b), 0);
  SocketPtr pa(a), pb(b);
  ASSERT_EQ(unet_socket_write(a, "abc", 3), 3);
  ASSERT_EQ(unet_socket_write(a, "defg", 4), 4);
  unet_socket_reader r;
  unet_socket_reader_init(&r, b, false);
  char buf[8];
  struct iovec iov = {buf, sizeof(buf)};
  size_t progress = 0;
  EXPECT_EQ(unet_socket_reader_read_full(&r, &iov, 1, &progress), 3);
  EXPECT_EQ(std::string(buf, 3), "abc");
  progress = 0;
  EXPECT_EQ(unet_socket_reader_read_full(&r, &iov, 1, &progress), 4);
  EXPECT_EQ(std::string(buf, 4), "defg");
}

// Fds on a later chunk are dropped by the kernel, never opened in this
// process (the fixture sees no fd left), and flagged, credentials passing
// or not.
TEST_F(RecordTest, FdsOnALaterChunkAreDroppedAndFlagged) {
  for (bool credentials : {false, true}) {
    SCOPED_TRACE(credentials ? "passing credentials" : "plain");
    auto p = MakeSocketPair(false);
    ASSERT_EQ(unet_socket_pass_credentials(p.b.get(), credentials), 0);
    ASSERT_NO_FATAL_FAILURE(SendRecordWithFd(p.a.get(), 4));
    ASSERT_NO_FATAL_FAILURE(SendRecordWithFd(p.a.get(), 4));
    char buf[8];
    struct iovec iov = {buf, sizeof(buf)};
    unet_socket_reader r;
    unet_socket_reader_init(&r, p.b.get(), true);
    ASSERT_EQ(unet_control_message_enable_fds(&r.control, 1), 0);
    // Room for the first chunk's credentials too, or they take the fd's.
    if (credentials) {
      ASSERT_EQ(unet_control_message_enable_credentials(&r.control), 0);
    }
    size_t progress = 0;
    EXPECT_EQ(unet_socket_reader_read_full(&r, &iov, 1, &progress), 8);
    EXPECT_NE(r.msg_flags & MSG_CTRUNC, 0);
    EXPECT_EQ(unet_control_message_count_fds(&r.control), 1);
    unet_control_message_close_fds(&r.control);
  }
}

// The reader never closes an fd it did not hand out: a close(2) in this
// process would drop its POSIX locks on the file (and run a FUSE flush).
// A child sends an fd of a file the reader holds a lock on, with a later
// chunk; the lock survives the read.
TEST_F(RecordTest, AnFdDroppedOnALaterChunkLeavesTheReadersLocks) {
  std::string path = unet_testing::TempSocketPath("lock");
  UniqueFd file(open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  ASSERT_GE(file.get(), 0);
  unlink(path.c_str());
  struct flock lock = {};
  lock.l_type = F_WRLCK;
  lock.l_whence = SEEK_SET;
  ASSERT_EQ(fcntl(file.get(), F_SETLK, &lock), 0);
  auto p = MakeSocketPair(false);
  pid_t sender = fork();
  if (sender == 0) {
    // The inherited socket is the parent's: the child wraps its own copy.
    unet_socket *own = nullptr;
    if (unet_socket_new(dup(unet_socket_fd(p.a.get())), &own) != 0)
      unet_testing::ExitChild(1);
    RecordTest::SendRecordWithFd(own, 4);  // An fd for the first chunk...
    unet_socket_writer w;
    unet_socket_writer_init(&w, own, true);
    int same_file = open(("/proc/self/fd/" + std::to_string(file.get())).c_str(), O_RDWR);
    if (same_file < 0 || unet_control_message_pack_fds(&w.control, &same_file, 1) != 0)
      unet_testing::ExitChild(2);
    struct iovec iov = {const_cast<char *>("5678"), 4};
    unet_testing::ExitChild(unet_socket_writer_writev(&w, &iov, 1) == 4 ? 0 : 3);
  }
  int status = 0;
  ASSERT_EQ(waitpid(sender, &status, 0), sender);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  char buf[8];
  struct iovec iov = {buf, sizeof(buf)};
  unet_socket_reader r;
  unet_socket_reader_init(&r, p.b.get(), true);
  ASSERT_EQ(unet_control_message_enable_fds(&r.control, 1), 0);
  size_t progress = 0;
  ASSERT_EQ(unet_socket_reader_read_full(&r, &iov, 1, &progress), 8);
  EXPECT_NE(r.msg_flags & MSG_CTRUNC, 0);  // ...and one dropped with the second.
  unet_control_message_close_fds(&r.control);
  // Another process sees the lock still held by this one.
  pid_t checker = fork();
  if (checker == 0) {
    struct flock probe = {};
    probe.l_type = F_WRLCK;
    probe.l_whence = SEEK_SET;
    int same_file =
        open(("/proc/" + std::to_string(getppid()) + "/fd/" + std::to_string(file.get())).c_str(),
             O_RDWR);
    if (same_file < 0 || fcntl(same_file, F_GETLK, &probe) != 0)
      unet_testing::ExitChild(2);
    unet_testing::ExitChild(probe.l_type == F_WRLCK ? 0 : 4);
  }
  ASSERT_EQ(waitpid(checker, &status, 0), checker);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "lock gone: " << status;
}

}  // namespace
