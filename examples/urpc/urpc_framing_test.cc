// The urpc example's own pieces, without Go: JSON objects found whole in a
// stream, members and strings read back, and urpc_receive on messages that
// come in pieces, that are not JSON, that do not fit, or that carry more
// files than urpc allows (none leaked: the fixture counts fds).
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <string>
#include <vector>

extern "C" {
#include "examples/urpc/json.h"
#include "examples/urpc/urpc.h"
}
#include "testing/unet_fixture.h"

namespace {

using unet_testing::MakeSocketPair;
using unet_testing::UnetTest;

long End(const std::string &s) { return json_object_end(s.data(), s.size()); }

TEST(UrpcJsonTest, AnObjectEndsWhereItsBracesClose) {
  EXPECT_EQ(End(""), 0);
  EXPECT_EQ(End("  "), 0);
  EXPECT_EQ(End("{\"a\":1"), 0);                 // Still coming.
  EXPECT_EQ(End("{\"a\":\"}\""), 0);             // A brace inside a string.
  EXPECT_EQ(End("{\"a\":\"\\\"}\"}"), 11);       // An escaped quote.
  EXPECT_EQ(End("{\"a\":{\"b\":[1,{}]}}"), 18);  // Nested.
  EXPECT_EQ(End(" {}"), 3);
  EXPECT_EQ(End("[1]"), -1);  // urpc sends objects only.
  EXPECT_EQ(End("x"), -1);
}

TEST(UrpcJsonTest, MembersAndStringsReadBack) {
  std::string s = "{\"method\":\"Echo.Upper\", \"arg\":{\"Text\":\"a\\u003cb\\n\"},\"n\":12}";
  const char *value;
  size_t len;
  ASSERT_TRUE(json_member(s.data(), s.size(), "arg", &value, &len));
  EXPECT_EQ(std::string(value, len), "{\"Text\":\"a\\u003cb\\n\"}");
  ASSERT_TRUE(json_member(value, len, "Text", &value, &len));
  char out[16];
  EXPECT_EQ(json_string_value(value, len, out, sizeof(out)), 4);
  EXPECT_STREQ(out, "a<b\n");
  EXPECT_EQ(json_string_value(value, len, out, 4), -1);  // Does not fit.
  ASSERT_TRUE(json_member(s.data(), s.size(), "n", &value, &len));
  EXPECT_EQ(std::string(value, len), "12");
  EXPECT_EQ(json_string_value(value, len, out, sizeof(out)), -1);       // No string.
  EXPECT_FALSE(json_member(s.data(), s.size(), "Text", &value, &len));  // Not top level.
  EXPECT_FALSE(json_member("{\"a\" 1}", 7, "a", &value, &len));
  std::string wide = "\"\\u00e9\"";  // Not ASCII: refused, not mangled.
  EXPECT_EQ(json_string_value(wide.data(), wide.size(), out, sizeof(out)), -1);
}

TEST(UrpcJsonTest, StringsAreEscapedAsGoDoes) {
  char buf[64];
  struct json_out o = {buf, sizeof(buf), 0, false};
  json_string(&o, "q\"<&>\\\t", 7);
  EXPECT_EQ(std::string(buf, o.len), "\"q\\\"\\u003c\\u0026\\u003e\\\\\\u0009\"");
  struct json_out small = {buf, 3, 0, false};
  json_string(&small, "abc", 3);
  EXPECT_TRUE(small.overflow);
}

class UrpcReceiveTest : public UnetTest {
 protected:
  // Writes raw bytes with fds (on the first byte) to the peer.
  static void Send(unet_socket *s, const std::string &bytes, const std::vector<int> &fds = {}) {
    ASSERT_EQ(urpc_send(s, bytes.data(), bytes.size(), fds.data(), static_cast<int>(fds.size())),
              0);
  }

  char buf_[64];
  struct urpc_message m_ = {buf_, sizeof(buf_), 0, {}, 0};
};

TEST_F(UrpcReceiveTest, AMessageInPiecesIsOneMessage) {
  auto pair = MakeSocketPair(false);
  int fd = dup(0);
  Send(pair.a.get(), "{\"success\":", {fd});
  close(fd);
  Send(pair.a.get(), "true}");
  ASSERT_EQ(urpc_receive(pair.b.get(), &m_), 0);
  EXPECT_EQ(std::string(m_.json, m_.len), "{\"success\":true}");
  EXPECT_EQ(m_.nfds, 1);
  urpc_close_files(&m_);
  unet_socket_free(pair.a.release());
  EXPECT_EQ(urpc_receive(pair.b.get(), &m_), UNET_EOF);  // Between messages.
}

TEST_F(UrpcReceiveTest, BrokenMessagesAreEprotoAndLeakNothing) {
  auto pair = MakeSocketPair(false);
  int fd = dup(0);
  Send(pair.a.get(), "[1]", {fd});
  close(fd);
  EXPECT_EQ(urpc_receive(pair.b.get(), &m_), -EPROTO);
  EXPECT_EQ(m_.nfds, 0);
  Send(pair.a.get(), "{}{}");  // Bytes past the object: no one-call-at-a-time peer.
  EXPECT_EQ(urpc_receive(pair.b.get(), &m_), -EPROTO);
  Send(pair.a.get(), "{\"cut");
  unet_socket_free(pair.a.release());
  EXPECT_EQ(urpc_receive(pair.b.get(), &m_), -EPROTO);  // EOF inside a message.
}

TEST_F(UrpcReceiveTest, TooLargeIsEmsgsizeAndClosesItsFiles) {
  auto pair = MakeSocketPair(false);
  int fd = dup(0);
  Send(pair.a.get(), "{\"a\":\"" + std::string(100, 'x') + "\"}", {fd});
  close(fd);
  EXPECT_EQ(urpc_receive(pair.b.get(), &m_), -EMSGSIZE);
  EXPECT_EQ(m_.nfds, 0);
}

TEST_F(UrpcReceiveTest, FilesBeyondUrpcsLimitAreClosed) {
  auto pair = MakeSocketPair(false);
  // 129 fds on the message: urpc_send refuses, so write it by hand.
  std::vector<int> fds(URPC_MAX_FILES + 1);
  for (int &fd : fds)
    fd = dup(0);
  unet_socket_writer w;
  unet_socket_writer_init(&w, pair.a.get(), true);
  ASSERT_EQ(unet_control_message_pack_fds(&w.control, fds.data(), static_cast<int>(fds.size())), 0);
  struct iovec iov = {const_cast<char *>("{}"), 2};
  ASSERT_EQ(unet_socket_writer_writev(&w, &iov, 1), 2);
  for (int fd : fds)
    close(fd);
  EXPECT_EQ(urpc_send(pair.a.get(), "{}", 2, fds.data(), URPC_MAX_FILES + 1), -EINVAL);
  ASSERT_EQ(urpc_receive(pair.b.get(), &m_), 0);
  EXPECT_EQ(m_.nfds, URPC_MAX_FILES);
  urpc_close_files(&m_);
}

}  // namespace
