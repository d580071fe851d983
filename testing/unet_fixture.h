// Shared GoogleTest support for libunet: RAII owners for sockets and fds, and
// a fixture that fails any test that leaves an fd open.
#ifndef LIBUNET_TESTING_UNET_FIXTURE_H_
#define LIBUNET_TESTING_UNET_FIXTURE_H_

#include <sys/types.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "gtest/gtest.h"
#include "unet/unet.h"

namespace unet_testing {

struct SocketDeleter {
  void operator()(unet_socket *s) const { unet_socket_free(s); }
};
struct ServerSocketDeleter {
  void operator()(unet_server_socket *s) const { unet_server_socket_free(s); }
};
using SocketPtr = std::unique_ptr<unet_socket, SocketDeleter>;
using ServerSocketPtr = std::unique_ptr<unet_server_socket, ServerSocketDeleter>;

// Owns one fd; closes it on destruction.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd &&other) noexcept : fd_(other.release()) {}
  UniqueFd &operator=(UniqueFd &&other) noexcept {
    reset(other.release());
    return *this;
  }
  ~UniqueFd() { reset(); }
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

// A connected pair, stream or seqpacket.
struct SocketPair {
  SocketPtr a;
  SocketPtr b;
};
// Creates a pair or fails the current test (check with ASSERT_NO_FATAL_FAILURE).
SocketPair MakeSocketPair(bool packet);

// A fresh, short socket path under /tmp; the test unlinks what it binds.
std::string TempSocketPath(const std::string &name);

// A unique abstract name ("@libunet-test-<pid>-<n>").
std::string UniqueAbstractName();

// The pid a pidfd refers to, from /proc/self/fdinfo ("Pid:"), or -1.
pid_t PidOfPidfd(int pidfd);

// The emulator the tests run under (LIBUNET_EMULATOR, set by --config=m32:
// "qemu-i386"), or nullptr when they run natively.
const char *Emulator();

// Runs attempt with exactly free_fds fd numbers free below RLIMIT_NOFILE:
// every lower number is taken (fillers of /dev/null fill the holes), the
// soft limit is lowered, then put back before returning attempt's result
// (or -errno when the set-up failed). Under valgrind, which keeps fds of its
// own near the limit, the limit cannot be trusted: tests skip there.
int WithFreeFds(int free_fds, const std::function<int()> &attempt);

// Ends a forked child with _exit(code), first writing its coverage profile
// when built with --config=coverage (_exit skips the runtime's own dump).
[[noreturn]] void ExitChild(int code);

// Fixture: the number of open fds after the test equals the number before.
class UnetTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

 private:
  int fds_before_ = -1;
};

// The same, parameterised by socket kind (true = SOCK_SEQPACKET).
class UnetKindTest : public UnetTest, public ::testing::WithParamInterface<bool> {
 protected:
  bool packet() const { return GetParam(); }
};

std::string KindName(const ::testing::TestParamInfo<bool> &info);

}  // namespace unet_testing

#endif  // LIBUNET_TESTING_UNET_FIXTURE_H_
