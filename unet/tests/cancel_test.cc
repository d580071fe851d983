// pthread_cancel(3): no function of libunet is a cancellation point. A
// thread cancelled inside one finishes the call and acts on the
// cancellation at its own next cancellation point, so it never ends inside
// a socket's gate (every later Close would wait for it forever), half-way
// through Close, or holding an fd nobody owns.
#include <errno.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "testing/unet_fixture.h"

namespace {

using unet_testing::KindName;
using unet_testing::MakeSocketPair;
using unet_testing::UnetKindTest;

// What a thread with a cancellation pending from its first instruction got
// through: every step of a socket's life, each a call that makes a syscall
// the C library treats as a cancellation point (sendmsg, recvmsg, accept4,
// connect, write, close, and runs of closes).
struct Workload {
  bool packet = false;
  std::string name;
  std::atomic<int> steps{0};
  std::atomic<bool> failed{false};
};

constexpr int kWorkloadSteps = 11;

void Step(Workload *w, bool ok) {
  if (!ok)
    w->failed = true;
  w->steps++;
}

void *RunWithCancelPending(void *arg) {
  auto *w = static_cast<Workload *>(arg);
  pthread_cancel(pthread_self());  // Deferred: pending until a cancellation point.

  unet_socket *a = nullptr, *b = nullptr;
  Step(w, unet_socketpair(w->packet, &a, &b) == 0);
  int fds[2];
  Step(w, pipe(fds) == 0);
  unet_socket_writer writer;
  unet_socket_writer_init(&writer, a, true);
  Step(w, unet_control_message_pack_fds(&writer.control, fds, 2) == 0);
  char byte = 'x';
  struct iovec iov = {&byte, 1};
  Step(w, unet_socket_writer_writev(&writer, &iov, 1) == 1);  // sendmsg
  unet_socket_reader reader;
  unet_socket_reader_init(&reader, b, true);
  unet_control_message_enable_fds(&reader.control, 2);
  Step(w, unet_socket_reader_readv(&reader, &iov, 1) == 1);  // recvmsg
  int got = -1;  // The second received fd is closed: a run of closes.
  Step(w, unet_control_message_take_fds_closing_rest(&reader.control, &got, 1) == 1);
  // Both fds again, closed by close_fds.
  Step(w, unet_socket_writer_writev(&writer, &iov, 1) == 1);
  unet_control_message_enable_fds(&reader.control, 2);
  Step(w, unet_socket_reader_readv(&reader, &iov, 1) == 1 &&
              unet_control_message_count_fds(&reader.control) == 2);
  unet_control_message_close_fds(&reader.control);

  unet_server_socket *server = nullptr;
  unet_socket *client = nullptr, *accepted = nullptr;
  bool listening = unet_bind_and_listen(w->name.c_str(), w->packet, &server) == 0;
  Step(w, listening && unet_connect(w->name.c_str(), w->packet, &client) == 0);  // connect
  Step(w, listening && unet_server_socket_accept(server, &accepted) == 0);       // accept4

  // Close (write to the eventfd, close) and the fds the workload made.
  int closed = unet_socket_close(a) | unet_socket_close(b) | unet_socket_close(client) |
               unet_socket_close(accepted) | unet_server_socket_close(server);
  Step(w, closed == 0);
  unet_socket_free(a);
  unet_socket_free(b);
  unet_socket_free(client);
  unet_socket_free(accepted);
  unet_server_socket_free(server);
  // The test's own fds, closed without a cancellation point; then the
  // thread ends at the first one of its own.
  for (int fd : {got, fds[0], fds[1]})
    syscall(SYS_close, static_cast<long>(fd));
  pthread_testcancel();
  w->failed = true;  // Never reached.
  return nullptr;
}

using CancelTest = UnetKindTest;

TEST_P(CancelTest, APendingCancellationLetsEveryCallFinish) {
  Workload w;
  w.packet = packet();
  w.name = unet_testing::UniqueAbstractName();
  pthread_t thread;
  ASSERT_EQ(pthread_create(&thread, nullptr, RunWithCancelPending, &w), 0);
  void *result = nullptr;
  ASSERT_EQ(pthread_join(thread, &result), 0);
  EXPECT_EQ(result, PTHREAD_CANCELED);
  // Every step ran; the fixture counts the fds: none left open.
  EXPECT_EQ(w.steps.load(), kWorkloadSteps);
  EXPECT_FALSE(w.failed.load());
}

struct BlockedReader {
  unet_socket *socket = nullptr;
  std::atomic<bool> started{false};
  std::atomic<ssize_t> result{0};
  char byte = 0;  // Not on the cancelled thread's stack: see below.
};

void *ReadThenActOnCancellation(void *arg) {
  auto *r = static_cast<BlockedReader *>(arg);
  r->started = true;
  // No local whose address is taken: ASan leaves the redzones of a frame
  // that cancellation unwinds, and reports them at the thread's exit.
  r->result = unet_socket_read(r->socket, &r->byte, 1);
  pthread_testcancel();
  return nullptr;
}

// The reported hang: a reader cancelled while blocked in ppoll, then woken
// by data, used to end inside recvmsg, inside the gate, and every Close
// after that waited for it forever.
TEST_P(CancelTest, ACancelledBlockedReaderLeavesTheGate) {
  auto pair = MakeSocketPair(packet());
  BlockedReader r;
  r.socket = pair.a.get();
  pthread_t thread;
  ASSERT_EQ(pthread_create(&thread, nullptr, ReadThenActOnCancellation, &r), 0);
  while (!r.started.load())
    std::this_thread::yield();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // into ppoll
  ASSERT_EQ(pthread_cancel(thread), 0);
  ASSERT_EQ(unet_socket_write(pair.b.get(), "x", 1), 1);
  void *result = nullptr;
  ASSERT_EQ(pthread_join(thread, &result), 0);
  EXPECT_EQ(result, PTHREAD_CANCELED);
  EXPECT_EQ(r.result.load(), 1) << "the read did not finish";

  // Close from another thread, watched: a thread dead inside the gate would
  // keep it waiting forever (then it stays blocked, and the socket leaks).
  auto closing = std::make_shared<std::atomic<int>>(1);
  unet_socket *a = pair.a.release();
  std::thread([a, closing] { *closing = unet_socket_close(a); }).detach();
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (closing->load() == 1 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  ASSERT_EQ(closing->load(), 0) << "Close still waiting after 5 s";
  unet_socket_free(a);
}

INSTANTIATE_TEST_SUITE_P(Kinds, CancelTest, ::testing::Bool(), KindName);

}  // namespace
