// unet/SYSCALLS.md says what the library's table says: regenerate it with
// tools/bazel run //testing/seccomp:syscalls_doc > unet/SYSCALLS.md.
#include <stdio.h>
#include <stdlib.h>

#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "testing/seccomp/syscalls_doc.h"

namespace {

TEST(SyscallsDocTest, MatchesTheTable) {
  char *text = nullptr;
  size_t size = 0;
  FILE *out = open_memstream(&text, &size);
  ASSERT_NE(out, nullptr);
  EXPECT_EQ(syscalls_doc_write(out, "unet/include/unet/unet.h"), 0);
  fclose(out);
  std::string generated(text, size);
  free(text);
  std::ifstream file("unet/SYSCALLS.md");
  ASSERT_TRUE(file) << "unet/SYSCALLS.md is missing";
  std::stringstream committed;
  committed << file.rdbuf();
  EXPECT_EQ(committed.str(), generated)
      << "regenerate: tools/bazel run //testing/seccomp:syscalls_doc > unet/SYSCALLS.md";
}

}  // namespace
