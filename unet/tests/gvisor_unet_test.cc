// gVisor's own pkg/unet/unet_test.go (google/gvisor), ported to libunet one
// test per Go test, with the same names and Go's expectations unchanged, so
// the two files can be read side by side. A program ported from Go call by
// call must pass these as the Go package passes them.
//
// The ports differ from the Go file only where C must: errors are negative
// codes instead of error values, slices are arrays with counts, and Go's
// randomFilename (a relative path under the temp dir, never unlinked) is a
// unique /tmp path that each test unlinks. Every test also checks, through the
// fixture, that no fd leaked.
#include <errno.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "testing/fd_census.h"
#include "testing/unet_fixture.h"

namespace {

using unet_testing::ServerSocketPtr;
using unet_testing::SocketPtr;
using unet_testing::TempSocketPath;
using unet_testing::UnetTest;

// Go's backlog constant.
constexpr int kBacklog = UNET_LISTEN_BACKLOG;

class GvisorUnetTest : public UnetTest {
 protected:
  void TearDown() override {
    for (const std::string &path : paths_)
      unlink(path.c_str());
    UnetTest::TearDown();
  }

  // Go's randomFilename: a name nothing is bound to yet.
  std::string RandomFilename() {
    paths_.push_back(TempSocketPath("gvisor"));
    return paths_.back();
  }

  // Go's socketPair: binds a server, accepts a client in another thread, and
  // returns (server, client); the listening socket is closed again.
  void MakeSocketPair(bool packet, SocketPtr *server, SocketPtr *client) {
    std::string name = RandomFilename();
    unet_server_socket *raw = nullptr;
    ASSERT_EQ(unet_bind_and_listen(name.c_str(), packet, &raw), 0) << "error binding";
    ServerSocketPtr ss(raw);

    unet_socket *accepted = nullptr;
    int accept_err = 0;
    std::thread acceptor([&] { accept_err = unet_server_socket_accept(ss.get(), &accepted); });

    unet_socket *connected = nullptr;
    int r = unet_connect(name.c_str(), packet, &connected);
    acceptor.join();
    ASSERT_EQ(r, 0) << "error connecting: " << unet_strerror(r);
    client->reset(connected);
    ASSERT_EQ(accept_err, 0) << "accept error: " << unet_strerror(accept_err);
    server->reset(accepted);
  }

  // The body of Go's TestSendRecv and TestSymmetric: 'a' written on `from`
  // with WriteVec is what ReadVec reads on `to`.
  static void SendOneByte(unet_socket *from, unet_socket *to) {
    unet_socket_writer w;
    unet_socket_writer_init(&w, from, true);
    char a = 'a';
    struct iovec out = {&a, 1};
    ASSERT_EQ(unet_socket_writer_writev(&w, &out, 1), 1) << "for write";

    char b = 'b';
    struct iovec in = {&b, 1};
    unet_socket_reader r;
    unet_socket_reader_init(&r, to, true);
    ASSERT_EQ(unet_socket_reader_readv(&r, &in, 1), 1) << "for read";
    EXPECT_EQ(b, 'a') << "got bad read data";
  }

  // Go's sendFDs: one byte 'a' with fds attached.
  static void SendFds(unet_socket *s, const std::vector<int> &fds) {
    unet_socket_writer w;
    unet_socket_writer_init(&w, s, true);
    ASSERT_EQ(unet_control_message_pack_fds(&w.control, fds.data(), static_cast<int>(fds.size())),
              0);
    char a = 'a';
    struct iovec iov = {&a, 1};
    ASSERT_EQ(unet_socket_writer_writev(&w, &iov, 1), 1) << "for write";
  }

  // Go's recvFDs: reads one byte with room for enable_size fds (none enabled
  // when negative), checks that exactly orig_fds.size() fds arrived, that
  // ExtractFDs lists them, then that CloseFDs closes them all.
  static void RecvFds(unet_socket *s, int enable_size, const std::vector<int> &orig_fds) {
    int expected = static_cast<int>(orig_fds.size());
    int pre_entries = fd_census();

    char b = 'b';
    struct iovec iov = {&b, 1};
    unet_socket_reader r;
    unet_socket_reader_init(&r, s, true);
    if (enable_size >= 0)
      unet_control_message_enable_fds(&r.control, enable_size);
    ASSERT_EQ(unet_socket_reader_readv(&r, &iov, 1), 1) << "for client read";
    ASSERT_EQ(b, 'a') << "got bad read data";

    int post_entries = fd_census();
    EXPECT_EQ(post_entries, pre_entries + expected) << "process fd count isn't right";

    int fds[UNET_MAX_FDS + 1];
    int n = unet_control_message_extract_fds(&r.control, fds, UNET_MAX_FDS + 1);
    ASSERT_EQ(n, expected) << unet_strerror(n);

    for (int i = 0; i < n; i++)
      EXPECT_NE(fds[i], orig_fds[i]) << "got original fd for index " << i;
    for (int i = 0; i < n; i++) {
      struct stat st;
      EXPECT_EQ(fstat(fds[i], &st), 0) << "fds[" << i << "] can't be stated";
    }

    unet_control_message_close_fds(&r.control);

    EXPECT_EQ(fd_census(), pre_entries) << "process fd count isn't right";
  }

  // Go's newClosedSocket: NewSocket on a fresh socket, then Close.
  static SocketPtr NewClosedSocket() {
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    EXPECT_GE(fd, 0);
    unet_socket *s = nullptr;
    int r = unet_socket_new(fd, &s);
    EXPECT_EQ(r, 0);
    if (r < 0) {
      close(fd);
      return nullptr;
    }
    EXPECT_EQ(unet_socket_close(s), 0);
    return SocketPtr(s);
  }

 private:
  std::vector<std::string> paths_;
};

TEST_F(GvisorUnetTest, ConnectFailure) {
  std::string name = RandomFilename();
  unet_socket *s = nullptr;
  EXPECT_LT(unet_connect(name.c_str(), false, &s), 0) << "connect was successful, expected err";
}

TEST_F(GvisorUnetTest, BindFailure) {
  std::string name = RandomFilename();
  unet_server_socket *raw = nullptr;
  ASSERT_EQ(unet_bind_and_listen(name.c_str(), false, &raw), 0) << "first bind failed";
  ServerSocketPtr ss(raw);

  unet_server_socket *second = nullptr;
  EXPECT_LT(unet_bind_and_listen(name.c_str(), false, &second), 0)
      << "second bind succeeded, expected non-nil err";
}

TEST_F(GvisorUnetTest, MultipleAccept) {
  std::string name = RandomFilename();
  unet_server_socket *raw = nullptr;
  ASSERT_EQ(unet_bind_and_listen(name.c_str(), false, &raw), 0) << "first bind failed";
  ServerSocketPtr ss(raw);

  // Connect backlog times asynchronously.
  std::vector<std::thread> connectors;
  for (int i = 0; i < kBacklog; i++) {
    connectors.emplace_back([&] {
      unet_socket *s = nullptr;
      EXPECT_EQ(unet_connect(name.c_str(), false, &s), 0) << "connect failed";
      unet_socket_free(s);
    });
  }

  // Accept backlog times.
  for (int i = 0; i < kBacklog; i++) {
    unet_socket *s = nullptr;
    int r = unet_server_socket_accept(ss.get(), &s);
    EXPECT_EQ(r, 0) << "accept failed: " << unet_strerror(r);
    unet_socket_free(s);
  }
  for (std::thread &t : connectors)
    t.join();
}

TEST_F(GvisorUnetTest, ServerClose) {
  std::string name = RandomFilename();
  unet_server_socket *raw = nullptr;
  ASSERT_EQ(unet_bind_and_listen(name.c_str(), false, &raw), 0) << "first bind failed";
  ServerSocketPtr ss(raw);

  // Make sure the first close succeeds.
  EXPECT_EQ(unet_server_socket_close(ss.get()), 0) << "first close failed";
  // The second one should fail.
  EXPECT_LT(unet_server_socket_close(ss.get()), 0) << "second close succeeded";
}

TEST_F(GvisorUnetTest, SendRecv) {
  SocketPtr server, client;
  ASSERT_NO_FATAL_FAILURE(MakeSocketPair(false, &server, &client));

  // Write on the client, read on the server.
  SendOneByte(client.get(), server.get());
}

// TestSymmetric asserts that the two sockets of socketPair are
// interchangeable: TestSendRecv backwards.
TEST_F(GvisorUnetTest, Symmetric) {
  SocketPtr server, client;
  ASSERT_NO_FATAL_FAILURE(MakeSocketPair(false, &server, &client));

  // Write on the server, read on the client.
  SendOneByte(server.get(), client.get());
}

TEST_F(GvisorUnetTest, Packet) {
  SocketPtr server, client;
  ASSERT_NO_FATAL_FAILURE(MakeSocketPair(true, &server, &client));

  // Write on the client, twice.
  char a = 'a';
  struct iovec out = {&a, 1};
  for (int i = 0; i < 2; i++) {
    unet_socket_writer w;
    unet_socket_writer_init(&w, client.get(), true);
    ASSERT_EQ(unet_socket_writer_writev(&w, &out, 1), 1) << "for client write";
  }

  // Read on the server, twice: a single byte each time despite the buffer of
  // two, because it's a packet socket.
  char b[2] = {'b', 'b'};
  struct iovec in = {b, sizeof(b)};
  for (int i = 0; i < 2; i++) {
    unet_socket_reader r;
    unet_socket_reader_init(&r, server.get(), true);
    ASSERT_EQ(unet_socket_reader_readv(&r, &in, 1), 1) << "for server read";
    EXPECT_EQ(b[0], 'a') << "got bad read data";
  }
}

TEST_F(GvisorUnetTest, Close) {
  SocketPtr server, client;
  ASSERT_NO_FATAL_FAILURE(MakeSocketPair(false, &server, &client));

  // Make sure the first close succeeds.
  EXPECT_EQ(unet_socket_close(client.get()), 0) << "first close failed";
  // The second one should fail.
  EXPECT_LT(unet_socket_close(client.get()), 0) << "second close succeeded";
}

TEST_F(GvisorUnetTest, NonBlockingSend) {
  SocketPtr server, client;
  ASSERT_NO_FATAL_FAILURE(MakeSocketPair(false, &server, &client));

  // Try up to 1000 writes, of 1000 bytes.
  int block_count = 0;
  std::vector<char> buf(1000);
  struct iovec out = {buf.data(), buf.size()};
  for (int i = 0; i < 1000; i++) {
    unet_socket_writer w;
    unet_socket_writer_init(&w, client.get(), false);
    ssize_t n = unet_socket_writer_writev(&w, &out, 1);
    if (n == 1000)
      continue;
    // EAGAIN is what we wanted (EWOULDBLOCK is the same code on Linux).
    ASSERT_EQ(n, -EAGAIN) << "for client write, expected n=1000";
    block_count++;
  }

  EXPECT_NE(block_count, 1000) << "socket always blocked!";
  EXPECT_NE(block_count, 0) << "socket never blocked!";
}

TEST_F(GvisorUnetTest, NonBlockingRecv) {
  SocketPtr server, client;
  ASSERT_NO_FATAL_FAILURE(MakeSocketPair(false, &server, &client));

  char b = 'b';
  struct iovec iov = {&b, 1};
  unet_socket_reader r;
  unet_socket_reader_init(&r, client.get(), false);

  // Expected to block immediately.
  EXPECT_EQ(unet_socket_reader_readv(&r, &iov, 1), -EAGAIN) << "read didn't block";

  // Put some data in the pipe.
  unet_socket_writer w;
  unet_socket_writer_init(&w, server.get(), false);
  ASSERT_EQ(unet_socket_writer_writev(&w, &iov, 1), 1) << "write failed";

  // Expect it not to block.
  EXPECT_EQ(unet_socket_reader_readv(&r, &iov, 1), 1) << "read failed";

  // Expect it to return a block error again.
  unet_socket_reader_init(&r, client.get(), false);
  EXPECT_EQ(unet_socket_reader_readv(&r, &iov, 1), -EAGAIN) << "read didn't block";
}

TEST_F(GvisorUnetTest, RecvVectors) {
  SocketPtr server, client;
  ASSERT_NO_FATAL_FAILURE(MakeSocketPair(false, &server, &client));

  // Write on the client.
  char ab[2] = {'a', 'b'};
  struct iovec out = {ab, 2};
  unet_socket_writer w;
  unet_socket_writer_init(&w, client.get(), true);
  ASSERT_EQ(unet_socket_writer_writev(&w, &out, 1), 2) << "for client write";

  // Read on the server, into two buffers.
  char c0 = 'c', c1 = 'c';
  struct iovec in[2] = {{&c0, 1}, {&c1, 1}};
  unet_socket_reader r;
  unet_socket_reader_init(&r, server.get(), true);
  ASSERT_EQ(unet_socket_reader_readv(&r, in, 2), 2) << "for server read";
  EXPECT_TRUE(c0 == 'a' && c1 == 'b') << "got bad read data, got " << c0 << "," << c1;
}

TEST_F(GvisorUnetTest, SendVectors) {
  SocketPtr server, client;
  ASSERT_NO_FATAL_FAILURE(MakeSocketPair(false, &server, &client));

  // Write on the client, from two buffers.
  char a = 'a', b = 'b';
  struct iovec out[2] = {{&a, 1}, {&b, 1}};
  unet_socket_writer w;
  unet_socket_writer_init(&w, client.get(), true);
  ASSERT_EQ(unet_socket_writer_writev(&w, out, 2), 2) << "for client write";

  // Read on the server.
  char cc[2] = {'c', 'c'};
  struct iovec in = {cc, 2};
  unet_socket_reader r;
  unet_socket_reader_init(&r, server.get(), true);
  ASSERT_EQ(unet_socket_reader_readv(&r, &in, 1), 2) << "for server read";
  EXPECT_TRUE(cc[0] == 'a' && cc[1] == 'b') << "got bad read data, got " << cc[0] << "," << cc[1];
}

TEST_F(GvisorUnetTest, SendFDsNotEnabled) {
  SocketPtr server, client;
  ASSERT_NO_FATAL_FAILURE(MakeSocketPair(false, &server, &client));

  // Write on the server.
  ASSERT_NO_FATAL_FAILURE(SendFds(server.get(), {0, 1, 2}));

  // Read on the client, without enabling FDs.
  char b = 'b';
  struct iovec in = {&b, 1};
  unet_socket_reader r;
  unet_socket_reader_init(&r, client.get(), true);
  ASSERT_EQ(unet_socket_reader_readv(&r, &in, 1), 1) << "for client read";
  EXPECT_EQ(b, 'a') << "got bad read data";

  // Make sure the FDs are not received.
  int fds[UNET_MAX_FDS + 1];
  EXPECT_EQ(unet_control_message_extract_fds(&r.control, fds, UNET_MAX_FDS + 1), 0);
}

TEST_F(GvisorUnetTest, FDsSingle) {
  SocketPtr server, client;
  ASSERT_NO_FATAL_FAILURE(MakeSocketPair(false, &server, &client));

  ASSERT_NO_FATAL_FAILURE(SendFds(server.get(), {0}));
  RecvFds(client.get(), 1, {0});
}

TEST_F(GvisorUnetTest, FDsMultiple) {
  SocketPtr server, client;
  ASSERT_NO_FATAL_FAILURE(MakeSocketPair(false, &server, &client));

  // Basic case, multiple FDs.
  ASSERT_NO_FATAL_FAILURE(SendFds(server.get(), {0, 1, 2}));
  RecvFds(client.get(), 3, {0, 1, 2});
}

// See Symmetric above.
TEST_F(GvisorUnetTest, FDsSymmetric) {
  SocketPtr server, client;
  ASSERT_NO_FATAL_FAILURE(MakeSocketPair(false, &server, &client));

  ASSERT_NO_FATAL_FAILURE(SendFds(server.get(), {0, 1, 2}));
  RecvFds(client.get(), 3, {0, 1, 2});
}

TEST_F(GvisorUnetTest, FDsReceiveLargeBuffer) {
  SocketPtr server, client;
  ASSERT_NO_FATAL_FAILURE(MakeSocketPair(false, &server, &client));

  ASSERT_NO_FATAL_FAILURE(SendFds(server.get(), {0}));
  RecvFds(client.get(), 3, {0});
}

// Skips a test that counts the fds the kernel drops for lack of room where
// that count is not the kernel's: gVisor's unet is 64-bit only (the even
// rounding is LP64's CMSG_SPACE), and qemu-user's recvmsg receives into a
// larger host buffer and leaks the fds the guest's has no room for.
#define SKIP_UNLESS_NATIVE_64_BIT()                                                \
  do {                                                                             \
    if (sizeof(void *) != 8 || unet_testing::Emulator())                           \
      GTEST_SKIP() << "fds dropped for lack of room are counted on native 64-bit"; \
  } while (0)

TEST_F(GvisorUnetTest, FDsReceiveSmallBuffer) {
  SKIP_UNLESS_NATIVE_64_BIT();
  SocketPtr server, client;
  ASSERT_NO_FATAL_FAILURE(MakeSocketPair(false, &server, &client));

  ASSERT_NO_FATAL_FAILURE(SendFds(server.get(), {0, 1, 2}));

  // Per the spec, we may still receive more than the buffer. In fact, it'll
  // be rounded up and we can receive two with a size one buffer.
  RecvFds(client.get(), 1, {0, 1});
}

TEST_F(GvisorUnetTest, FDsReceiveNotEnabled) {
  SocketPtr server, client;
  ASSERT_NO_FATAL_FAILURE(MakeSocketPair(false, &server, &client));

  ASSERT_NO_FATAL_FAILURE(SendFds(server.get(), {0}));
  RecvFds(client.get(), -1, {});
}

TEST_F(GvisorUnetTest, FDsReceiveSizeZero) {
  SKIP_UNLESS_NATIVE_64_BIT();
  SocketPtr server, client;
  ASSERT_NO_FATAL_FAILURE(MakeSocketPair(false, &server, &client));

  ASSERT_NO_FATAL_FAILURE(SendFds(server.get(), {0}));
  RecvFds(client.get(), 0, {});
}

TEST_F(GvisorUnetTest, GetPeerCred) {
  SocketPtr server, client;
  ASSERT_NO_FATAL_FAILURE(MakeSocketPair(false, &server, &client));

  struct ucred got = {};
  ASSERT_EQ(unet_socket_peer_cred(client.get(), &got), 0);
  EXPECT_EQ(got.pid, getpid());
  EXPECT_EQ(got.uid, getuid());
  EXPECT_EQ(got.gid, getgid());
}

TEST_F(GvisorUnetTest, GetPeerCredFailure) {
  SocketPtr s = NewClosedSocket();
  ASSERT_NE(s, nullptr);

  struct ucred got;
  int r = unet_socket_peer_cred(s.get(), &got);
  EXPECT_EQ(r, -EBADF);
  EXPECT_STREQ(unet_strerror(r), "Bad file descriptor");  // Go: "bad file descriptor"
}

TEST_F(GvisorUnetTest, AcceptClosed) {
  std::string name = RandomFilename();
  unet_server_socket *raw = nullptr;
  ASSERT_EQ(unet_bind_and_listen(name.c_str(), false, &raw), 0) << "bind failed";
  ServerSocketPtr ss(raw);
  ASSERT_EQ(unet_server_socket_close(ss.get()), 0) << "close failed";

  unet_socket *s = nullptr;
  EXPECT_LT(unet_server_socket_accept(ss.get(), &s), 0) << "accept on closed SocketServer";
}

TEST_F(GvisorUnetTest, CloseAfterAcceptStart) {
  std::string name = RandomFilename();
  unet_server_socket *raw = nullptr;
  ASSERT_EQ(unet_bind_and_listen(name.c_str(), false, &raw), 0) << "bind failed";
  ServerSocketPtr ss(raw);

  std::thread closer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(unet_server_socket_close(ss.get()), 0) << "close failed";
  });

  unet_socket *s = nullptr;
  EXPECT_LT(unet_server_socket_accept(ss.get(), &s), 0) << "accept on closed SocketServer";
  closer.join();
}

TEST_F(GvisorUnetTest, ReleaseAfterAcceptStart) {
  std::string name = RandomFilename();
  unet_server_socket *raw = nullptr;
  ASSERT_EQ(unet_bind_and_listen(name.c_str(), false, &raw), 0) << "bind failed";
  ServerSocketPtr ss(raw);

  std::thread releaser([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    int fd = unet_server_socket_release(ss.get());
    EXPECT_GE(fd, 0) << "Release failed";
    if (fd >= 0)
      close(fd);
  });

  unet_socket *s = nullptr;
  EXPECT_LT(unet_server_socket_accept(ss.get(), &s), 0) << "accept on closed SocketServer";
  releaser.join();
}

TEST_F(GvisorUnetTest, ControlMessage) {
  for (int i = 0; i <= 10; i++) {
    std::vector<int> want;
    for (int j = 0; j < i; j++)
      want.push_back(i + j + 1);

    unet_control_message cm = UNET_CONTROL_MESSAGE_INIT;
    unet_control_message_enable_fds(&cm, i);
    unet_control_message_pack_fds(&cm, want.data(), static_cast<int>(want.size()));
    int got[UNET_MAX_FDS + 1];
    int n = unet_control_message_extract_fds(&cm, got, UNET_MAX_FDS + 1);
    ASSERT_GE(n, 0) << unet_strerror(n);
    EXPECT_EQ(std::vector<int>(got, got + n), want);
  }
}

}  // namespace
