// libunet under seccomp filters: gVisor's gofer and sentry policies
// (transcribed in policies.c) and libunet's own published tables. Each case
// forks a child that installs the filter and runs every public function
// (workload.c); a call the filter refuses fails the test, named with its
// arguments. gVisor's own Go unet runs the same calls under the same
// filters as the control.
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "gtest/gtest.h"
#include "testing/seccomp/policies.h"
#include "testing/seccomp/workload.h"
#include "unet/unet.h"

namespace {

// argv[1]: the Go control's path (see BUILD.bazel).
const char *go_workload;

// A fresh directory for socket files; removed with its contents.
class SocketDir {
 public:
  SocketDir() {
    char pattern[] = "/tmp/unet-seccomp-XXXXXX";
    EXPECT_NE(mkdtemp(pattern), nullptr);
    path_ = pattern;
  }
  ~SocketDir() {
    std::string command = "rm -rf '" + path_ + "'";
    EXPECT_EQ(system(command.c_str()), 0);
  }
  const char *path() const { return path_.c_str(); }

 private:
  std::string path_;
};

// Waits up to 60 s for pid; returns its wait status, or -1 (killed) if it
// hung.
int WaitFor(pid_t pid) {
  int status = 0;
  for (int i = 0; i < 6000; i++) {
    if (waitpid(pid, &status, WNOHANG) == pid)
      return status;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  ADD_FAILURE() << "the child hung";
  return -1;
}

std::string Describe(const workload_report &report) {
  std::string text = report.log;
  int kept = report.refusals < 64 ? report.refusals : 64;
  for (int i = 0; i < kept; i++) {
    const workload_refusal &r = report.refused[i];
    char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, r.nr);
    char line[256];
    snprintf(line, sizeof(line), "refused: %s(%#llx, %#llx, %#llx, %#llx, %#llx, %#llx)\n",
             name ? name : "?", r.args[0], r.args[1], r.args[2], r.args[3], r.args[4], r.args[5]);
    free(name);
    text += line;
  }
  return text;
}

struct ChildRun {
  int status;
  workload_report report;
};

// Runs the C workload in a child under the policy, with the footprint.
ChildRun RunWorkload(policy policy, int footprint, bool beyond_go) {
  SocketDir dir;
  void *shared = mmap(nullptr, sizeof(workload_report), PROT_READ | PROT_WRITE,
                      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  EXPECT_NE(shared, MAP_FAILED);
  auto *report = new (shared) workload_report();
  pid_t pid = fork();
  if (pid == 0) {
    int option = WORKLOAD_SOCKET_OPTION;
    unet_set_footprint(footprint);
    int r = workload_prepare(report);
    if (r == 0)
      r = policy_load(policy, &option, 1);
    if (r < 0) {
      snprintf(report->log, sizeof(report->log), "set-up failed: %s\n", strerror(-r));
      _exit(2);
    }
    _exit(workload_run(report, dir.path(), beyond_go) == 0 ? 0 : 1);
  }
  ChildRun run = {WaitFor(pid), *report};
  munmap(shared, sizeof(workload_report));
  return run;
}

struct Case {
  policy policy;
  int footprint;
  bool beyond_go;
};

std::string CaseName(const testing::TestParamInfo<Case> &info) {
  std::string name = policy_name(info.param.policy);
  for (char &c : name)
    if (c == '-')
      c = '_';
  name += info.param.footprint == UNET_FOOTPRINT_GO ? "_GoFootprint" : "_DefaultFootprint";
  return name + (info.param.beyond_go ? "_WithBeyondGo" : "");
}

class FootprintTest : public testing::TestWithParam<Case> {};

TEST_P(FootprintTest, EveryCallIsAllowed) {
  const Case &c = GetParam();
  ChildRun run = RunWorkload(c.policy, c.footprint, c.beyond_go);
  EXPECT_TRUE(WIFEXITED(run.status) && WEXITSTATUS(run.status) == 0) << "status " << run.status;
  EXPECT_EQ(run.report.refusals, 0);
  EXPECT_EQ(run.report.failures, 0);
  if (run.report.refusals || run.report.failures || run.status != 0)
    ADD_FAILURE() << Describe(run.report);
}

INSTANTIATE_TEST_SUITE_P(Policies, FootprintTest,
                         testing::Values(Case{POLICY_GOFER, UNET_FOOTPRINT_GO, false},
                                         Case{POLICY_SENTRY, UNET_FOOTPRINT_GO, false},
                                         Case{POLICY_LIBUNET_GO, UNET_FOOTPRINT_GO, true},
                                         Case{POLICY_LIBUNET_DEFAULT, UNET_FOOTPRINT_DEFAULT,
                                              true}),
                         CaseName);

// The filters can fail: the default footprint's close-on-exec flags are
// exactly what gVisor's policies refuse.
TEST(FootprintControlTest, DefaultFootprintIsRefusedByTheGofer) {
  ChildRun run = RunWorkload(POLICY_GOFER, UNET_FOOTPRINT_DEFAULT, false);
  std::string text = Describe(run.report);
  EXPECT_GT(run.report.refusals, 0);
  EXPECT_NE(text.find("refused: eventfd2(0, 0x80800"), std::string::npos) << text;
  EXPECT_NE(text.find("refused: socket(0x1, 0x80001"), std::string::npos) << text;
}

TEST(FootprintControlTest, GoFootprintIsRefusedByTheDefaultTable) {
  ChildRun run = RunWorkload(POLICY_LIBUNET_DEFAULT, UNET_FOOTPRINT_GO, false);
  std::string text = Describe(run.report);
  EXPECT_NE(text.find("refused: eventfd2(0, 0,"), std::string::npos) << text;
}

// Runs gVisor's Go unet (the control) under the policy: its exit status.
int RunGoControl(policy policy, std::string *output) {
  SocketDir dir;
  int pipe_fds[2];
  EXPECT_EQ(pipe2(pipe_fds, O_CLOEXEC), 0);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(pipe_fds[1], 1);
    dup2(pipe_fds[1], 2);
    int option = WORKLOAD_SOCKET_OPTION;
    if (policy_load_for_go_runtime(policy, &option, 1) < 0)
      _exit(3);
    execl(go_workload, go_workload, dir.path(), (char *)nullptr);
    _exit(4);
  }
  close(pipe_fds[1]);
  char buf[4096];
  ssize_t n;
  while ((n = read(pipe_fds[0], buf, sizeof(buf))) > 0)
    output->append(buf, static_cast<size_t>(n));
  close(pipe_fds[0]);
  return WaitFor(pid);
}

class GoControlTest : public testing::TestWithParam<policy> {};

TEST_P(GoControlTest, GvisorsUnetIsAllowed) {
  std::string output;
  int status = RunGoControl(GetParam(), &output);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << output;
  EXPECT_EQ(output, "ok\n");
}

INSTANTIATE_TEST_SUITE_P(Policies, GoControlTest, testing::Values(POLICY_GOFER, POLICY_SENTRY),
                         [](const testing::TestParamInfo<policy> &info) {
                           return std::string(policy_name(info.param));
                         });

// The Go control can fail too, and the rules added to the gofer's policy
// are needed: without them Go's SocketPair(false) is refused and the Go
// runtime dies of the SIGSYS, naming the call.
TEST(GoControlFailsTest, UnderTheGoferPolicyAsShipped) {
  std::string output;
  int status = RunGoControl(POLICY_GOFER_AS_SHIPPED, &output);
  EXPECT_FALSE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << output;
  EXPECT_NE(output.find("SIGSYS"), std::string::npos) << output;
  EXPECT_NE(output.find("unet.SocketPair"), std::string::npos) << output;
}

// Where the kernel refuses MADV_WIPEONFORK (before Linux 4.14, or a
// sandbox's kernel such as gVisor's), a pthread_atfork handler wipes the
// identity instead: a child made by fork(3) still answers -ECHILD. (The
// child runs its first socket under a filter that refuses the madvise.)
TEST(IdentityFallbackTest, ForkedChildIsEchildWithoutWipeOnFork) {
  pid_t pid = fork();
  if (pid == 0) {
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    struct scmp_arg_cmp wipe = {2, SCMP_CMP_EQ, MADV_WIPEONFORK, 0};
    if (!ctx ||
        seccomp_rule_add_array(ctx, SCMP_ACT_ERRNO(EINVAL), SCMP_SYS(madvise), 1, &wipe) != 0 ||
        seccomp_load(ctx) != 0)
      _exit(10);
    if (madvise(nullptr, 0, MADV_WIPEONFORK) == 0 || errno != EINVAL)
      _exit(11);  // The filter did not take.
    unet_socket *a, *b;
    if (unet_socketpair(false, &a, &b) != 0)
      _exit(12);
    if (unet_socket_write(b, "p", 1) != 1)
      _exit(13);
    pid_t child = fork();
    if (child == 0) {
      char c;
      _exit(unet_socket_read(a, &c, 1) == -ECHILD && unet_socket_close(a) == 0 ? 0 : 1);
    }
    int status = WaitFor(child);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
      _exit(14);
    char c = 0;
    _exit(unet_socket_read(a, &c, 1) == 1 && c == 'p' ? 0 : 15);
  }
  int status = WaitFor(pid);
  EXPECT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace

int main(int argc, char **argv) {
  testing::InitGoogleTest(&argc, argv);
  if (argc != 2) {
    fprintf(stderr, "usage: %s GO_WORKLOAD\n", argv[0]);
    return 2;
  }
  go_workload = argv[1];
  return RUN_ALL_TESTS();
}
