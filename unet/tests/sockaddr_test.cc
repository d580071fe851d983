// Names encoded as Go's unix.SockaddrUnix (unet/src/sockaddr.c), seen in the
// bytes the kernel reports back: paths keep a trailing NUL, '@' becomes the
// leading NUL of an abstract name, and 108 bytes or more are refused.
#include <errno.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <string>

#include "testing/unet_fixture.h"

namespace {

using unet_testing::ServerSocketPtr;
using unet_testing::TempSocketPath;
using unet_testing::UnetTest;
using unet_testing::UniqueAbstractName;

class SockaddrTest : public UnetTest {
 protected:
  // Binds name and returns the bound name's bytes, as getsockname reports.
  static std::string BoundName(const std::string &name) {
    unet_server_socket *raw = nullptr;
    int r = unet_bind(name.c_str(), true, &raw);
    EXPECT_EQ(r, 0) << unet_strerror(r);
    ServerSocketPtr server(raw);
    struct sockaddr_un addr;
    socklen_t len = sizeof(addr);
    if (!raw ||
        getsockname(unet_server_socket_fd(raw), reinterpret_cast<sockaddr *>(&addr), &len) != 0)
      return "";
    return std::string(reinterpret_cast<char *>(&addr), len);
  }

  static std::string Family() {
    sa_family_t family = AF_UNIX;
    return std::string(reinterpret_cast<char *>(&family), sizeof(family));
  }
};

TEST_F(SockaddrTest, PathIsFamilyPathAndNul) {
  std::string path = TempSocketPath("sa");
  EXPECT_EQ(BoundName(path), Family() + path + std::string(1, '\0'));
  unlink(path.c_str());
}

TEST_F(SockaddrTest, AtBecomesTheLeadingNulOfAnAbstractName) {
  std::string name = UniqueAbstractName();
  EXPECT_EQ(BoundName(name), Family() + std::string(1, '\0') + name.substr(1));
}

TEST_F(SockaddrTest, LoneAtIsTheEmptyAbstractName) {
  // Go encodes "@" as the family and one NUL: an abstract name of no bytes.
  std::string bound = BoundName("@");
  EXPECT_EQ(bound, Family() + std::string(1, '\0'));
}

TEST_F(SockaddrTest, LongestNamesFitAndOneMoreByteIsEinval) {
  std::string abstract = UniqueAbstractName();
  abstract += std::string(UNET_MAX_NAME - abstract.size(), 'x');
  ASSERT_EQ(abstract.size(), static_cast<size_t>(UNET_MAX_NAME));
  EXPECT_EQ(BoundName(abstract), Family() + std::string(1, '\0') + abstract.substr(1));

  unet_server_socket *raw = nullptr;
  EXPECT_EQ(unet_bind((abstract + "x").c_str(), true, &raw), -EINVAL);
  std::string path(UNET_MAX_NAME + 1, 'p');
  EXPECT_EQ(unet_bind(path.c_str(), true, &raw), -EINVAL);
  unet_socket *s = nullptr;
  EXPECT_EQ(unet_connect(path.c_str(), true, &s), -EINVAL);
  EXPECT_EQ(raw, nullptr);
  EXPECT_EQ(s, nullptr);
}

}  // namespace
