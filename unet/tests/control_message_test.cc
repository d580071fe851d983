// ControlMessage without sockets: PackFDs/ExtractFDs round trips, Go's
// parsing rules and the C API's argument checks.
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <vector>

#include "testing/unet_fixture.h"

namespace {

using unet_testing::UnetTest;

class ControlMessageTest : public UnetTest {};

TEST_F(ControlMessageTest, PackThenExtractZeroToTenFds) {
  for (int count = 0; count <= 10; count++) {
    std::vector<int> fds;
    for (int i = 0; i < count; i++)
      fds.push_back(100 + i);
    unet_control_message c = UNET_CONTROL_MESSAGE_INIT;
    ASSERT_EQ(unet_control_message_pack_fds(&c, fds.data(), count), 0);
    EXPECT_EQ(c.len, CMSG_SPACE(count * sizeof(int)));
    int out[10];
    ASSERT_EQ(unet_control_message_extract_fds(&c, out, 10), count);
    EXPECT_EQ(std::vector<int>(out, out + count), fds);
  }
}

TEST_F(ControlMessageTest, InitEmptiesAMessage) {
  int fd = 7;
  unet_control_message c;
  ASSERT_EQ(unet_control_message_pack_fds(&c, &fd, 1), 0);
  unet_control_message_init(&c);
  EXPECT_EQ(c.len, 0u);
  int out;
  EXPECT_EQ(unet_control_message_extract_fds(&c, &out, 1), 0);
}

TEST_F(ControlMessageTest, EnableSizesLikeGoCmsgSpace) {
  unet_control_message c = UNET_CONTROL_MESSAGE_INIT;
  ASSERT_EQ(unet_control_message_enable_fds(&c, 0), 0);
  EXPECT_EQ(c.len, CMSG_SPACE(0));
  ASSERT_EQ(unet_control_message_enable_fds(&c, 1), 0);
  EXPECT_EQ(c.len, CMSG_SPACE(4));  // Room for 2.
  ASSERT_EQ(unet_control_message_enable_fds(&c, UNET_MAX_FDS), 0);
  EXPECT_EQ(c.len, CMSG_SPACE(UNET_MAX_FDS * sizeof(int)));
}

TEST_F(ControlMessageTest, UnpackClearsWithoutClosing) {
  int fd = dup(0);
  ASSERT_GE(fd, 0);
  unet_control_message c = UNET_CONTROL_MESSAGE_INIT;
  ASSERT_EQ(unet_control_message_pack_fds(&c, &fd, 1), 0);
  unet_control_message_unpack_fds(&c);
  EXPECT_EQ(c.len, 0u);
  EXPECT_GE(fcntl(fd, F_GETFD), 0);
  close(fd);
}

TEST_F(ControlMessageTest, ExtractSkipsNegativeFds) {
  int fds[] = {5, -1, 7};
  unet_control_message c = UNET_CONTROL_MESSAGE_INIT;
  ASSERT_EQ(unet_control_message_pack_fds(&c, fds, 3), 0);
  int out[3];
  ASSERT_EQ(unet_control_message_extract_fds(&c, out, 3), 2);
  EXPECT_EQ(out[0], 5);
  EXPECT_EQ(out[1], 7);
}

TEST_F(ControlMessageTest, ExtractTooManyForTheArrayIsEnobufsAndTakesNothing) {
  int fds[] = {5, 6, 7};
  unet_control_message c = UNET_CONTROL_MESSAGE_INIT;
  ASSERT_EQ(unet_control_message_pack_fds(&c, fds, 3), 0);
  int out[2] = {-9, -9};
  EXPECT_EQ(unet_control_message_extract_fds(&c, out, 2), -ENOBUFS);
  EXPECT_EQ(out[0], -9);
  int all[3];
  EXPECT_EQ(unet_control_message_extract_fds(&c, all, 3), 3);
}

// Builds a message of one SCM_CREDENTIALS then one SCM_RIGHTS holding fd.
static void CredentialsThenRights(unet_control_message *c, int fd) {
  unsigned char *p = c->data.bytes;
  struct cmsghdr cred = {};
  cred.cmsg_len = CMSG_LEN(sizeof(struct ucred));
  cred.cmsg_level = SOL_SOCKET;
  cred.cmsg_type = SCM_CREDENTIALS;
  memset(p, 0, UNET_CONTROL_CAPACITY);
  memcpy(p, &cred, sizeof(cred));
  size_t off = CMSG_SPACE(sizeof(struct ucred));
  struct cmsghdr rights = {};
  rights.cmsg_len = CMSG_LEN(sizeof(int));
  rights.cmsg_level = SOL_SOCKET;
  rights.cmsg_type = SCM_RIGHTS;
  memcpy(p + off, &rights, sizeof(rights));
  memcpy(p + off + CMSG_LEN(0), &fd, sizeof(fd));
  c->len = off + CMSG_SPACE(sizeof(int));
}

TEST_F(ControlMessageTest, ExtractRejectsOtherMessagesButCloseStillCloses) {
  int fd = dup(0);
  ASSERT_GE(fd, 0);
  unet_control_message c;
  CredentialsThenRights(&c, fd);
  int out[4];
  EXPECT_EQ(unet_control_message_extract_fds(&c, out, 4), -EINVAL);
  EXPECT_GE(fcntl(fd, F_GETFD), 0);  // Extract failed and touched nothing.
  unet_control_message_close_fds(&c);
  EXPECT_EQ(fcntl(fd, F_GETFD), -1);  // Go's CloseFDs would leak it.
}

// A message holding one SCM_PIDFD whose value is `value`, as the kernel
// writes it: an fd, or the negative errno of a pidfd it could not install.
void PidfdMessage(unet_control_message *c, int value) {
  unet_control_message_init(c);
  struct cmsghdr h = {};
  h.cmsg_len = CMSG_LEN(sizeof(int));
  h.cmsg_level = SOL_SOCKET;
  h.cmsg_type = 0x04;  // SCM_PIDFD
  memcpy(c->data.bytes, &h, sizeof(h));
  memcpy(c->data.bytes + CMSG_LEN(0), &value, sizeof(value));
  c->len = CMSG_SPACE(sizeof(int));
}

// The kernel's errno in place of the pidfd (-EMFILE: the receiver was at
// its fd limit) is what take_pidfd answers, not "none arrived".
TEST_F(ControlMessageTest, TakePidfdPassesOnTheKernelsError) {
  unet_control_message c;
  PidfdMessage(&c, -EMFILE);
  EXPECT_EQ(unet_control_message_take_pidfd(&c), -EMFILE);
  EXPECT_EQ(unet_control_message_take_pidfd(&c), -EMFILE);  // Nothing taken.
  unet_control_message_close_fds(&c);                       // Nothing to close.
  int fd = dup(0);
  ASSERT_GE(fd, 0);
  PidfdMessage(&c, fd);
  EXPECT_EQ(unet_control_message_take_pidfd(&c), fd);
  EXPECT_EQ(unet_control_message_take_pidfd(&c), -ENOENT);  // Taken.
  close(fd);
  unet_control_message_init(&c);
  EXPECT_EQ(unet_control_message_take_pidfd(&c), -ENOENT);  // None arrived.
}

TEST_F(ControlMessageTest, MalformedLengthsAreEinval) {
  unet_control_message c = UNET_CONTROL_MESSAGE_INIT;
  int fd = 3;
  ASSERT_EQ(unet_control_message_pack_fds(&c, &fd, 1), 0);
  struct cmsghdr h;
  memcpy(&h, c.data.bytes, sizeof(h));
  h.cmsg_len = c.len + 1;  // Longer than the buffer.
  memcpy(c.data.bytes, &h, sizeof(h));
  int out[1];
  EXPECT_EQ(unet_control_message_extract_fds(&c, out, 1), -EINVAL);
  h.cmsg_len = sizeof(h) - 1;  // Shorter than a header.
  memcpy(c.data.bytes, &h, sizeof(h));
  EXPECT_EQ(unet_control_message_extract_fds(&c, out, 1), -EINVAL);
  c.len = UNET_CONTROL_CAPACITY + 1;  // Longer than the storage.
  EXPECT_EQ(unet_control_message_extract_fds(&c, out, 1), -EINVAL);
  unet_control_message_close_fds(&c);  // Must not touch fd 3.
}

TEST_F(ControlMessageTest, BadArgumentsAreEinvalAndChangeNothing) {
  unet_control_message c = UNET_CONTROL_MESSAGE_INIT;
  int fds[UNET_MAX_FDS + 1] = {};
  EXPECT_EQ(unet_control_message_enable_fds(nullptr, 1), -EINVAL);
  EXPECT_EQ(unet_control_message_enable_fds(&c, -1), -EINVAL);
  EXPECT_EQ(unet_control_message_enable_fds(&c, UNET_MAX_FDS + 1), -EINVAL);
  EXPECT_EQ(unet_control_message_pack_fds(nullptr, fds, 1), -EINVAL);
  EXPECT_EQ(unet_control_message_pack_fds(&c, nullptr, 1), -EINVAL);
  EXPECT_EQ(unet_control_message_pack_fds(&c, fds, -1), -EINVAL);
  EXPECT_EQ(unet_control_message_pack_fds(&c, fds, UNET_MAX_FDS + 1), -EINVAL);
  EXPECT_EQ(unet_control_message_extract_fds(nullptr, fds, 1), -EINVAL);
  EXPECT_EQ(unet_control_message_extract_fds(&c, nullptr, 1), -EINVAL);
  EXPECT_EQ(c.len, 0u);
  unet_control_message_close_fds(nullptr);
  unet_control_message_unpack_fds(nullptr);
  unet_control_message_init(nullptr);
}

}  // namespace
