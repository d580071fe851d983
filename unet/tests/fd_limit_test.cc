// Every function that makes fds, run with 0, 1, 2... free fd numbers below
// RLIMIT_NOFILE, in both footprints: where it fails it answers -EMFILE (or
// the kernel's errno) and leaves no fd behind, whichever of its fds (the
// socket, its eventfd, an accepted connection, a pidfd) was the one that no
// longer fit; where it succeeds, what it made closes cleanly. The fixture
// counts the process's fds after each case.
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "testing/fd_census.h"
#include "testing/unet_fixture.h"

namespace {

using unet_testing::UnetTest;
using unet_testing::UniqueFd;
using unet_testing::WithFreeFds;

// The most fds any case below makes in one call (socketpair: two sockets,
// two eventfds), plus one to see it succeed.
constexpr int kMostFree = 5;

// What to run for one function: `prepare` outside the limit (a listener,
// a pending connection), `attempt` under it, returning the call's result
// after freeing what a success made.
struct Case {
  std::string name;
  std::function<int(const std::string &)> attempt;
};

int FreeSocket(int r, unet_socket *s) {
  if (r == 0)
    unet_socket_free(s);
  return r;
}

int FreeServer(int r, unet_server_socket *s) {
  if (r == 0)
    unet_server_socket_free(s);
  return r;
}

std::vector<Case> Cases() {
  return {
      {"socket_new",
       [](const std::string &) {
         int fds[2];
         if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
           return -errno;
         UniqueFd keep(fds[1]);
         unet_socket *s = nullptr;
         int r = unet_socket_new(fds[0], &s);
         if (r < 0)
           close(fds[0]);  // Still the caller's on failure.
         return FreeSocket(r, s);
       }},
      {"socketpair",
       [](const std::string &) {
         unet_socket *a = nullptr, *b = nullptr;
         int r = unet_socketpair(true, &a, &b);
         if (r == 0)
           unet_socket_free(b);
         return FreeSocket(r, a);
       }},
      {"bind",
       [](const std::string &name) {
         unet_server_socket *s = nullptr;
         int r = unet_bind(name.c_str(), false, &s);
         return FreeServer(r, s);
       }},
      {"bind_mode",
       [](const std::string &name) {
         unet_server_socket *s = nullptr;
         int r = unet_bind_mode(name.c_str(), false, 0600, &s);
         return FreeServer(r, s);
       }},
      {"bind_and_listen",
       [](const std::string &name) {
         unet_server_socket *s = nullptr;
         int r = unet_bind_and_listen(name.c_str(), true, &s);
         return FreeServer(r, s);
       }},
  };
}

std::string FreshName(const std::string &dir, int n) { return dir + "/s" + std::to_string(n); }

class FdLimitTest : public UnetTest, public ::testing::WithParamInterface<int> {
 protected:
  void SetUp() override {
    UnetTest::SetUp();
    if (getenv("LIBUNET_UNDER_VALGRIND"))
      GTEST_SKIP() << "valgrind keeps fds of its own near RLIMIT_NOFILE";
    ASSERT_EQ(unet_set_footprint(GetParam()), 0);
    dir_ = unet_testing::TempSocketPath("fd-limit");
    ASSERT_EQ(mkdir(dir_.c_str(), 0700), 0);
  }
  void TearDown() override {
    unet_set_footprint(UNET_FOOTPRINT_DEFAULT);
    std::string command = "rm -rf '" + dir_ + "'";
    EXPECT_EQ(system(command.c_str()), 0);
    UnetTest::TearDown();
  }

  // Runs f at every number of free fds until it succeeds: each failure
  // must be -EMFILE and leave the fd count as it was.
  // before and after (optional) run outside the limit, around each f.
  void Sweep(const std::string &what, const std::function<int(int)> &f,
             const std::function<void()> &before_each = nullptr,
             const std::function<void()> &after_each = nullptr) {
    bool succeeded = false;
    for (int free_fds = 0; free_fds <= kMostFree && !succeeded; free_fds++) {
      int before = fd_census();
      if (before_each)
        before_each();
      int r = WithFreeFds(free_fds, [&] { return f(free_fds); });
      if (after_each)
        after_each();
      EXPECT_TRUE(r == 0 || r == -EMFILE)
          << what << " with " << free_fds << " free fds: " << unet_strerror(r);
      EXPECT_EQ(fd_census(), before) << what << " with " << free_fds << " free fds left fds";
      succeeded = r == 0;
    }
    EXPECT_TRUE(succeeded) << what << " never succeeded";
  }

  std::string dir_;
  int names_ = 0;
};

// One name per function across its sweep: a failed bind must leave no
// socket file behind, or the next attempt answers -EADDRINUSE.
TEST_P(FdLimitTest, CreatingFunctionsLeakNothing) {
  for (const Case &c : Cases()) {
    std::string name = FreshName(dir_, names_++);
    Sweep(c.name, [&](int) { return c.attempt(name); });
  }
}

// No fd left for the eventfd: the server fd stays the caller's, untouched.
TEST_P(FdLimitTest, ServerSocketNewWithoutAnFdIsEmfile) {
  UniqueFd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  ASSERT_GE(fd.get(), 0);
  unet_server_socket *s = nullptr;
  EXPECT_EQ(WithFreeFds(0, [&] { return unet_server_socket_new(fd.get(), &s); }), -EMFILE);
  EXPECT_EQ(s, nullptr);
  EXPECT_EQ(fcntl(fd.get(), F_GETFL) & O_NONBLOCK, 0);
}

TEST_P(FdLimitTest, ConnectLeaksNothing) {
  std::string name = FreshName(dir_, names_++);
  unet_server_socket *server = nullptr;
  ASSERT_EQ(unet_bind_and_listen(name.c_str(), false, &server), 0);
  for (int64_t timeout : {int64_t{0}, int64_t{1000000000}}) {
    Sweep("connect, timeout " + std::to_string(timeout), [&](int) {
      unet_socket *s = nullptr;
      // Its own statement: the order in which arguments are evaluated is
      // unspecified (gcc read s before the call wrote it).
      int r = unet_connect_timeout(name.c_str(), false, timeout, &s);
      r = FreeSocket(r, s);
      // A connection that made it to the backlog is taken off again.
      unet_socket *accepted = nullptr;
      if (r == 0 && unet_server_socket_accept(server, &accepted) == 0)
        unet_socket_free(accepted);
      return r;
    });
  }
  unet_server_socket_free(server);
}

TEST_P(FdLimitTest, AcceptLeaksNothing) {
  std::string name = FreshName(dir_, names_++);
  unet_server_socket *server = nullptr;
  ASSERT_EQ(unet_bind_and_listen(name.c_str(), false, &server), 0);
  // A fresh pending connection for each attempt, made before the limit: a
  // failed accept closes the one it took (as Go's does).
  unet_socket *client = nullptr;
  auto connect = [&] { ASSERT_EQ(unet_connect(name.c_str(), false, &client), 0); };
  auto disconnect = [&] { unet_socket_free(std::exchange(client, nullptr)); };
  for (int64_t timeout : {int64_t{0}, int64_t{1000000000}}) {
    Sweep(
        "accept, timeout " + std::to_string(timeout),
        [&](int) {
          unet_socket *s = nullptr;
          int r = unet_server_socket_accept_timeout(server, timeout, &s);
          return FreeSocket(r, s);
        },
        connect, disconnect);
  }
  unet_server_socket_free(server);
}

TEST_P(FdLimitTest, PeerPidfdLeaksNothing) {
  auto pair = unet_testing::MakeSocketPair(false);
  Sweep("peer_pidfd", [&](int) {
    int fd = unet_socket_peer_pidfd(pair.a.get());
    if (fd == -EINVAL || fd == -ENOPROTOOPT)
      return 0;  // A kernel without SO_PEERPIDFD: nothing to leak.
    if (fd >= 0)
      close(fd);
    return fd < 0 ? fd : 0;
  });
  Sweep("check_peer", [&](int) {
    int pidfd = -1;
    int r = unet_socket_check_peer(pair.a.get(), UNET_ANY_ID, UNET_ANY_ID, &pidfd);
    if (r == -EINVAL || r == -ENOPROTOOPT)
      return 0;
    if (r == 0)
      close(pidfd);
    return r;
  });
}

std::string FootprintName(const ::testing::TestParamInfo<int> &info) {
  return info.param == UNET_FOOTPRINT_GO ? "GoFootprint" : "DefaultFootprint";
}

INSTANTIATE_TEST_SUITE_P(Footprints, FdLimitTest,
                         ::testing::Values(UNET_FOOTPRINT_DEFAULT, UNET_FOOTPRINT_GO),
                         FootprintName);

}  // namespace
