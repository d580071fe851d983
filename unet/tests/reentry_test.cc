// "Inside a call", tested at every syscall site: a signal handler's Close,
// Release and free on the socket a call of the same thread is inside answer
// -EDEADLK and touch nothing, wherever the handler lands. Every libc call the
// library makes is wrapped at link time; the N-th event (before or after any of them) runs the handler's
// calls there, for N = 1, 2, ... until the scenario runs out of events. A
// freed socket, double free or fd closed under the call is AddressSanitizer's
// (or the fd check's) to see.
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <functional>
#include <thread>
#include <string>
#include <vector>

#include "testing/time64_twins.h"
#include "testing/unet_fixture.h"

namespace {

using unet_testing::MakeSocketPair;
using unet_testing::SocketPtr;

// The sockets the interrupted call is on, and the event that interrupts it.
std::vector<unet_socket *> g_subjects;
std::function<void()> g_also;  // More of the handler's calls, per test.
int g_events = 0;
int g_fire_at = 0;  // 0: count only.
bool g_in_handler = false;
int g_fired = 0;
int g_wrong = 0;  // Handler calls that did not answer -EDEADLK.

// Called at every event while set (outside the handler's own calls).
std::function<void(int)> g_on_event;
int g_all_events = 0;

// The thread the tests run on: the calls of threads a test starts are not
// events (a handler interrupts the thread it lands on).
const std::thread::id g_test_thread = std::this_thread::get_id();

// What a signal handler landing here would do.
void Event() {
  if (std::this_thread::get_id() != g_test_thread)
    return;
  if (g_on_event && !g_in_handler)
    g_on_event(++g_all_events);
  if (g_in_handler || g_subjects.empty())
    return;
  if (++g_events != g_fire_at)
    return;
  g_in_handler = true;
  int saved = errno;
  for (unet_socket *s : g_subjects) {
    g_wrong += unet_socket_close(s) != -EDEADLK;
    g_wrong += unet_socket_release(s) != -EDEADLK;
    unet_socket_free(s);  // Must leak: the call still uses s.
  }
  if (g_also)
    g_also();
  errno = saved;
  g_in_handler = false;
  g_fired++;
}

// Runs call with handler events armed, s being its subjects.
template <typename Call>
auto Inside(std::vector<unet_socket *> subjects, Call call) {
  g_subjects = std::move(subjects);
  auto r = call();
  g_subjects.clear();
  return r;
}

}  // namespace

namespace {
// A call made to fail once, with g_fail_errno, before it reaches the kernel.
const char *g_fail_call = nullptr;
int g_fail_errno = 0;

bool FailNow(const char *name) {
  // The test thread's calls only: others never read what it sets.
  if (std::this_thread::get_id() != g_test_thread)
    return false;
  if (!g_fail_call || strcmp(g_fail_call, name) != 0)
    return false;
  g_fail_call = nullptr;
  errno = g_fail_errno;
  return true;
}
}  // namespace

#define WRAP(ret, name, params, args)       \
  extern "C" ret __real_##name params;      \
  extern "C" ret __wrap_##name params {     \
    if (FailNow(#name))                     \
      return (ret)-1;                       \
    Event();                                \
    ret r = __real_##name args;             \
    int saved = errno;                      \
    Event();                                \
    errno = saved;                          \
    return r;                               \
  }

WRAP(ssize_t, recvmsg, (int fd, struct msghdr *msg, int flags), (fd, msg, flags))
WRAP(ssize_t, sendmsg, (int fd, const struct msghdr *msg, int flags), (fd, msg, flags))
WRAP(int, close, (int fd), (fd))
WRAP(ssize_t, write, (int fd, const void *buf, size_t len), (fd, buf, len))
WRAP(int, shutdown, (int fd, int how), (fd, how))
WRAP(int, getsockopt, (int fd, int l, int n, void *v, socklen_t *len), (fd, l, n, v, len))
WRAP(int, setsockopt, (int fd, int l, int n, const void *v, socklen_t len), (fd, l, n, v, len))
WRAP(int, accept4, (int fd, struct sockaddr *a, socklen_t *len, int f), (fd, a, len, f))
WRAP(int, listen, (int fd, int backlog), (fd, backlog))
WRAP(int, getsockname, (int fd, struct sockaddr *a, socklen_t *len), (fd, a, len))
WRAP(int, getpeername, (int fd, struct sockaddr *a, socklen_t *len), (fd, a, len))
WRAP(int, eventfd, (unsigned v, int f), (v, f))
UNET_TIME64_TWIN(recvmsg, __recvmsg64)
UNET_TIME64_TWIN(sendmsg, __sendmsg64)
UNET_TIME64_TWIN(getsockopt, __getsockopt64)
UNET_TIME64_TWIN(setsockopt, __setsockopt64)

extern "C" int __real_fcntl(int fd, int cmd, ...);
extern "C" int __wrap_fcntl(int fd, int cmd, ...) {
  va_list ap;
  va_start(ap, cmd);
  long arg = va_arg(ap, long);
  va_end(ap);
  Event();
  int r = __real_fcntl(fd, cmd, arg);
  int saved = errno;
  Event();
  errno = saved;
  return r;
}
UNET_TIME64_TWIN(fcntl, __fcntl_time64)

extern "C" long __real_syscall(long n, ...);
extern "C" long __wrap_syscall(long n, ...) {
  va_list ap;
  va_start(ap, n);
  long a[6];
  for (long &x : a)
    x = va_arg(ap, long);
  va_end(ap);
  Event();
  long r = __real_syscall(n, a[0], a[1], a[2], a[3], a[4], a[5]);
  int saved = errno;
  Event();
  errno = saved;
  return r;
}

namespace {

class ReentryTest : public unet_testing::UnetTest {
 protected:
  // Runs scenario once to count its events, then once per event with the
  // handler landing there; every run leaves no fd open and the handler's
  // calls all answered -EDEADLK.
  void AtEverySite(const std::function<void()> &scenario) {
    g_fire_at = 0;
    g_events = 0;
    scenario();
    int events = g_events;
    ASSERT_GT(events, 0) << "the scenario's call made no wrapped call";
    for (int at = 1; at <= events; at++) {
      SCOPED_TRACE("handler at event " + std::to_string(at) + " of " + std::to_string(events));
      g_fire_at = at;
      g_events = 0;
      g_fired = 0;
      g_wrong = 0;
      scenario();
      EXPECT_EQ(g_fired, 1);
      EXPECT_EQ(g_wrong, 0);
    }
    g_fire_at = 0;
  }
};

TEST_F(ReentryTest, ReadFullAcrossChunksWithFds) {
  AtEverySite([] {
    auto p = MakeSocketPair(false);
    // Two messages, each with an fd: a stream read stops after the first
    // one's fds, so read_full takes two chunks.
    for (int i = 0; i < 2; i++) {
      unet_socket_writer w;
      unet_socket_writer_init(&w, p.a.get(), true);
      int fd = STDIN_FILENO;
      ASSERT_EQ(unet_control_message_pack_fds(&w.control, &fd, 1), 0);
      char byte[4] = {'a', 'b', 'c', 'd'};
      struct iovec iov = {byte, sizeof(byte)};
      ASSERT_EQ(unet_socket_writer_writev(&w, &iov, 1), 4);
    }
    unet_socket_reader r;
    unet_socket_reader_init(&r, p.b.get(), true);
    ASSERT_EQ(unet_control_message_enable_fds(&r.control, 1), 0);
    char buf[8];
    struct iovec iov = {buf, sizeof(buf)};
    size_t progress = 0;
    ssize_t n = Inside({p.b.get()}, [&] { return unet_socket_reader_read_full(&r, &iov, 1, &progress); });
    EXPECT_EQ(n, 8);
    unet_control_message_close_fds(&r.control);
    EXPECT_GE(unet_socket_fd(p.b.get()), 0);
  });
}

TEST_F(ReentryTest, WriteAllOf65Buffers) {
  AtEverySite([] {
    auto p = MakeSocketPair(false);
    char bytes[65] = {};
    struct iovec iov[65];
    for (int i = 0; i < 65; i++)
      iov[i] = {&bytes[i], 1};
    unet_socket_writer w;
    unet_socket_writer_init(&w, p.a.get(), true);
    size_t progress = 0;
    ssize_t n = Inside({p.a.get()}, [&] { return unet_socket_writer_write_all(&w, iov, 65, &progress); });
    EXPECT_EQ(n, 65);
  });
}

TEST_F(ReentryTest, ReadvAndWritev) {
  AtEverySite([] {
    auto p = MakeSocketPair(true);
    char c = 'x';
    EXPECT_EQ(Inside({p.a.get()}, [&] { return unet_socket_write(p.a.get(), &c, 1); }), 1);
    EXPECT_EQ(Inside({p.b.get()}, [&] { return unet_socket_read(p.b.get(), &c, 1); }), 1);
  });
}

TEST_F(ReentryTest, CheckPeerWithPidfd) {
  AtEverySite([] {
    auto p = MakeSocketPair(false);
    int pidfd = -1;
    int r = Inside({p.a.get()}, [&] {
      return unet_socket_check_peer(p.a.get(), UNET_ANY_ID, UNET_ANY_ID, &pidfd);
    });
    if (r == 0)
      close(pidfd);
    else
      EXPECT_EQ(r, -ENOPROTOOPT);  // Before Linux 6.5.
  });
}

TEST_F(ReentryTest, OptionsAndNames) {
  AtEverySite([] {
    auto p = MakeSocketPair(false);
    unet_socket *s = p.a.get();
    struct ucred cred;
    char name[128];
    EXPECT_EQ(Inside({s}, [&] { return unet_socket_peer_cred(s, &cred); }), 0);
    EXPECT_GE(Inside({s}, [&] { return unet_socket_sock_name(s, name, sizeof(name)); }), 0);
    EXPECT_GE(Inside({s}, [&] { return unet_socket_peer_name(s, name, sizeof(name)); }), 0);
    EXPECT_EQ(Inside({s}, [&] { return unet_socket_pass_credentials(s, true); }), 0);
    EXPECT_EQ(Inside({s}, [&] { return unet_socket_set_spin(s, UNET_SPIN_ADAPTIVE); }), 0);
    EXPECT_EQ(Inside({s}, [&] { return unet_socket_shutdown(s); }), 0);
  });
}

TEST_F(ReentryTest, ListenAndAccept) {
  AtEverySite([] {
    unet_server_socket *server = nullptr;
    ASSERT_EQ(unet_bind("", false, &server), 0);  // Autobind: abstract.
    unet_socket *as_socket = reinterpret_cast<unet_socket *>(server);
    EXPECT_EQ(Inside({as_socket}, [&] { return unet_server_socket_listen(server); }), 0);
    char name[128];
    ssize_t len = unet_socket_sock_name(as_socket, name, sizeof(name));
    ASSERT_GT(len, 2);
    std::string addr = "@" + std::string(name + 3, static_cast<size_t>(len) - 3);
    unet_socket *client = nullptr;
    ASSERT_EQ(unet_connect(addr.c_str(), false, &client), 0);
    unet_socket *accepted = nullptr;
    g_also = [&] {
      EXPECT_EQ(unet_server_socket_close(server), -EDEADLK);
      EXPECT_EQ(unet_server_socket_release(server), -EDEADLK);
      unet_server_socket_free(server);  // Must leak.
    };
    EXPECT_EQ(Inside({as_socket}, [&] { return unet_server_socket_accept(server, &accepted); }), 0);
    g_also = nullptr;
    unet_socket_free(accepted);
    unet_socket_free(client);
    unet_server_socket_free(server);
  });
}

// Close and free themselves: a handler interrupting them anywhere (the
// eventfd write, the futex, close(2), free(3)'s caller) gets -EDEADLK and
// frees nothing twice.
TEST_F(ReentryTest, CloseAndFree) {
  AtEverySite([] {
    auto p = MakeSocketPair(false);
    unet_socket *a = p.a.release();
    EXPECT_EQ(Inside({a}, [&] { return unet_socket_close(a); }), 0);
    unet_socket *b = p.b.release();
    Inside({b}, [&] {
      unet_socket_free(b);
      return 0;
    });
    unet_socket_free(a);
  });
}

TEST_F(ReentryTest, Release) {
  AtEverySite([] {
    auto p = MakeSocketPair(false);
    int fd = Inside({p.a.get()}, [&] { return unet_socket_release(p.a.get()); });
    ASSERT_GE(fd, 0);
    close(fd);
  });
}

// Release from another thread while read_full is between two chunks: the
// next chunk is not read (its bytes are already there), the call answers
// -EBADF at once rather than reading the whole message first.
TEST_F(ReentryTest, ReleaseBetweenChunksStopsReadFull) {
  auto p = MakeSocketPair(false);
  int fd = STDIN_FILENO;
  unet_socket_writer w;
  unet_socket_writer_init(&w, p.a.get(), true);
  ASSERT_EQ(unet_control_message_pack_fds(&w.control, &fd, 1), 0);
  struct iovec first = {const_cast<char *>("0123"), 4};
  ASSERT_EQ(unet_socket_writer_writev(&w, &first, 1), 4);  // Ends the first chunk.
  ASSERT_EQ(unet_socket_write(p.a.get(), "4567", 4), 4);
  unet_socket *b = p.b.get();
  std::thread releaser;
  int released = -1;
  // After the first recvmsg (events: before it, after it), release from
  // another thread and wait until the fd is swapped out.
  g_all_events = 0;
  g_on_event = [&](int n) {
    if (n != 2)
      return;
    releaser = std::thread([&] { released = unet_socket_release(b); });
    while (unet_socket_fd(b) >= 0)
      std::this_thread::yield();
  };
  unet_socket_reader r;
  unet_socket_reader_init(&r, b, true);
  ASSERT_EQ(unet_control_message_enable_fds(&r.control, 1), 0);
  char buf[8];
  struct iovec iov = {buf, sizeof(buf)};
  size_t progress = 0;
  EXPECT_EQ(unet_socket_reader_read_full(&r, &iov, 1, &progress), -EBADF);
  g_on_event = nullptr;
  releaser.join();
  EXPECT_EQ(progress, 4u);
  ASSERT_GE(released, 0);
  close(released);
  unet_control_message_close_fds(&r.control);
}

// Release's wake-up write refused (a filter against the table) while a
// thread is inside: Release fails and puts the fd back, rather than wait
// forever for a reader blocked in ppoll that nothing else would wake; a
// second Release wakes it.
TEST_F(ReentryTest, ReleaseWhoseWakeUpFailsChangesNothing) {
  auto p = MakeSocketPair(false);
  unet_socket *b = p.b.get();
  ssize_t read_result = 0;
  std::thread reader([&] {
    char c;
    read_result = unet_socket_read(b, &c, 1);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  int fd = unet_socket_fd(b);
  g_fail_call = "write";
  g_fail_errno = EPERM;
  EXPECT_EQ(unet_socket_release(b), -EPERM);
  EXPECT_EQ(unet_socket_fd(b), fd);  // Still the socket's.
  int released = unet_socket_release(b);
  EXPECT_EQ(released, fd);
  reader.join();
  EXPECT_EQ(read_result, -EBADF);
  close(released);
  // A server with an accept blocked in it: the same.
  unet_server_socket *server = nullptr;
  ASSERT_EQ(unet_bind_and_listen("", false, &server), 0);
  int accept_result = 0;
  std::thread acceptor([&] {
    unet_socket *accepted = nullptr;
    accept_result = unet_server_socket_accept(server, &accepted);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  g_fail_call = "write";
  EXPECT_EQ(unet_server_socket_release(server), -EPERM);
  EXPECT_GE(unet_server_socket_fd(server), 0);
  EXPECT_EQ(unet_server_socket_close(server), 0);  // Its shutdown wakes the accept.
  acceptor.join();
  EXPECT_EQ(accept_result, -EBADF);
  unet_server_socket_free(server);
  // With nobody inside, nobody needs waking: Release completes.
  auto q = MakeSocketPair(false);
  g_fail_call = "write";
  int released_alone = unet_socket_release(q.a.get());
  EXPECT_GE(released_alone, 0);
  close(released_alone);
}

}  // namespace
