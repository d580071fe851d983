// ControlMessage without sockets: PackFDs/ExtractFDs round trips, Go's
// parsing rules and the C API's argument checks.
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstddef>
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
  // -EPERM is -1: an error, not the mark of a taken slot.
  for (int error : {-EMFILE, -EPERM}) {
    PidfdMessage(&c, error);
    EXPECT_EQ(unet_control_message_take_pidfd(&c), error);
    EXPECT_EQ(unet_control_message_take_pidfd(&c), error);  // Nothing taken.
    unet_control_message_close_fds(&c);                     // Nothing to close.
    EXPECT_EQ(unet_control_message_take_pidfd(&c), error);
  }
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

// Writes one control message (header and data) at offset of c's storage;
// returns the offset after it (aligned as the kernel aligns).
size_t PutCmsg(unet_control_message *c, size_t offset, int type, const void *data,
               size_t data_len) {
  struct cmsghdr h = {};
  h.cmsg_len = CMSG_LEN(data_len);
  h.cmsg_level = SOL_SOCKET;
  h.cmsg_type = type;
  memcpy(c->data.bytes + offset, &h, sizeof(h));
  memcpy(c->data.bytes + offset + CMSG_LEN(0), data, data_len);
  return offset + CMSG_SPACE(data_len);
}

// A length past the storage is refused by the parser itself, before it
// reads a byte beyond: here the bytes after the storage hold a valid-looking
// SCM_RIGHTS message, which a parser walking on would count.
TEST_F(ControlMessageTest, LengthPastTheStorageIsEinvalNotAWalk) {
  struct {
    unet_control_message c;
    unsigned char after[64];
  } m = {};
  // One SCM_RIGHTS message filling the storage, every slot empty (-1).
  size_t data_len = sizeof(m.c.data.bytes) - CMSG_LEN(0);
  std::vector<int> empty(data_len / sizeof(int), -1);
  ASSERT_EQ(PutCmsg(&m.c, 0, SCM_RIGHTS, empty.data(), data_len), sizeof(m.c.data.bytes));
  // Beyond the storage (the struct ends there: no padding on Linux ABIs).
  ASSERT_EQ(offsetof(unet_control_message, data) + sizeof(m.c.data), sizeof(m.c));
  struct cmsghdr h = {};
  h.cmsg_len = CMSG_LEN(sizeof(int));
  h.cmsg_level = SOL_SOCKET;
  h.cmsg_type = SCM_RIGHTS;
  int fd = 0;
  memcpy(m.after, &h, sizeof(h));
  memcpy(m.after + CMSG_LEN(0), &fd, sizeof(fd));
  m.c.len = sizeof(m.c.data.bytes) + CMSG_SPACE(sizeof(int));
  int out[2];
  struct ucred cred;
  EXPECT_EQ(unet_control_message_count_fds(&m.c), -EINVAL);
  EXPECT_EQ(unet_control_message_extract_fds(&m.c, out, 2), -EINVAL);
  EXPECT_EQ(unet_control_message_take_fds(&m.c, out, 2), -EINVAL);
  EXPECT_EQ(unet_control_message_take_fds_closing_rest(&m.c, out, 2), -EINVAL);
  EXPECT_EQ(unet_control_message_credentials(&m.c, &cred), -EINVAL);
  EXPECT_EQ(unet_control_message_take_pidfd(&m.c), -EINVAL);
  unet_control_message_close_fds(&m.c);  // Must not close fd 0.
  EXPECT_NE(fcntl(0, F_GETFD), -1);
}

// What the kernel writes into a full-sized control message: UNET_MAX_FDS
// fds, credentials and a pidfd fill the storage to its last byte, and all
// of it is parsed.
TEST_F(ControlMessageTest, StorageFilledToTheLastByteIsParsed) {
  unet_control_message c = UNET_CONTROL_MESSAGE_INIT;
  std::vector<int> fds(UNET_MAX_FDS);
  for (int i = 0; i < UNET_MAX_FDS; i++)
    fds[i] = 100000 + i;  // Numbers only: nothing here closes them.
  size_t end = PutCmsg(&c, 0, SCM_RIGHTS, fds.data(), fds.size() * sizeof(int));
  struct ucred cred = {1, 2, 3};
  end = PutCmsg(&c, end, SCM_CREDENTIALS, &cred, sizeof(cred));
  int pidfd = -EMFILE;
  end = PutCmsg(&c, end, 0x04 /* SCM_PIDFD */, &pidfd, sizeof(pidfd));
  ASSERT_EQ(end, UNET_CONTROL_CAPACITY);
  c.len = end;
  EXPECT_EQ(unet_control_message_count_fds(&c), UNET_MAX_FDS);
  struct ucred got = {};
  EXPECT_EQ(unet_control_message_credentials(&c, &got), 0);
  EXPECT_EQ(got.pid, 1);
  EXPECT_EQ(got.gid, 3u);
  EXPECT_EQ(unet_control_message_take_pidfd(&c), -EMFILE);
  std::vector<int> out(UNET_MAX_FDS);
  // Extract fails on the other kinds (Go's rule); take skips them.
  EXPECT_EQ(unet_control_message_extract_fds(&c, out.data(), out.size()), -EINVAL);
  EXPECT_EQ(unet_control_message_take_fds(&c, out.data(), out.size()), UNET_MAX_FDS);
  EXPECT_EQ(out, fds);
}

// A slot already taken (-1) is no fd: it counts against no limit.
TEST_F(ControlMessageTest, TakenSlotsCountAgainstNoLimit) {
  int fds[2] = {dup(0), dup(0)};
  ASSERT_GE(fds[0], 0);
  ASSERT_GE(fds[1], 0);
  unet_control_message c = UNET_CONTROL_MESSAGE_INIT;
  ASSERT_EQ(unet_control_message_pack_fds(&c, fds, 2), 0);
  int out[2] = {-1, -1};
  ASSERT_EQ(unet_control_message_take_fds(&c, out, 2), 2);
  EXPECT_EQ(unet_control_message_count_fds(&c), 0);
  EXPECT_EQ(unet_control_message_take_fds(&c, out, 0), 0);
  EXPECT_EQ(unet_control_message_extract_fds(&c, out, 0), 0);
  EXPECT_EQ(unet_control_message_take_fds_closing_rest(&c, out, 0), 0);
  EXPECT_GE(fcntl(out[0], F_GETFD), 0);  // Taken fds are the caller's.
  close(out[0]);
  close(out[1]);
}

// An SCM_PIDFD cut short of an int holds no fd: nothing is taken, and
// close_fds closes nothing (the two bytes there are part of a real fd's
// number).
TEST_F(ControlMessageTest, CutPidfdIsNoFd) {
  int fd = dup(0);
  ASSERT_GE(fd, 0);
  unet_control_message c = UNET_CONTROL_MESSAGE_INIT;
  c.len = PutCmsg(&c, 0, 0x04 /* SCM_PIDFD */, &fd, 2);
  EXPECT_EQ(unet_control_message_take_pidfd(&c), -ENOBUFS);
  EXPECT_EQ(unet_control_message_count_fds(&c), 0);
  unet_control_message_close_fds(&c);
  EXPECT_GE(fcntl(fd, F_GETFD), 0);
  close(fd);
}

// A valid first message, then a header whose length points past the end:
// every parse answers -EINVAL and reads nothing beyond the storage (ASan).
TEST_F(ControlMessageTest, GarbageLengthAfterAValidMessageIsEinval) {
  unet_control_message c = UNET_CONTROL_MESSAGE_INIT;
  // First message: SCM_RIGHTS up to the last header's room.
  std::vector<int> slots((UNET_CONTROL_CAPACITY - 2 * CMSG_LEN(0)) / sizeof(int), -1);
  size_t end = PutCmsg(&c, 0, SCM_RIGHTS, slots.data(), slots.size() * sizeof(int));
  ASSERT_EQ(end, UNET_CONTROL_CAPACITY - CMSG_LEN(0));
  // The last header, in the storage's last bytes, claims far more.
  struct cmsghdr h = {};
  h.cmsg_len = UNET_CONTROL_CAPACITY - CMSG_LEN(0);
  h.cmsg_level = SOL_SOCKET;
  h.cmsg_type = SCM_RIGHTS;
  memcpy(c.data.bytes + end, &h, sizeof(h));
  c.len = UNET_CONTROL_CAPACITY;
  int out[1];
  EXPECT_EQ(unet_control_message_count_fds(&c), -EINVAL);
  EXPECT_EQ(unet_control_message_extract_fds(&c, out, 1), -EINVAL);
  EXPECT_EQ(unet_control_message_take_fds(&c, out, 1), -EINVAL);
  struct ucred cred;
  EXPECT_EQ(unet_control_message_credentials(&c, &cred), -EINVAL);
  EXPECT_EQ(unet_control_message_take_pidfd(&c), -EINVAL);
  unet_control_message_close_fds(&c);  // Stops at the bad header.
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
