// A storm of SIGUSR1, whose handler was installed without SA_RESTART, hits
// threads blocked in read, write and accept: every call still completes with
// the right result (libunet retries EINTR).
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "testing/unet_fixture.h"

namespace {

using unet_testing::MakeSocketPair;
using unet_testing::ServerSocketPtr;
using unet_testing::SocketPtr;
using unet_testing::UnetTest;
using unet_testing::UniqueAbstractName;

std::atomic<long> g_signals{0};
void CountSignal(int) { g_signals++; }

class SignalStormStressTest : public UnetTest {
 protected:
  void SetUp() override {
    UnetTest::SetUp();
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = CountSignal;  // No SA_RESTART: syscalls see EINTR.
    sigemptyset(&sa.sa_mask);
    ASSERT_EQ(sigaction(SIGUSR1, &sa, &old_), 0);
  }
  void TearDown() override {
    sigaction(SIGUSR1, &old_, nullptr);
    UnetTest::TearDown();
  }

  // Signals every target thread until stop is set.
  static void Storm(const std::vector<pthread_t> &targets, const std::atomic<bool> &stop) {
    while (!stop.load()) {
      for (pthread_t t : targets)
        pthread_kill(t, SIGUSR1);
      std::this_thread::yield();
    }
  }

 private:
  struct sigaction old_;
};

constexpr int kRounds = 2000;
constexpr size_t kChunk = 4096;

TEST_F(SignalStormStressTest, ReadsWritesAndAcceptsComplete) {
  auto pair = MakeSocketPair(false);
  std::string name = UniqueAbstractName();
  unet_server_socket *raw = nullptr;
  ASSERT_EQ(unet_bind_and_listen(name.c_str(), false, &raw), 0);
  ServerSocketPtr server(raw);

  std::atomic<int> done{0};
  std::atomic<size_t> received{0};
  std::atomic<int> accepted{0};
  std::atomic<int> failures{0};
  std::thread reader([&] {
    std::vector<char> buf(kChunk);
    while (received < kRounds * kChunk) {
      ssize_t n = unet_socket_read(pair.b.get(), buf.data(), buf.size());
      if (n <= 0) {
        failures++;
        break;
      }
      received += static_cast<size_t>(n);
    }
    done++;
  });
  std::thread writer([&] {
    std::vector<char> buf(kChunk, 's');
    for (int i = 0; i < kRounds; i++) {
      size_t sent = 0;
      while (sent < kChunk) {
        ssize_t n = unet_socket_write(pair.a.get(), buf.data() + sent, kChunk - sent);
        if (n <= 0) {
          failures++;
          break;
        }
        sent += static_cast<size_t>(n);
      }
    }
    done++;
  });
  std::thread accepter([&] {
    for (int i = 0; i < 50; i++) {
      unet_socket *s = nullptr;
      if (unet_server_socket_accept(server.get(), &s) != 0) {
        failures++;
        break;
      }
      unet_socket_free(s);
      accepted++;
    }
    done++;
  });
  std::atomic<bool> stop{false};
  std::thread storm(Storm,
                    std::vector<pthread_t>{reader.native_handle(), writer.native_handle(),
                                           accepter.native_handle()},
                    std::cref(stop));
  for (int i = 0; i < 50; i++) {
    unet_socket *c = nullptr;
    ASSERT_EQ(unet_connect(name.c_str(), false, &c), 0);
    unet_socket_free(c);
  }
  // Stop the storm before joining: a joined thread must not be signalled.
  while (done.load() < 3)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  stop = true;
  storm.join();
  writer.join();
  reader.join();
  accepter.join();

  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(received.load(), kRounds * kChunk);
  EXPECT_EQ(accepted.load(), 50);
  EXPECT_GT(g_signals.load(), 0);
}

}  // namespace
