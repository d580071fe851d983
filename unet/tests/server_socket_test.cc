// Servers and connections: Bind, BindAndListen, Connect, Accept, names and
// the Go package's failure cases.
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "testing/unet_fixture.h"

namespace {

using unet_testing::KindName;
using unet_testing::ServerSocketPtr;
using unet_testing::SocketPtr;
using unet_testing::TempSocketPath;
using unet_testing::UnetKindTest;
using unet_testing::UniqueAbstractName;

class ServerSocketTest : public UnetKindTest {
 protected:
  ServerSocketPtr Listen(const std::string &name) {
    unet_server_socket *s = nullptr;
    int r = unet_bind_and_listen(name.c_str(), packet(), &s);
    EXPECT_EQ(r, 0) << unet_strerror(r);
    return ServerSocketPtr(s);
  }
  SocketPtr Connect(const std::string &name) {
    unet_socket *s = nullptr;
    int r = unet_connect(name.c_str(), packet(), &s);
    EXPECT_EQ(r, 0) << unet_strerror(r);
    return SocketPtr(s);
  }
  SocketPtr Accept(unet_server_socket *server) {
    unet_socket *s = nullptr;
    int r = unet_server_socket_accept(server, &s);
    EXPECT_EQ(r, 0) << unet_strerror(r);
    return SocketPtr(s);
  }
};

TEST_P(ServerSocketTest, ConnectToMissingPathFails) {
  unet_socket *s = nullptr;
  EXPECT_EQ(unet_connect(TempSocketPath("missing").c_str(), packet(), &s), -ENOENT);
  EXPECT_EQ(s, nullptr);
}

TEST_P(ServerSocketTest, ConnectToEmptyNameFails) {
  unet_socket *s = nullptr;
  EXPECT_EQ(unet_connect("", packet(), &s), -EINVAL);
}

TEST_P(ServerSocketTest, BindToBadPathFails) {
  unet_server_socket *s = nullptr;
  EXPECT_EQ(unet_bind("/does/not/exist/sock", packet(), &s), -ENOENT);
  EXPECT_EQ(s, nullptr);
}

TEST_P(ServerSocketTest, BindNeverUnlinksAnExistingPath) {
  std::string path = TempSocketPath("taken");
  auto first = Listen(path);
  unet_server_socket *s = nullptr;
  EXPECT_EQ(unet_bind(path.c_str(), packet(), &s), -EADDRINUSE);
  unlink(path.c_str());
}

TEST_P(ServerSocketTest, NameOf108BytesIsRejected) {
  std::string name(108, 'n');
  unet_server_socket *s = nullptr;
  EXPECT_EQ(unet_bind(name.c_str(), packet(), &s), -EINVAL);
  unet_socket *c = nullptr;
  EXPECT_EQ(unet_connect(name.c_str(), packet(), &c), -EINVAL);
}

TEST_P(ServerSocketTest, AcceptsAndTalksOverAPath) {
  std::string path = TempSocketPath("talk");
  auto server = Listen(path);
  auto client = Connect(path);
  auto conn = Accept(server.get());
  ASSERT_EQ(unet_socket_write(client.get(), "ping", 4), 4);
  char buf[4];
  ASSERT_EQ(unet_socket_read(conn.get(), buf, 4), 4);
  EXPECT_EQ(std::string(buf, 4), "ping");
  unlink(path.c_str());
}

TEST_P(ServerSocketTest, AcceptsManyQueuedConnections) {
  std::string name = UniqueAbstractName();
  auto server = Listen(name);
  std::vector<SocketPtr> clients;
  for (int i = 0; i < UNET_LISTEN_BACKLOG; i++)
    clients.push_back(Connect(name));
  for (int i = 0; i < UNET_LISTEN_BACKLOG; i++)
    Accept(server.get());
}

TEST_P(ServerSocketTest, AbstractNameLeavesNoFile) {
  std::string name = UniqueAbstractName();
  auto server = Listen(name);
  auto client = Connect(name);
  auto conn = Accept(server.get());
  struct stat st;
  EXPECT_EQ(stat(name.c_str(), &st), -1);

  // GetSockName of the server side: family, NUL, then the name, no
  // trailing NUL (Go's encoding).
  char raw[sizeof(struct sockaddr_un)];
  ssize_t n = unet_socket_sock_name(conn.get(), raw, sizeof(raw));
  ASSERT_EQ(n, static_cast<ssize_t>(sizeof(sa_family_t) + name.size()));
  EXPECT_EQ(raw[2], '\0');
  EXPECT_EQ(std::string(raw + 3, n - 3), name.substr(1));
  // GetPeerName of the client is the same address; its own name is unnamed.
  char peer[sizeof(struct sockaddr_un)];
  ASSERT_EQ(unet_socket_peer_name(client.get(), peer, sizeof(peer)), n);
  EXPECT_EQ(memcmp(peer, raw, n), 0);
  EXPECT_EQ(unet_socket_sock_name(client.get(), raw, sizeof(raw)),
            static_cast<ssize_t>(sizeof(sa_family_t)));
}

TEST_P(ServerSocketTest, PathNameIncludesTheTrailingNul) {
  std::string path = TempSocketPath("name");
  unet_server_socket *raw_server = nullptr;
  ASSERT_EQ(unet_bind(path.c_str(), packet(), &raw_server), 0);
  ServerSocketPtr server(raw_server);
  ASSERT_EQ(unet_server_socket_listen(server.get()), 0);
  auto client = Connect(path);
  char raw[sizeof(struct sockaddr_un)];
  ssize_t n = unet_socket_peer_name(client.get(), raw, sizeof(raw));
  ASSERT_EQ(n, static_cast<ssize_t>(sizeof(sa_family_t) + path.size() + 1));
  EXPECT_STREQ(raw + 2, path.c_str());
  EXPECT_EQ(unet_socket_peer_name(client.get(), raw, 4), -ENOBUFS);
  unlink(path.c_str());
}

// This end's name, as the accepted connection reports it, and -ENOBUFS for
// a buffer short of it (left untouched).
TEST_P(ServerSocketTest, SockNameOfAnAcceptedConnection) {
  std::string path = TempSocketPath("sockname");
  unet_server_socket *raw_server = nullptr;
  ASSERT_EQ(unet_bind_and_listen(path.c_str(), packet(), &raw_server), 0);
  ServerSocketPtr server(raw_server);
  auto client = Connect(path);
  unet_socket *raw_accepted = nullptr;
  ASSERT_EQ(unet_server_socket_accept(server.get(), &raw_accepted), 0);
  unet_testing::SocketPtr accepted(raw_accepted);
  char raw[sizeof(struct sockaddr_un)];
  ASSERT_EQ(unet_socket_sock_name(accepted.get(), raw, sizeof(raw)),
            static_cast<ssize_t>(sizeof(sa_family_t) + path.size() + 1));
  EXPECT_STREQ(raw + 2, path.c_str());
  char short_buf[4] = {'u', 'n', 't', 'o'};
  EXPECT_EQ(unet_socket_sock_name(accepted.get(), short_buf, sizeof(short_buf)), -ENOBUFS);
  EXPECT_EQ(memcmp(short_buf, "unto", 4), 0);
  unlink(path.c_str());
}

// Nobody bound at the name: a path answers ENOENT, an abstract name
// ECONNREFUSED, as the kernel says (and Go's Connect).
TEST_P(ServerSocketTest, ConnectToNobodyIsTheKernelsError) {
  unet_socket *s = nullptr;
  std::string abstract = unet_testing::UniqueAbstractName();
  EXPECT_EQ(unet_connect(abstract.c_str(), packet(), &s), -ECONNREFUSED);
  std::string path = TempSocketPath("nobody");
  EXPECT_EQ(unet_connect(path.c_str(), packet(), &s), -ENOENT);
  EXPECT_EQ(s, nullptr);
}

TEST_P(ServerSocketTest, EmptyNameAutobindsToAnAbstractName) {
  unet_server_socket *raw_server = nullptr;
  ASSERT_EQ(unet_bind_and_listen("", packet(), &raw_server), 0);
  ServerSocketPtr server(raw_server);
  struct sockaddr_un addr;
  socklen_t len = sizeof(addr);
  ASSERT_EQ(getsockname(unet_server_socket_fd(server.get()),
                        reinterpret_cast<struct sockaddr *>(&addr), &len),
            0);
  EXPECT_GT(len, sizeof(sa_family_t));
  EXPECT_EQ(addr.sun_path[0], '\0');
}

TEST_P(ServerSocketTest, ServerCloseTwiceIsEbadf) {
  auto server = Listen(UniqueAbstractName());
  EXPECT_EQ(unet_server_socket_close(server.get()), 0);
  EXPECT_EQ(unet_server_socket_close(server.get()), -EBADF);
  EXPECT_EQ(unet_server_socket_fd(server.get()), -EBADF);
}

TEST_P(ServerSocketTest, AcceptAfterCloseIsEbadf) {
  auto server = Listen(UniqueAbstractName());
  ASSERT_EQ(unet_server_socket_close(server.get()), 0);
  unet_socket *s = nullptr;
  EXPECT_EQ(unet_server_socket_accept(server.get(), &s), -EBADF);
  EXPECT_EQ(unet_server_socket_listen(server.get()), -EBADF);
}

TEST_P(ServerSocketTest, AcceptWithoutListenIsEinval) {
  unet_server_socket *raw_server = nullptr;
  ASSERT_EQ(unet_bind(UniqueAbstractName().c_str(), packet(), &raw_server), 0);
  ServerSocketPtr server(raw_server);
  unet_socket *s = nullptr;
  EXPECT_EQ(unet_server_socket_accept(server.get(), &s), -EINVAL);
}

// shutdown(2) on the listening fd stops a blocked accept (the
// async-signal-safe way): -EINVAL, at once, no spinning on the hang-up; a
// later accept answers the same.
TEST_P(ServerSocketTest, ShutdownOfTheListeningFdEndsABlockedAccept) {
  auto server = Listen(UniqueAbstractName());
  auto accept = std::async(std::launch::async, [&] {
    unet_socket *s = nullptr;
    int r = unet_server_socket_accept(server.get(), &s);
    unet_socket_free(s);
    return r;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_EQ(shutdown(unet_server_socket_fd(server.get()), SHUT_RDWR), 0);
  if (accept.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
    ADD_FAILURE() << "accept still blocked (spinning) after the shutdown";
    EXPECT_EQ(unet_server_socket_close(server.get()), 0);  // Ends it.
  }
  EXPECT_EQ(accept.get(), -EINVAL);
  unet_socket *s = nullptr;
  EXPECT_EQ(unet_server_socket_accept_timeout(server.get(), INT64_MAX, &s), -EINVAL);
}

TEST_P(ServerSocketTest, ReleaseHandsOverTheListeningFd) {
  std::string name = UniqueAbstractName();
  auto server = Listen(name);
  int fd = unet_server_socket_release(server.get());
  ASSERT_GE(fd, 0);
  EXPECT_EQ(unet_server_socket_release(server.get()), -EBADF);
  unet_server_socket *again = nullptr;
  ASSERT_EQ(unet_server_socket_new(fd, &again), 0);
  ServerSocketPtr adopted(again);
  auto client = Connect(name);
  Accept(adopted.get());
}

TEST_P(ServerSocketTest, EverythingCreatedIsCloseOnExec) {
  std::string name = UniqueAbstractName();
  auto server = Listen(name);
  auto client = Connect(name);
  auto conn = Accept(server.get());
  for (int fd : {unet_server_socket_fd(server.get()), unet_socket_fd(client.get()),
                 unet_socket_fd(conn.get())}) {
    EXPECT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC) << fd;
    EXPECT_TRUE(fcntl(fd, F_GETFL) & O_NONBLOCK) << fd;
  }
  // The three eventfds too (this test opens no other).
  int eventfds = 0;
  for (int fd = 0; fd < 1024; fd++) {
    char link[64] = {};
    std::string path = "/proc/self/fd/" + std::to_string(fd);
    if (readlink(path.c_str(), link, sizeof(link) - 1) < 0)
      continue;
    if (std::string(link) != "anon_inode:[eventfd]")
      continue;
    eventfds++;
    EXPECT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC) << fd;
  }
  EXPECT_EQ(eventfds, 3);
}

// In the Go footprint too, every socket made is non-blocking (Go's
// NewSocket sets O_NONBLOCK on an accepted fd, which accept4 leaves
// blocking there) and, as in Go, not close-on-exec.
TEST_P(ServerSocketTest, GoFootprintSocketsAreNonBlocking) {
  ASSERT_EQ(unet_set_footprint(UNET_FOOTPRINT_GO), UNET_FOOTPRINT_DEFAULT);
  std::string name = UniqueAbstractName();
  auto server = Listen(name);
  auto client = Connect(name);
  auto conn = Accept(server.get());
  unet_set_footprint(UNET_FOOTPRINT_DEFAULT);
  for (int fd : {unet_server_socket_fd(server.get()), unet_socket_fd(client.get()),
                 unet_socket_fd(conn.get())}) {
    EXPECT_FALSE(fcntl(fd, F_GETFD) & FD_CLOEXEC) << fd;
    EXPECT_TRUE(fcntl(fd, F_GETFL) & O_NONBLOCK) << fd;
  }
}

INSTANTIATE_TEST_SUITE_P(Kinds, ServerSocketTest, ::testing::Bool(), KindName);

}  // namespace
