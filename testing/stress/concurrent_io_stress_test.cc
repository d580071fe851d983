// Many threads writing and reading one SOCK_SEQPACKET socket at once: every
// message arrives exactly once and whole.
#include <errno.h>
#include <string.h>

#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "testing/unet_fixture.h"

namespace {

using unet_testing::MakeSocketPair;
using unet_testing::UnetTest;

constexpr int kWriters = 4;
constexpr int kReaders = 4;
constexpr int kMessagesPerWriter = 5000;

// A message: writer id, sequence number, then filler derived from both, so
// a torn or mixed message is detected.
struct Message {
  int writer;
  int seq;
  unsigned char filler[48];
};

void Fill(Message *m) {
  for (size_t i = 0; i < sizeof(m->filler); i++)
    m->filler[i] = static_cast<unsigned char>(m->writer * 31 + m->seq + i);
}

bool Whole(const Message &m) {
  Message copy = m;
  Fill(&copy);
  return memcmp(copy.filler, m.filler, sizeof(m.filler)) == 0;
}

class ConcurrentIoStressTest : public UnetTest {};

TEST_F(ConcurrentIoStressTest, EachMessageArrivesOnceAndWhole) {
  auto pair = MakeSocketPair(true);
  std::mutex mu;
  std::set<std::pair<int, int>> seen;
  int torn = 0, duplicates = 0;

  std::vector<std::thread> readers;
  for (int r = 0; r < kReaders; r++) {
    readers.emplace_back([&] {
      for (;;) {
        Message m;
        ssize_t n = unet_socket_read(pair.b.get(), &m, sizeof(m));
        if (n == UNET_EOF)
          return;
        std::lock_guard<std::mutex> lock(mu);
        if (n != static_cast<ssize_t>(sizeof(m)) || !Whole(m)) {
          torn++;
          continue;
        }
        if (!seen.insert({m.writer, m.seq}).second)
          duplicates++;
      }
    });
  }
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; w++) {
    writers.emplace_back([&, w] {
      for (int seq = 0; seq < kMessagesPerWriter; seq++) {
        Message m{w, seq, {}};
        Fill(&m);
        ASSERT_EQ(unet_socket_write(pair.a.get(), &m, sizeof(m)), static_cast<ssize_t>(sizeof(m)));
      }
    });
  }
  for (auto &t : writers)
    t.join();
  // Each reader sees EOF once the writing side is shut down and drained.
  ASSERT_EQ(unet_socket_shutdown(pair.a.get()), 0);
  for (auto &t : readers)
    t.join();

  EXPECT_EQ(torn, 0);
  EXPECT_EQ(duplicates, 0);
  EXPECT_EQ(seen.size(), static_cast<size_t>(kWriters * kMessagesPerWriter));
}

}  // namespace
