// The two syscall footprints as a program sees them: which fds are
// close-on-exec, what a reader starts with, which footprint a socket keeps,
// and the published table's shape. (Which syscalls each footprint makes is
// testing/seccomp's job.)
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

#include "testing/unet_fixture.h"

namespace {

using unet_testing::ServerSocketPtr;
using unet_testing::SocketPtr;
using unet_testing::TempSocketPath;
using unet_testing::UniqueFd;

bool CloseOnExec(int fd) { return (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0; }

// The close-on-exec flag of every eventfd this process has open.
std::vector<bool> EventfdsCloseOnExec() {
  std::vector<bool> flags;
  DIR *dir = opendir("/proc/self/fd");
  if (!dir)
    return flags;
  while (struct dirent *entry = readdir(dir)) {
    std::string link = std::string("/proc/self/fd/") + entry->d_name;
    char target[64] = {0};
    if (readlink(link.c_str(), target, sizeof(target) - 1) > 0 &&
        std::string(target) == "anon_inode:[eventfd]")
      flags.push_back(CloseOnExec(atoi(entry->d_name)));
  }
  closedir(dir);
  return flags;
}

class FootprintTest : public unet_testing::UnetTest {
 protected:
  void TearDown() override {
    EXPECT_GE(unet_set_footprint(UNET_FOOTPRINT_DEFAULT), 0);
    UnetTest::TearDown();
  }

  // A connected client and accepted socket on a fresh path.
  struct Connection {
    ServerSocketPtr server;
    SocketPtr client;
    SocketPtr accepted;
  };
  Connection Connect(const std::string &path) {
    Connection c;
    unet_server_socket *server;
    unet_socket *client, *accepted;
    EXPECT_EQ(unet_bind_and_listen(path.c_str(), false, &server), 0);
    c.server.reset(server);
    EXPECT_EQ(unet_connect(path.c_str(), false, &client), 0);
    c.client.reset(client);
    EXPECT_EQ(unet_server_socket_accept(server, &accepted), 0);
    c.accepted.reset(accepted);
    unlink(path.c_str());
    return c;
  }

  // Whether the connection's three sockets and their three eventfds (the
  // only eventfds open) are close-on-exec: all `expected`.
  static void ExpectCloseOnExec(const Connection &c, bool expected) {
    EXPECT_EQ(CloseOnExec(unet_server_socket_fd(c.server.get())), expected);
    EXPECT_EQ(CloseOnExec(unet_socket_fd(c.client.get())), expected);
    EXPECT_EQ(CloseOnExec(unet_socket_fd(c.accepted.get())), expected);
    EXPECT_EQ(EventfdsCloseOnExec(), std::vector<bool>(3, expected));
  }

  // The close-on-exec flag of an fd received on a fresh pair's reader.
  bool ReceivedFdCloseOnExec() {
    auto pair = unet_testing::MakeSocketPair(false);
    unet_socket_writer w;
    unet_socket_writer_init(&w, pair.a.get(), true);
    int fd = 0;
    EXPECT_EQ(unet_control_message_pack_fds(&w.control, &fd, 1), 0);
    struct iovec out = {const_cast<char *>("x"), 1};
    EXPECT_EQ(unet_socket_writer_writev(&w, &out, 1), 1);
    unet_socket_reader r;
    unet_socket_reader_init(&r, pair.b.get(), true);
    EXPECT_EQ(unet_control_message_enable_fds(&r.control, 1), 0);
    char c;
    struct iovec in = {&c, 1};
    EXPECT_EQ(unet_socket_reader_readv(&r, &in, 1), 1);
    int got = -1;
    EXPECT_EQ(unet_control_message_take_fds(&r.control, &got, 1), 1);
    UniqueFd owned(got);
    return CloseOnExec(got);
  }
};

TEST_F(FootprintTest, UnknownFootprintsAreRejected) {
  EXPECT_EQ(unet_set_footprint(2), -EINVAL);
  EXPECT_EQ(unet_set_footprint(-1), -EINVAL);
  EXPECT_EQ(unet_set_footprint(UNET_FOOTPRINT_GO), UNET_FOOTPRINT_DEFAULT);
  EXPECT_EQ(unet_set_footprint(INT32_MIN), -EINVAL);
  EXPECT_EQ(unet_set_footprint(UNET_FOOTPRINT_DEFAULT), UNET_FOOTPRINT_GO);
}

TEST_F(FootprintTest, DefaultFootprintMakesEveryFdCloseOnExec) {
  ExpectCloseOnExec(Connect(TempSocketPath("default")), true);
  EXPECT_TRUE(ReceivedFdCloseOnExec());
}

// Go's unet: socket(type, 0), eventfd2(0, 0), accept4(..., 0), recvmsg
// without MSG_CMSG_CLOEXEC. Only socketpair's fds are close-on-exec.
TEST_F(FootprintTest, GoFootprintInheritsAsGoDoes) {
  ASSERT_EQ(unet_set_footprint(UNET_FOOTPRINT_GO), UNET_FOOTPRINT_DEFAULT);
  ExpectCloseOnExec(Connect(TempSocketPath("go")), false);
  EXPECT_FALSE(ReceivedFdCloseOnExec());
  auto pair = unet_testing::MakeSocketPair(true);
  EXPECT_TRUE(CloseOnExec(unet_socket_fd(pair.a.get())));
}

TEST_F(FootprintTest, ReadersStartWithTheirSocketsFootprint) {
  auto plain = unet_testing::MakeSocketPair(false);
  ASSERT_EQ(unet_set_footprint(UNET_FOOTPRINT_GO), UNET_FOOTPRINT_DEFAULT);
  auto go = unet_testing::MakeSocketPair(false);
  unet_socket_reader r;
  unet_socket_reader_init(&r, go.a.get(), true);
  EXPECT_TRUE(r.inheritable_fds);
  unet_socket_reader_init(&r, plain.a.get(), true);
  EXPECT_FALSE(r.inheritable_fds);
  unet_socket_reader_init(&r, nullptr, true);
  EXPECT_FALSE(r.inheritable_fds);
}

// The footprint is read when a socket object is made; an accepted socket
// takes its server's, whatever the process says by then.
TEST_F(FootprintTest, SocketsKeepTheFootprintTheyWereMadeWith) {
  std::string path = TempSocketPath("keep");
  ASSERT_EQ(unet_set_footprint(UNET_FOOTPRINT_GO), UNET_FOOTPRINT_DEFAULT);
  unet_server_socket *server;
  ASSERT_EQ(unet_bind_and_listen(path.c_str(), false, &server), 0);
  ServerSocketPtr owned(server);
  ASSERT_EQ(unet_set_footprint(UNET_FOOTPRINT_DEFAULT), UNET_FOOTPRINT_GO);
  unet_socket *client, *accepted;
  ASSERT_EQ(unet_connect(path.c_str(), false, &client), 0);
  SocketPtr owned_client(client);
  ASSERT_EQ(unet_server_socket_accept(server, &accepted), 0);
  SocketPtr owned_accepted(accepted);
  unlink(path.c_str());
  EXPECT_TRUE(CloseOnExec(unet_socket_fd(client)));
  EXPECT_FALSE(CloseOnExec(unet_socket_fd(accepted)));
}

// unet_socket_new on an fd made elsewhere: the fd keeps its own flag in
// either footprint; the footprint decides the eventfd's.
TEST_F(FootprintTest, WrappedFdsKeepTheirFlags) {
  ASSERT_EQ(unet_set_footprint(UNET_FOOTPRINT_GO), UNET_FOOTPRINT_DEFAULT);
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
  UniqueFd other(fds[1]);
  unet_socket *s;
  ASSERT_EQ(unet_socket_new(fds[0], &s), 0);
  SocketPtr owned(s);
  EXPECT_TRUE(CloseOnExec(fds[0]));
  EXPECT_EQ(EventfdsCloseOnExec(), std::vector<bool>{false});
}

TEST(SyscallTableTest, EveryRuleIsComplete) {
  for (int footprint : {UNET_FOOTPRINT_DEFAULT, UNET_FOOTPRINT_GO}) {
    size_t count = 0;
    const unet_syscall_rule *r;
    for (; (r = unet_syscall_rule_at(footprint, count)); count++) {
      ASSERT_NE(r->name, nullptr);
      EXPECT_GE(r->nr, 0) << r->name;
      EXPECT_NE(r->used_by, nullptr) << r->name;
      EXPECT_GT(strlen(r->used_by), 0u) << r->name;
      ASSERT_NE(r->call, nullptr) << r->name;
      EXPECT_EQ(std::string(r->call).rfind(std::string(r->name) + "(", 0), 0u) << r->call;
      EXPECT_EQ(r->args_checked & ~0x3fu, 0u) << r->call;
      for (int i = 0; i < 6; i++) {
        if (!(r->args_checked & (1u << i))) {
          EXPECT_EQ(r->args[i], 0u) << r->call;
        }
      }
    }
    EXPECT_GT(count, 20u);
    EXPECT_EQ(unet_syscall_rule_at(footprint, SIZE_MAX), nullptr);
  }
  EXPECT_EQ(unet_syscall_rule_at(2, 0), nullptr);
  EXPECT_EQ(unet_syscall_rule_at(-1, 0), nullptr);
}

// The rows name the flags a footprint is about.
TEST(SyscallTableTest, FootprintsDifferWhereGoDoes) {
  auto calls = [](int footprint) {
    std::string all;
    const unet_syscall_rule *r;
    for (size_t i = 0; (r = unet_syscall_rule_at(footprint, i)); i++)
      all += std::string(r->call) + (r->beyond_go ? " +\n" : "\n");
    return all;
  };
  std::string go = calls(UNET_FOOTPRINT_GO), plain = calls(UNET_FOOTPRINT_DEFAULT);
  EXPECT_NE(go.find("eventfd2(0, 0)\n"), std::string::npos) << go;
  EXPECT_NE(go.find("socket(AF_UNIX, SOCK_STREAM, 0)\n"), std::string::npos) << go;
  EXPECT_NE(go.find("accept4(ANY, ANY, ANY, 0)\n"), std::string::npos) << go;
  EXPECT_NE(go.find("recvmsg(ANY, ANY, MSG_DONTWAIT | MSG_TRUNC)\n"), std::string::npos) << go;
  EXPECT_EQ(go.find("EFD_CLOEXEC"), std::string::npos) << go;
  EXPECT_NE(plain.find("eventfd2(0, EFD_CLOEXEC | EFD_NONBLOCK) +\n"), std::string::npos) << plain;
  EXPECT_EQ(plain.find("eventfd2(0, 0)"), std::string::npos) << plain;
}

}  // namespace
