// GetPeerCred, GetSockOpt and SetSockOpt.
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testing/unet_fixture.h"

namespace {

using unet_testing::KindName;
using unet_testing::MakeSocketPair;
using unet_testing::UnetKindTest;

class SocketOptionTest : public UnetKindTest {};

TEST_P(SocketOptionTest, PeerCredIsThisProcess) {
  auto pair = MakeSocketPair(packet());
  struct ucred cred = {};
  ASSERT_EQ(unet_socket_peer_cred(pair.a.get(), &cred), 0);
  EXPECT_EQ(cred.pid, getpid());
  EXPECT_EQ(cred.uid, getuid());
  EXPECT_EQ(cred.gid, getgid());
}

TEST_P(SocketOptionTest, PeerCredAfterCloseIsEbadf) {
  auto pair = MakeSocketPair(packet());
  ASSERT_EQ(unet_socket_close(pair.a.get()), 0);
  struct ucred cred = {-7, 7, 7};
  EXPECT_EQ(unet_socket_peer_cred(pair.a.get(), &cred), -EBADF);
  EXPECT_EQ(cred.pid, -7);  // Untouched on failure.
}

TEST_P(SocketOptionTest, PeerCredSurvivesThePeerClosing) {
  auto pair = MakeSocketPair(packet());
  ASSERT_EQ(unet_socket_close(pair.b.get()), 0);
  struct ucred cred = {};
  ASSERT_EQ(unet_socket_peer_cred(pair.a.get(), &cred), 0);
  EXPECT_EQ(cred.pid, getpid());
}

TEST_P(SocketOptionTest, SetThenGetAnOption) {
  auto pair = MakeSocketPair(packet());
  int size = 65536;
  ASSERT_EQ(unet_socket_setsockopt(pair.a.get(), SOL_SOCKET, SO_SNDBUF, &size, sizeof(size)), 0);
  int got = 0;
  ASSERT_EQ(unet_socket_getsockopt(pair.a.get(), SOL_SOCKET, SO_SNDBUF, &got, sizeof(got)),
            static_cast<ssize_t>(sizeof(got)));
  EXPECT_EQ(got, 2 * size);  // The kernel doubles it.
  int type = 0;
  ASSERT_EQ(unet_socket_getsockopt(pair.a.get(), SOL_SOCKET, SO_TYPE, &type, sizeof(type)),
            static_cast<ssize_t>(sizeof(type)));
  EXPECT_EQ(type, packet() ? SOCK_SEQPACKET : SOCK_STREAM);
}

TEST_P(SocketOptionTest, UnknownOptionIsTheKernelsError) {
  auto pair = MakeSocketPair(packet());
  int v = 0;
  EXPECT_EQ(unet_socket_getsockopt(pair.a.get(), SOL_SOCKET, 12345, &v, sizeof(v)), -ENOPROTOOPT);
  EXPECT_EQ(unet_socket_setsockopt(pair.a.get(), SOL_SOCKET, 12345, &v, sizeof(v)), -ENOPROTOOPT);
}

INSTANTIATE_TEST_SUITE_P(Kinds, SocketOptionTest, ::testing::Bool(), KindName);

}  // namespace
