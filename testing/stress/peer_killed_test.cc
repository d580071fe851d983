// The peer process is killed with SIGKILL mid-transfer: the reader sees the
// end (EOF or ECONNRESET), the writer EPIPE (or ECONNRESET), this process gets
// no SIGPIPE, and nothing leaks.
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vector>

#include "testing/unet_fixture.h"

namespace {

using unet_testing::KindName;
using unet_testing::MakeSocketPair;
using unet_testing::UnetKindTest;

class PeerKilledTest : public UnetKindTest {
 protected:
  // Forks a child that loops on `child_end` (writing if write, else
  // reading) until killed; lets go of child_end in the parent.
  pid_t ForkLooper(unet_testing::SocketPtr child_end, bool write) {
    pid_t pid = fork();
    if (pid == 0) {
      // A fresh wrapper: the inherited one shares its eventfd with the
      // parent, whose Release below would wake it.
      unet_socket *s = nullptr;
      if (unet_socket_new(dup(unet_socket_fd(child_end.get())), &s) < 0)
        _exit(2);
      static char buf[4096];
      for (;;) {
        ssize_t r =
            write ? unet_socket_write(s, buf, sizeof(buf)) : unet_socket_read(s, buf, sizeof(buf));
        if (r < 0)
          _exit(3);
      }
    }
    // Release, not Close: Close shuts the connection down for the child too.
    close(unet_socket_release(child_end.get()));
    return pid;
  }

  static void Kill(pid_t pid) {
    ASSERT_EQ(kill(pid, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  }
};

TEST_P(PeerKilledTest, ReaderSeesTheEnd) {
  ASSERT_EQ(signal(SIGPIPE, SIG_DFL), SIG_DFL);
  auto pair = MakeSocketPair(packet());
  pid_t pid = ForkLooper(std::move(pair.b), true);
  char buf[4096];
  for (int i = 0; i < 64; i++)
    ASSERT_GT(unet_socket_read(pair.a.get(), buf, sizeof(buf)), 0);
  Kill(pid);
  ssize_t r;
  do {
    r = unet_socket_read(pair.a.get(), buf, sizeof(buf));
  } while (r > 0);
  EXPECT_TRUE(r == UNET_EOF || r == -ECONNRESET) << unet_strerror(static_cast<int>(r));
}

TEST_P(PeerKilledTest, WriterSeesEpipeWithoutSigpipe) {
  ASSERT_EQ(signal(SIGPIPE, SIG_DFL), SIG_DFL);
  auto pair = MakeSocketPair(packet());
  pid_t pid = ForkLooper(std::move(pair.b), false);
  std::vector<char> buf(4096, 'k');
  for (int i = 0; i < 64; i++)
    ASSERT_GT(unet_socket_write(pair.a.get(), buf.data(), buf.size()), 0);
  Kill(pid);
  ssize_t r;
  do {
    r = unet_socket_write(pair.a.get(), buf.data(), buf.size());
  } while (r > 0);
  // ECONNRESET first when the peer died with unread data; EPIPE after.
  EXPECT_TRUE(r == -EPIPE || r == -ECONNRESET) << unet_strerror(static_cast<int>(r));
  EXPECT_EQ(unet_socket_write(pair.a.get(), buf.data(), buf.size()), -EPIPE);
}

INSTANTIATE_TEST_SUITE_P(Kinds, PeerKilledTest, ::testing::Bool(), KindName);

}  // namespace
