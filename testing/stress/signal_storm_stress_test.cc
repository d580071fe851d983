// A storm of SIGUSR1, whose handler was installed without SA_RESTART, hits
// threads blocked in read, write and accept: every call still completes with
// the right result (libunet retries EINTR), and so does a connect waiting for
// room in a full backlog.
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

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
using unet_testing::UniqueFd;

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

// Go never sees EINTR from Connect (its handlers restart syscalls); neither
// may a C caller whose handler does not. A connect blocks while the
// listener's backlog is full: storm it there, then make room.
TEST_F(SignalStormStressTest, ConnectWaitingForBacklogCompletes) {
  std::string name = UniqueAbstractName();
  unet_server_socket *raw = nullptr;
  ASSERT_EQ(unet_bind_and_listen(name.c_str(), false, &raw), 0);
  ServerSocketPtr server(raw);

  // Fill the backlog with non-blocking connects until the next would wait.
  struct sockaddr_un sa = {};
  sa.sun_family = AF_UNIX;
  memcpy(sa.sun_path + 1, name.c_str() + 1, name.size() - 1);
  socklen_t len = static_cast<socklen_t>(sizeof(sa_family_t) + name.size());
  std::vector<UniqueFd> queued;
  for (;;) {
    UniqueFd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    ASSERT_GE(fd.get(), 0);
    if (connect(fd.get(), reinterpret_cast<struct sockaddr *>(&sa), len) != 0) {
      ASSERT_EQ(errno, EAGAIN);
      break;
    }
    queued.push_back(std::move(fd));
    ASSERT_LT(queued.size(), 1000u);
  }

  std::atomic<bool> connected{false};
  int result = 1;
  std::thread client([&] {
    unet_socket *c = nullptr;
    result = unet_connect(name.c_str(), false, &c);
    connected = true;
    unet_socket_free(c);
  });
  std::atomic<bool> stop{false};
  std::thread storm(Storm, std::vector<pthread_t>{client.native_handle()}, std::cref(stop));
  long before = g_signals.load();
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!connected.load() && g_signals.load() - before < 1000 &&
         std::chrono::steady_clock::now() < give_up)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  bool waited = !connected.load();
  if (waited) {
    // Make room: the waiting connect completes.
    unet_socket *s = nullptr;
    EXPECT_EQ(unet_server_socket_accept(server.get(), &s), 0);
    unet_socket_free(s);
    while (!connected.load())
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  stop = true;
  storm.join();
  client.join();
  EXPECT_TRUE(waited) << "connect returned before room was made: " << unet_strerror(result);
  EXPECT_EQ(result, 0) << unet_strerror(result);
  EXPECT_GE(g_signals.load() - before, 1000);
}

}  // namespace
