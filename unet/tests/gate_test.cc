// The gate (unet/src/gate.c) on its own: Close returns only once every thread
// inside has left, a closed gate lets nobody in, and bouncing off a closed
// gate costs no syscall (futex calls are counted by wrapping syscall(2)).
#include <errno.h>
#include <linux/futex.h>
#include <stdarg.h>
#include <sys/syscall.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "unet/tests/gate_probe.h"

namespace {

std::atomic<const void *> g_watched{nullptr};
std::atomic<int> g_wakes{0};
std::atomic<int> g_waits{0};
std::atomic<bool> g_refuse_wakes{false};  // As a seccomp filter would.

}  // namespace

extern "C" long __real_syscall(long number, ...);
extern "C" long __wrap_syscall(long number, ...) {
  va_list ap;
  va_start(ap, number);
  long a[6];
  for (long &arg : a)
    arg = va_arg(ap, long);
  va_end(ap);
  if (number == SYS_futex && reinterpret_cast<const void *>(a[0]) == g_watched.load()) {
    int op = static_cast<int>(a[1]) & FUTEX_CMD_MASK;
    if (op == FUTEX_WAKE)
      g_wakes++;
    if (op == FUTEX_WAKE && g_refuse_wakes.load()) {
      errno = EPERM;
      return -1;
    }
    if (op == FUTEX_WAIT)
      g_waits++;
  }
  return __real_syscall(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}

namespace {

class GateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    gate_ = gate_probe_new();
    ASSERT_NE(gate_, nullptr);
    g_watched = gate_probe_word(gate_);
    g_wakes = 0;
    g_waits = 0;
  }
  void TearDown() override {
    g_watched = nullptr;
    gate_probe_free(gate_);
  }

  // Fails unless g turns the caller away; leaves again if it let it in, so
  // that a broken gate fails the test instead of hanging it.
  static void ExpectBounce(struct unet__gate *g) {
    if (gate_probe_enter(g)) {
      ADD_FAILURE() << "entered a closed gate";
      gate_probe_leave(g);
    }
  }

  struct unet__gate *gate_ = nullptr;
};

TEST_F(GateTest, OpenGateLetsThreadsInAndOut) {
  ASSERT_TRUE(gate_probe_enter(gate_));
  ASSERT_TRUE(gate_probe_enter(gate_));
  gate_probe_leave(gate_);
  gate_probe_leave(gate_);
  EXPECT_EQ(gate_probe_state(gate_), 0u);
}

TEST_F(GateTest, ClosedGateLetsNobodyIn) {
  gate_probe_close(gate_);
  for (int i = 0; i < 3; i++)
    ExpectBounce(gate_);
  EXPECT_EQ(gate_probe_state(gate_), gate_probe_closed);
}

// Every call on a closed socket bounces off its gate: that must cost no
// futex call (and no syscall at all) when no closer sleeps.
TEST_F(GateTest, BouncingOffAClosedGateMakesNoSyscall) {
  gate_probe_close(gate_);
  for (int i = 0; i < 1000; i++)
    ExpectBounce(gate_);
  EXPECT_EQ(g_wakes.load(), 0);
  EXPECT_EQ(g_waits.load(), 0);
}

TEST_F(GateTest, CloseWithNobodyInsideNeverSleeps) {
  gate_probe_close(gate_);
  EXPECT_EQ(g_waits.load(), 0);
  EXPECT_EQ(g_wakes.load(), 0);
}

// Close must not return while a thread is inside, and returns once it left;
// the thread that lets it go wakes it with exactly one futex call, even when
// other threads bounce off the closed gate meanwhile.
TEST_F(GateTest, CloseWaitsForTheThreadInsideAndIsWokenOnce) {
  ASSERT_TRUE(gate_probe_enter(gate_));
  std::atomic<bool> closed{false};
  std::thread closer([&] {
    gate_probe_close(gate_);
    closed = true;
  });
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!(gate_probe_state(gate_) & gate_probe_waiting) && !closed.load() &&
         std::chrono::steady_clock::now() < give_up)
    std::this_thread::yield();
  for (int i = 0; i < 100; i++)
    ExpectBounce(gate_);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(closed.load()) << "Close returned with a thread inside";
  gate_probe_leave(gate_);
  closer.join();
  EXPECT_TRUE(closed.load());
  EXPECT_EQ(g_wakes.load(), 1);
  EXPECT_EQ(gate_probe_state(gate_), gate_probe_closed);
  for (int i = 0; i < 100; i++)
    ExpectBounce(gate_);
  EXPECT_EQ(g_wakes.load(), 1);
}

// Many threads entering and leaving against a closer: after Close returns no
// thread is inside. `shared` is a plain variable read inside the gate and
// written by the closer after Close: TSan reports any overlap.
TEST_F(GateTest, ManyThreadsAgainstACloser) {
  g_watched = nullptr;
  constexpr int kThreads = 4;
  // Bounded in time, so that a gate that never closes fails instead of
  // hanging (and a slow run, as under valgrind, still closes first).
  constexpr auto kLimit = std::chrono::seconds(10);
  for (int round = 0; round < 100 && !HasFailure(); round++) {
    struct unet__gate *gate = gate_probe_new();
    ASSERT_NE(gate, nullptr);
    long shared = 0;
    std::atomic<int> inside{0};
    std::atomic<int> started{0};
    std::atomic<int> bounced{0};
    std::atomic<long> sum{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; t++) {
      threads.emplace_back([&] {
        started++;
        long seen = 0;
        auto give_up = std::chrono::steady_clock::now() + kLimit;
        for (int i = 0; (i % 1024) != 0 || std::chrono::steady_clock::now() < give_up; i++) {
          if (!gate_probe_enter(gate)) {
            bounced++;
            break;
          }
          inside++;
          seen += shared;
          inside--;
          gate_probe_leave(gate);
          if (i % 64 == 0)
            std::this_thread::yield();  // Lets the closer in, even under valgrind.
        }
        sum += seen;
      });
    }
    while (started.load() < kThreads)
      std::this_thread::yield();
    gate_probe_close(gate);
    EXPECT_EQ(inside.load(), 0);
    shared = -1;  // Only the closer touches it now.
    for (auto &t : threads)
      t.join();
    EXPECT_EQ(sum.load(), 0);  // Nobody inside saw the closer's write.
    EXPECT_EQ(bounced.load(), kThreads) << "a thread entered the closed gate";
    gate_probe_free(gate);
  }
}

// A wake-up refused (only a seccomp filter against the library's table
// can): the sleeping closer looks again within a second and returns,
// instead of sleeping forever.
TEST_F(GateTest, ARefusedWakeUpOnlyDelaysTheCloser) {
  ASSERT_TRUE(gate_probe_enter(gate_));
  g_refuse_wakes = true;
  std::thread closer([this] { gate_probe_close(gate_); });
  while (!(gate_probe_state(gate_) & gate_probe_waiting))
    std::this_thread::yield();
  auto start = std::chrono::steady_clock::now();
  gate_probe_leave(gate_);
  closer.join();
  g_refuse_wakes = false;
  EXPECT_EQ(g_wakes.load(), 1);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

}  // namespace
