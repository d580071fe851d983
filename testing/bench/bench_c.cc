// The C and raw sides of //testing/bench:compare, with Google Benchmark.
// Each workload runs once on plain syscalls ("raw", the floor) and once on
// libunet ("c"; in the Go syscall footprint "c_gofootprint"; ping-pong also
// with spin-then-wait: "c_spin", "c_adaptive"; whole messages also with
// write_all and read_full: "c_helpers").
// Benchmarks are named "<workload>/<mode>"; run them through compare, which
// alternates them with gVisor's Go unet and counts syscalls separately.
// UNET_BENCH_ITERATIONS=N fixes the iteration count (for syscall and
// instruction counting). Ping-pong workloads also report the 50th and 99th
// percentile of single round trips (p50_ns, p99_ns), timed with the vDSO's
// CLOCK_MONOTONIC (no syscall) around each one.
//
// The default-spin workloads (compare's "spin default" section) run only in
// the two libunet modes that decision is between, c and c_adaptive:
//   sparse_1ms, sparse_10ms, sparse_1s   a blocked reader receives one
//       8-byte message every period; ns/op is the delivery latency (send to
//       return of read), cpu_ns_per_op the CPU of both threads per message;
//   idle_64conns   64 connections, each with an echo thread blocked in read,
//       one round trip at a time on each in turn.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "unet/unet.h"

namespace {

constexpr size_t kBulkChunk = 64 << 10;

// CPU time of this process and its reaped children, in ns.
int64_t CpuNs() {
  int64_t total = 0;
  for (int who : {RUSAGE_SELF, RUSAGE_CHILDREN}) {
    struct rusage u;
    getrusage(who, &u);
    total += (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * INT64_C(1000000000) +
             (u.ru_utime.tv_usec + u.ru_stime.tv_usec) * INT64_C(1000);
  }
  return total;
}

int64_t NowNs() {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * INT64_C(1000000000) + t.tv_nsec;
}

// One side of a connection, as raw blocking fds or a libunet socket.
class Endpoint {
 public:
  virtual ~Endpoint() = default;
  virtual ssize_t WriteOnce(const void *buf, size_t len) = 0;  // One call.
  virtual ssize_t Read(void *buf, size_t len) = 0;             // One call.
  virtual void Shutdown() = 0;

  // Writes all of buf; false on an error.
  bool Write(const void *buf, size_t len) {
    const char *p = static_cast<const char *>(buf);
    while (len > 0) {
      ssize_t n = WriteOnce(p, len);
      if (n <= 0)
        return false;
      p += n;
      len -= static_cast<size_t>(n);
    }
    return true;
  }
};

class RawEndpoint : public Endpoint {
 public:
  explicit RawEndpoint(int fd) : fd_(fd) {}
  ~RawEndpoint() override { close(fd_); }
  ssize_t WriteOnce(const void *buf, size_t len) override { return write(fd_, buf, len); }
  ssize_t Read(void *buf, size_t len) override { return read(fd_, buf, len); }
  void Shutdown() override { shutdown(fd_, SHUT_RDWR); }
  int fd() const { return fd_; }

 private:
  int fd_;
};

class UnetEndpoint : public Endpoint {
 public:
  explicit UnetEndpoint(unet_socket *s) : s_(s) {}
  ~UnetEndpoint() override { unet_socket_free(s_); }
  ssize_t WriteOnce(const void *buf, size_t len) override {
    return unet_socket_write(s_, buf, len);
  }
  ssize_t Read(void *buf, size_t len) override { return unet_socket_read(s_, buf, len); }
  void Shutdown() override { unet_socket_shutdown(s_); }
  unet_socket *socket() { return s_; }

 private:
  unet_socket *s_;
};

enum class Mode { kRaw, kC, kCGoFootprint, kCSpin, kCAdaptive, kCHelpers };

const char *ModeName(Mode m) {
  switch (m) {
    case Mode::kRaw:
      return "raw";
    case Mode::kC:
      return "c";
    case Mode::kCGoFootprint:
      return "c_gofootprint";
    case Mode::kCSpin:
      return "c_spin";
    case Mode::kCAdaptive:
      return "c_adaptive";
    case Mode::kCHelpers:
      return "c_helpers";
  }
  return "?";
}

// Wraps fd for mode (taking ownership).
std::unique_ptr<Endpoint> Wrap(Mode mode, int fd) {
  if (mode == Mode::kRaw)
    return std::make_unique<RawEndpoint>(fd);
  unet_socket *s = nullptr;
  if (mode == Mode::kCGoFootprint)
    unet_set_footprint(UNET_FOOTPRINT_GO);
  if (unet_socket_new(fd, &s) < 0)
    abort();
  unet_set_footprint(UNET_FOOTPRINT_DEFAULT);
  if (mode == Mode::kCSpin)
    unet_socket_set_spin(s, 20000);
  if (mode == Mode::kCAdaptive)
    unet_socket_set_spin(s, UNET_SPIN_ADAPTIVE);
  return std::make_unique<UnetEndpoint>(s);
}

struct Pair {
  std::unique_ptr<Endpoint> a, b;
};

Pair MakePair(Mode mode, bool packet) {
  int fds[2];
  if (socketpair(AF_UNIX, (packet ? SOCK_SEQPACKET : SOCK_STREAM) | SOCK_CLOEXEC, 0, fds) < 0)
    abort();
  return Pair{Wrap(mode, fds[0]), Wrap(mode, fds[1])};
}

void Echo(Endpoint *e) {
  char c;
  while (e->Read(&c, 1) == 1 && e->Write(&c, 1)) {
  }
}

void RoundTrip(benchmark::State &state, Endpoint *e) {
  char c = 'p';
  if (!e->Write(&c, 1) || e->Read(&c, 1) != 1)
    state.SkipWithError("round trip failed");
}

// Percentile p (0-100) of sorted samples, nearest rank.
double Percentile(const std::vector<int64_t> &sorted, double p) {
  if (sorted.empty())
    return 0;
  size_t rank = static_cast<size_t>(p / 100.0 * static_cast<double>(sorted.size() - 1) + 0.5);
  return static_cast<double>(sorted[rank]);
}

// Reports the p50 and p99 of per-operation latencies.
void ReportPercentiles(benchmark::State &state, std::vector<int64_t> &ns) {
  std::sort(ns.begin(), ns.end());
  state.counters["p50_ns"] = Percentile(ns, 50);
  state.counters["p99_ns"] = Percentile(ns, 99);
}

// Runs the measured loop, then `finish` (which stops helper threads and
// reaps helper processes), and reports the CPU time of the whole process
// tree per operation.
void Measure(
    benchmark::State &state, const std::function<void()> &op,
    const std::function<void()> &finish = [] {}) {
  int64_t cpu = CpuNs();
  for (auto _ : state)
    op();
  finish();
  state.counters["cpu_ns_per_op"] =
      static_cast<double>(CpuNs() - cpu) / static_cast<double>(state.iterations());
}

// Measure for round trips on each of ends in turn, each one timed for the
// percentiles.
void MeasureRoundTrips(benchmark::State &state, const std::vector<Endpoint *> &ends,
                       const std::function<void()> &finish) {
  std::vector<int64_t> ns;
  ns.reserve(static_cast<size_t>(state.max_iterations));
  size_t next = 0;
  Measure(
      state,
      [&] {
        int64_t start = NowNs();
        RoundTrip(state, ends[next]);
        ns.push_back(NowNs() - start);
        next = (next + 1) % ends.size();
      },
      finish);
  ReportPercentiles(state, ns);
}

void PingPongThreads(benchmark::State &state, Mode mode, bool packet, int extra_pairs) {
  Pair main = MakePair(mode, packet);
  std::vector<Pair> load;
  std::vector<std::thread> threads;
  std::atomic<bool> stop{false};
  threads.emplace_back(Echo, main.b.get());
  for (int i = 0; i < extra_pairs; i++) {
    load.push_back(MakePair(mode, packet));
    Pair &p = load.back();
    threads.emplace_back(Echo, p.b.get());
    threads.emplace_back([&stop, e = p.a.get()] {
      char c = 'l';
      while (!stop.load(std::memory_order_relaxed) && e->Write(&c, 1) && e->Read(&c, 1) == 1) {
      }
    });
  }
  MeasureRoundTrips(state, {main.a.get()}, [&] {
    stop = true;
    main.a->Shutdown();
    for (auto &p : load)
      p.a->Shutdown();
    for (auto &t : threads)
      t.join();
  });
}

void PingPongProcesses(benchmark::State &state, Mode mode, bool packet) {
  int fds[2];
  if (socketpair(AF_UNIX, (packet ? SOCK_SEQPACKET : SOCK_STREAM) | SOCK_CLOEXEC, 0, fds) < 0)
    abort();
  pid_t child = fork();
  if (child == 0) {
    close(fds[0]);
    Echo(Wrap(mode, fds[1]).get());
    _exit(0);
  }
  close(fds[1]);
  auto e = Wrap(mode, fds[0]);
  MeasureRoundTrips(state, {e.get()}, [&] {
    e->Shutdown();
    waitpid(child, nullptr, 0);
  });
}

// A blocked reader woken by one message every period_ns: ns/op is the
// delivery latency (set as manual time), CPU per message as everywhere.
void Sparse(benchmark::State &state, Mode mode, int64_t period_ns) {
  Pair p = MakePair(mode, /*packet=*/true);
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    int64_t next = NowNs();
    while (!stop.load(std::memory_order_relaxed)) {
      next += period_ns;
      struct timespec at = {static_cast<time_t>(next / 1000000000),
                            static_cast<long>(next % 1000000000)};
      clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, nullptr);
      int64_t sent = NowNs();
      if (!p.a->Write(&sent, sizeof sent))
        return;
    }
  });
  std::vector<int64_t> ns;
  ns.reserve(static_cast<size_t>(state.max_iterations));
  Measure(
      state,
      [&] {
        int64_t sent;
        if (p.b->Read(&sent, sizeof sent) != sizeof sent) {
          state.SkipWithError("read failed");
          return;
        }
        int64_t latency = NowNs() - sent;
        ns.push_back(latency);
        state.SetIterationTime(static_cast<double>(latency) / 1e9);
      },
      [&] {
        stop = true;
        p.b->Shutdown();
        writer.join();
      });
  ReportPercentiles(state, ns);
}

// 64 connections, each with an echo thread blocked in read; round trips on
// one connection at a time, in turn.
void Idle64(benchmark::State &state, Mode mode) {
  constexpr int kConnections = 64;
  std::vector<Pair> pairs;
  std::vector<Endpoint *> ends;
  std::vector<std::thread> threads;
  for (int i = 0; i < kConnections; i++) {
    pairs.push_back(MakePair(mode, false));
    ends.push_back(pairs.back().a.get());
    threads.emplace_back(Echo, pairs.back().b.get());
  }
  MeasureRoundTrips(state, ends, [&] {
    for (Endpoint *e : ends)
      e->Shutdown();
    for (auto &t : threads)
      t.join();
  });
}

void Bulk(benchmark::State &state, Mode mode) {
  Pair p = MakePair(mode, false);
  std::thread reader([&] {
    std::vector<char> buf(kBulkChunk);
    while (p.b->Read(buf.data(), buf.size()) > 0) {
    }
  });
  std::vector<char> chunk(kBulkChunk, 'b');
  Measure(
      state,
      [&] {
        if (!p.a->Write(chunk.data(), chunk.size()))
          state.SkipWithError("write failed");
      },
      [&] {
        p.a->Shutdown();
        reader.join();
      });
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kBulkChunk));
}

void FdPassing(benchmark::State &state, Mode mode, int count) {
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
    abort();
  std::vector<int> payload;
  for (int i = 0; i < count; i++)
    payload.push_back(open("/dev/null", O_RDONLY | O_CLOEXEC));
  char byte = 'f';
  struct iovec iov = {&byte, 1};
  if (mode == Mode::kRaw) {
    std::vector<char> control(CMSG_SPACE(count * sizeof(int)));
    Measure(state, [&] {
      struct msghdr out = {};
      out.msg_iov = &iov;
      out.msg_iovlen = 1;
      out.msg_control = control.data();
      out.msg_controllen = control.size();
      struct cmsghdr *h = CMSG_FIRSTHDR(&out);
      h->cmsg_level = SOL_SOCKET;
      h->cmsg_type = SCM_RIGHTS;
      h->cmsg_len = CMSG_LEN(count * sizeof(int));
      memcpy(CMSG_DATA(h), payload.data(), count * sizeof(int));
      if (sendmsg(fds[0], &out, MSG_NOSIGNAL) != 1)
        state.SkipWithError("sendmsg");
      struct msghdr in = {};
      in.msg_iov = &iov;
      in.msg_iovlen = 1;
      in.msg_control = control.data();
      in.msg_controllen = control.size();
      if (recvmsg(fds[1], &in, MSG_CMSG_CLOEXEC) != 1)
        state.SkipWithError("recvmsg");
      int got[UNET_MAX_FDS];
      memcpy(got, CMSG_DATA(CMSG_FIRSTHDR(&in)), count * sizeof(int));
      for (int i = 0; i < count; i++)
        close(got[i]);
    });
    close(fds[0]);
    close(fds[1]);
  } else {
    auto a = Wrap(mode, fds[0]), b = Wrap(mode, fds[1]);
    unet_socket_writer w;
    unet_socket_writer_init(&w, static_cast<UnetEndpoint *>(a.get())->socket(), true);
    unet_control_message_pack_fds(&w.control, payload.data(), count);
    unet_socket_reader r;
    unet_socket_reader_init(&r, static_cast<UnetEndpoint *>(b.get())->socket(), true);
    Measure(state, [&] {
      if (unet_socket_writer_writev(&w, &iov, 1) != 1)
        state.SkipWithError("writev");
      unet_control_message_enable_fds(&r.control, count);
      if (unet_socket_reader_readv(&r, &iov, 1) != 1)
        state.SkipWithError("readv");
      unet_control_message_close_fds(&r.control);
    });
  }
  for (int fd : payload)
    close(fd);
  state.SetItemsProcessed(state.iterations());
}

constexpr size_t kMessageBytes = 1 << 20;
constexpr int kMessageFds = 3;

// One message of kMessageBytes with kMessageFds fds on its first byte, as
// gVisor's lisafs and urpc frame them over a stream, written by hand as
// they write it (raw: sendmsg; c: libunet's writev, the control message
// dropped after the first chunk) or with the helper (c_helpers: write_all).
bool WriteMessage(Mode mode, Endpoint *e, const char *data, const int *fds) {
  size_t sent = 0;
  if (mode == Mode::kCHelpers) {
    unet_socket_writer w;
    unet_socket_writer_init(&w, static_cast<UnetEndpoint *>(e)->socket(), true);
    unet_control_message_pack_fds(&w.control, fds, kMessageFds);
    struct iovec iov = {const_cast<char *>(data), kMessageBytes};
    return unet_socket_writer_write_all(&w, &iov, 1, &sent) == kMessageBytes;
  }
  if (mode == Mode::kRaw) {
    int fd = static_cast<RawEndpoint *>(e)->fd();
    char control[CMSG_SPACE(kMessageFds * sizeof(int))];
    while (sent < kMessageBytes) {
      struct iovec iov = {const_cast<char *>(data) + sent, kMessageBytes - sent};
      struct msghdr m = {};
      m.msg_iov = &iov;
      m.msg_iovlen = 1;
      if (sent == 0) {
        m.msg_control = control;
        m.msg_controllen = sizeof(control);
        struct cmsghdr *h = CMSG_FIRSTHDR(&m);
        h->cmsg_level = SOL_SOCKET;
        h->cmsg_type = SCM_RIGHTS;
        h->cmsg_len = CMSG_LEN(kMessageFds * sizeof(int));
        memcpy(CMSG_DATA(h), fds, kMessageFds * sizeof(int));
      }
      ssize_t n = sendmsg(fd, &m, MSG_NOSIGNAL);
      if (n <= 0)
        return false;
      sent += static_cast<size_t>(n);
    }
    return true;
  }
  unet_socket_writer w;
  unet_socket_writer_init(&w, static_cast<UnetEndpoint *>(e)->socket(), true);
  unet_control_message_pack_fds(&w.control, fds, kMessageFds);
  while (sent < kMessageBytes) {
    struct iovec iov = {const_cast<char *>(data) + sent, kMessageBytes - sent};
    ssize_t n = unet_socket_writer_writev(&w, &iov, 1);
    if (n <= 0)
      return false;
    unet_control_message_unpack_fds(&w.control);  // Sent with the first chunk.
    sent += static_cast<size_t>(n);
  }
  return true;
}

// Reads one such message and closes its fds: by hand with room for the fds
// on the first read only (raw, c), or with read_full (c_helpers). False at
// the end of the stream.
bool ReadMessage(Mode mode, Endpoint *e, char *data) {
  int got[kMessageFds];
  int n_got = 0;
  size_t received = 0;
  if (mode == Mode::kRaw) {
    int fd = static_cast<RawEndpoint *>(e)->fd();
    char control[CMSG_SPACE(kMessageFds * sizeof(int))];
    while (received < kMessageBytes) {
      struct iovec iov = {data + received, kMessageBytes - received};
      struct msghdr m = {};
      m.msg_iov = &iov;
      m.msg_iovlen = 1;
      if (received == 0) {
        m.msg_control = control;
        m.msg_controllen = sizeof(control);
      }
      ssize_t n = recvmsg(fd, &m, MSG_CMSG_CLOEXEC);
      if (n <= 0)
        return false;
      if (received == 0 && m.msg_controllen >= CMSG_LEN(kMessageFds * sizeof(int))) {
        memcpy(got, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof(got));
        n_got = kMessageFds;
      }
      received += static_cast<size_t>(n);
    }
  } else {
    unet_socket_reader r;
    unet_socket_reader_init(&r, static_cast<UnetEndpoint *>(e)->socket(), true);
    unet_control_message_enable_fds(&r.control, kMessageFds);
    if (mode == Mode::kCHelpers) {
      struct iovec iov = {data, kMessageBytes};
      if (unet_socket_reader_read_full(&r, &iov, 1, &received) != kMessageBytes)
        return false;
      n_got = unet_control_message_take_fds(&r.control, got, kMessageFds);
    } else {
      while (received < kMessageBytes) {
        struct iovec iov = {data + received, kMessageBytes - received};
        ssize_t n = unet_socket_reader_readv(&r, &iov, 1);
        if (n <= 0)
          return false;
        if (received == 0) {
          n_got = unet_control_message_take_fds(&r.control, got, kMessageFds);
          unet_control_message_init(&r.control);  // No room after the first chunk.
        }
        received += static_cast<size_t>(n);
      }
    }
  }
  for (int i = 0; i < n_got; i++)
    close(got[i]);
  return n_got == kMessageFds;
}

void Message(benchmark::State &state, Mode mode) {
  Pair p = MakePair(mode, false);
  std::thread reader([&] {
    std::vector<char> buf(kMessageBytes);
    while (ReadMessage(mode, p.b.get(), buf.data())) {
    }
  });
  std::vector<char> data(kMessageBytes, 'm');
  int fds[kMessageFds];
  for (int &fd : fds)
    fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  Measure(
      state,
      [&] {
        if (!WriteMessage(mode, p.a.get(), data.data(), fds))
          state.SkipWithError("write failed");
      },
      [&] {
        p.a->Shutdown();
        reader.join();
      });
  for (int fd : fds)
    close(fd);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kMessageBytes));
}

void WrapperOverhead(benchmark::State &state, Mode mode) {
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, fds) < 0)
    abort();
  char byte = 'w';
  struct iovec iov = {&byte, 1};
  if (mode == Mode::kRaw) {
    // The very syscalls Go's unet and libunet make.
    Measure(state, [&] {
      struct msghdr m = {};
      m.msg_iov = &iov;
      m.msg_iovlen = 1;
      if (sendmsg(fds[0], &m, MSG_DONTWAIT | MSG_NOSIGNAL) != 1)
        state.SkipWithError("sendmsg");
      struct msghdr in = {};
      in.msg_iov = &iov;
      in.msg_iovlen = 1;
      if (recvmsg(fds[1], &in, MSG_DONTWAIT | MSG_TRUNC) != 1)
        state.SkipWithError("recvmsg");
    });
    close(fds[0]);
    close(fds[1]);
    return;
  }
  auto a = Wrap(mode, fds[0]), b = Wrap(mode, fds[1]);
  unet_socket_writer w;
  unet_socket_writer_init(&w, static_cast<UnetEndpoint *>(a.get())->socket(), false);
  unet_socket_reader r;
  unet_socket_reader_init(&r, static_cast<UnetEndpoint *>(b.get())->socket(), false);
  Measure(state, [&] {
    if (unet_socket_writer_writev(&w, &iov, 1) != 1)
      state.SkipWithError("writev");
    if (unet_socket_reader_readv(&r, &iov, 1) != 1)
      state.SkipWithError("readv");
  });
}

// Registers workload/mode, timed by the wall clock unless manual_time (the
// benchmark then sets each iteration's time itself).
benchmark::internal::Benchmark *Register(const std::string &workload, Mode mode,
                                         std::function<void(benchmark::State &)> fn,
                                         bool manual_time = false) {
  auto *b = benchmark::RegisterBenchmark((workload + "/" + ModeName(mode)).c_str(),
                                         [fn](benchmark::State &s) { fn(s); });
  if (manual_time)
    b->UseManualTime();
  else
    b->UseRealTime();
  if (const char *n = getenv("UNET_BENCH_ITERATIONS"))
    b->Iterations(atoll(n));
  return b;
}

// The sparse workloads' message counts: about 0.3 s at 1 ms and 10 ms, 3
// messages at 1 s (UNET_BENCH_ITERATIONS still overrides).
void RegisterSparse(const std::string &workload, int64_t period_ns, int64_t messages) {
  for (Mode m : {Mode::kC, Mode::kCAdaptive}) {
    auto *b = Register(
        workload, m, [=](benchmark::State &s) { Sparse(s, m, period_ns); }, true);
    if (!getenv("UNET_BENCH_ITERATIONS"))
      b->Iterations(messages);
  }
}

void RegisterAll() {
  const Mode all[] = {Mode::kRaw, Mode::kC, Mode::kCGoFootprint, Mode::kCSpin, Mode::kCAdaptive};
  for (Mode m : all) {
    for (bool packet : {false, true}) {
      std::string kind = packet ? "seqpacket" : "stream";
      Register("pingpong_threads_" + kind, m,
               [=](benchmark::State &s) { PingPongThreads(s, m, packet, 0); });
      Register("pingpong_processes_" + kind, m,
               [=](benchmark::State &s) { PingPongProcesses(s, m, packet); });
    }
    Register("pingpong_threads_stream_4pairs", m,
             [=](benchmark::State &s) { PingPongThreads(s, m, false, 3); });
    Register("pingpong_threads_stream_8pairs", m,
             [=](benchmark::State &s) { PingPongThreads(s, m, false, 7); });
  }
  RegisterSparse("sparse_1ms", 1000000, 300);
  RegisterSparse("sparse_10ms", 10000000, 30);
  RegisterSparse("sparse_1s", 1000000000, 3);
  for (Mode m : {Mode::kC, Mode::kCAdaptive})
    Register("idle_64conns", m, [=](benchmark::State &s) { Idle64(s, m); });
  for (Mode m : all)
    Register("bulk_64k_stream", m, [=](benchmark::State &s) { Bulk(s, m); });
  for (Mode m : {Mode::kRaw, Mode::kC, Mode::kCGoFootprint}) {
    Register("fds_1", m, [=](benchmark::State &s) { FdPassing(s, m, 1); });
    Register("fds_16", m, [=](benchmark::State &s) { FdPassing(s, m, 16); });
    Register("wrapper_nonblocking", m, [=](benchmark::State &s) { WrapperOverhead(s, m); });
  }
  for (Mode m : {Mode::kRaw, Mode::kC, Mode::kCHelpers})
    Register("message_1m_3fds", m, [=](benchmark::State &s) { Message(s, m); });
}

}  // namespace

int main(int argc, char **argv) {
  signal(SIGPIPE, SIG_IGN);
  RegisterAll();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
