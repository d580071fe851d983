// Spinning told from waiting by the syscalls a read makes (recvmsg, and
// syscall(2), through which the library makes its raw ppoll, are wrapped at
// link time and counted; only the reading thread makes either call): a
// spinning read retries recvmsg and never waits in ppoll; a read that does
// not spin waits at once; after a read that waited, the next reads wait
// before they try. The peer writes when it sees the read wait or spin, not
// after a sleep, so a busy machine cannot reorder the two.
#include <stdarg.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>

#include "testing/time64_twins.h"
#include "testing/unet_fixture.h"

namespace {

std::atomic<long> g_recvmsg{0};
std::atomic<long> g_ppoll{0};

}  // namespace

extern "C" ssize_t __real_recvmsg(int fd, struct msghdr *msg, int flags);
extern "C" ssize_t __wrap_recvmsg(int fd, struct msghdr *msg, int flags) {
  g_recvmsg++;
  return __real_recvmsg(fd, msg, flags);
}
UNET_TIME64_TWIN(recvmsg, __recvmsg64)

extern "C" long __real_syscall(long number, ...);
extern "C" long __wrap_syscall(long number, ...) {
  va_list ap;
  va_start(ap, number);
  long a[6];
  for (long &arg : a)
    arg = va_arg(ap, long);
  va_end(ap);
  if (number == SYS_ppoll)
    g_ppoll++;
  return __real_syscall(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}

namespace {

using unet_testing::KindName;
using unet_testing::MakeSocketPair;
using unet_testing::UnetKindTest;

struct Counts {
  ssize_t result;
  long recvmsg;
  long ppoll;
};

// What the peer waits to see before it writes: the read waiting in ppoll,
// or the read spinning (retrying recvmsg) for 20 ms at least.
enum class Until { kWaits, kSpun };

// A blocking read of pair.a with no timeout; the peer writes once it sees
// what `until` names, or after 5 s if it never does (the counts then fail
// the test instead of hanging it).
Counts ReadLate(unet_testing::SocketPair &pair, Until until = Until::kWaits) {
  g_recvmsg = g_ppoll = 0;
  const auto start = std::chrono::steady_clock::now();
  std::thread late([&] {
    auto seen = [&] {
      if (until == Until::kWaits)
        return g_ppoll > 0;
      return g_recvmsg > 2 &&
             std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(20);
    };
    while (!seen() && std::chrono::steady_clock::now() - start < std::chrono::seconds(5))
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    unet_socket_write(pair.b.get(), "x", 1);
  });
  char c;
  ssize_t r = unet_socket_read(pair.a.get(), &c, 1);
  Counts counts = {r, g_recvmsg, g_ppoll};
  late.join();
  return counts;
}

// A blocking read of data written before it.
Counts ReadReady(unet_testing::SocketPair &pair) {
  EXPECT_EQ(unet_socket_write(pair.b.get(), "x", 1), 1);
  g_recvmsg = g_ppoll = 0;
  char c;
  ssize_t r = unet_socket_read(pair.a.get(), &c, 1);
  return {r, g_recvmsg, g_ppoll};
}

// ReadLate on a new pair whose reader spins for spin_ns.
Counts ReadLateData(bool packet, int64_t spin_ns, Until until) {
  auto pair = MakeSocketPair(packet);
  EXPECT_EQ(unet_socket_set_spin(pair.a.get(), spin_ns), 0);
  return ReadLate(pair, until);
}

// How many reads after one that waited wait first (io.c).
constexpr int kWaitFirstReads = 7;

using SpinCountTest = UnetKindTest;

// Spinning is told from waiting: none means one try, one wait, one read.
TEST_P(SpinCountTest, WithoutSpinTheReadWaitsAtOnce) {
  Counts c = ReadLateData(packet(), 0, Until::kWaits);
  EXPECT_EQ(c.result, 1);
  EXPECT_EQ(c.ppoll, 1);
  EXPECT_EQ(c.recvmsg, 2);
}

// A budget longer than the wait for data: the read spins until the data is
// there and never waits, also with no timeout set.
TEST_P(SpinCountTest, ASpinLongerThanTheWaitNeverWaits) {
  Counts c = ReadLateData(packet(), 2000000000, Until::kSpun);  // 2 s
  EXPECT_EQ(c.result, 1);
  EXPECT_EQ(c.ppoll, 0);
  EXPECT_GT(c.recvmsg, 2);
}

// The largest budget (INT64_MAX ns): the spin's end saturates, and it
// spins as with any long budget.
TEST_P(SpinCountTest, TheLargestBudgetSpinsAsALongOne) {
  Counts c = ReadLateData(packet(), INT64_MAX, Until::kSpun);
  EXPECT_EQ(c.result, 1);
  EXPECT_EQ(c.ppoll, 0);
  EXPECT_GT(c.recvmsg, 2);
}

// After a read that had to wait, the next reads wait before trying: a
// ppoll and one recvmsg each, not recvmsg, ppoll, recvmsg. Then one tries
// first again, and waiting again starts the count anew.
TEST_P(SpinCountTest, AfterAReadWaitedTheNextReadsWaitFirst) {
  auto pair = MakeSocketPair(packet());
  Counts waited = ReadLate(pair);
  EXPECT_EQ(waited.result, 1);
  EXPECT_EQ(waited.recvmsg, 2);
  EXPECT_EQ(waited.ppoll, 1);
  for (int i = 0; i < kWaitFirstReads; i++) {
    Counts c = ReadLate(pair);
    EXPECT_EQ(c.result, 1) << i;
    EXPECT_EQ(c.ppoll, 1) << i;
    EXPECT_EQ(c.recvmsg, 1) << i;
  }
  Counts probe = ReadLate(pair);
  EXPECT_EQ(probe.result, 1);
  EXPECT_EQ(probe.recvmsg, 2);
  EXPECT_EQ(probe.ppoll, 1);
  Counts again = ReadLate(pair);
  EXPECT_EQ(again.recvmsg, 1);
  EXPECT_EQ(again.ppoll, 1);
}

// Data that is there before the read: a read waiting first still returns
// it (one wasted ppoll), and once a read tries first and finds data, reads
// try first again: one recvmsg, no ppoll.
TEST_P(SpinCountTest, DataComingFasterThanReadEndsWaitingFirst) {
  auto pair = MakeSocketPair(packet());
  ReadLate(pair);
  for (int i = 0; i < kWaitFirstReads; i++) {
    Counts c = ReadReady(pair);
    EXPECT_EQ(c.result, 1) << i;
    EXPECT_EQ(c.ppoll, 1) << i;
    EXPECT_EQ(c.recvmsg, 1) << i;
  }
  for (int i = 0; i < 3; i++) {
    Counts c = ReadReady(pair);
    EXPECT_EQ(c.result, 1) << i;
    EXPECT_EQ(c.ppoll, 0) << i;
    EXPECT_EQ(c.recvmsg, 1) << i;
  }
}

// A read that waits first with a timeout already spent still returns data
// that is there: the time ran out, but no waiting was needed.
TEST_P(SpinCountTest, ATimeoutNeverFailsAReadWhoseDataIsThere) {
  auto pair = MakeSocketPair(packet());
  ReadLate(pair);  // The next reads wait first.
  ASSERT_EQ(unet_socket_write(pair.b.get(), "x", 1), 1);
  unet_socket_reader r;
  unet_socket_reader_init(&r, pair.a.get(), true);
  r.timeout_ns = 1;
  char c;
  struct iovec iov = {&c, 1};
  g_recvmsg = g_ppoll = 0;
  EXPECT_EQ(unet_socket_reader_readv(&r, &iov, 1), 1);
  EXPECT_EQ(g_recvmsg, 1);
}

// A spinning socket never waits first: trying first is the point.
TEST_P(SpinCountTest, ASpinningReadTriesFirstAfterWaiting) {
  auto pair = MakeSocketPair(packet());
  ASSERT_EQ(unet_socket_set_spin(pair.a.get(), 1000), 0);  // 1 us: misses
  ReadLate(pair);
  Counts c = ReadLate(pair);
  EXPECT_EQ(c.result, 1);
  EXPECT_EQ(c.ppoll, 1);
  EXPECT_GT(c.recvmsg, 1);
}

INSTANTIATE_TEST_SUITE_P(Kinds, SpinCountTest, ::testing::Bool(), KindName);

}  // namespace
