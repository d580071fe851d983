/* Writes unet/SYSCALLS.md from the library's own table
 * (unet_syscall_rule_at): for every public function of the header, the
 * calls it may make in each footprint. */
#include "testing/seccomp/syscalls_doc.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "unet/unet.h"

#define MAX_FUNCTIONS 128

/* Whether word appears in the space-separated list. */
static bool listed(const char *list, const char *word) {
  size_t n = strlen(word);
  for (const char *p = list; (p = strstr(p, word)); p += n) {
    bool starts = p == list || p[-1] == ' ';
    bool ends = p[n] == '\0' || p[n] == ' ';
    if (starts && ends)
      return true;
  }
  return false;
}

/* Reads the names of the UNET_API functions, in the header's order. */
static int read_functions(const char *header_path, char names[][64], size_t *ret_count) {
  FILE *header = fopen(header_path, "r");
  if (!header)
    return -errno;
  char line[512];
  size_t count = 0;
  while (fgets(line, sizeof(line), header)) {
    if (strncmp(line, "UNET_API ", 9) != 0)
      continue;
    char *open = strchr(line, '(');
    if (!open)
      continue;
    char *start = open;
    while (start > line && (start[-1] == '_' || (start[-1] >= 'a' && start[-1] <= 'z') ||
                            (start[-1] >= '0' && start[-1] <= '9')))
      start--;
    size_t n = (size_t)(open - start);
    if (n == 0 || n >= 64 || count == MAX_FUNCTIONS)
      continue;
    memcpy(names[count], start, n);
    names[count][n] = '\0';
    count++;
  }
  fclose(header);
  *ret_count = count;
  return 0;
}

/* Whether rule is also in the other footprint's table (the rows are
 * shared: the same pointer). */
static bool in_footprint(const unet_syscall_rule *rule, int footprint) {
  const unet_syscall_rule *r;
  for (size_t i = 0; (r = unet_syscall_rule_at(footprint, i)); i++)
    if (r == rule)
      return true;
  return false;
}

/* The cell of one function: its calls in footprint, those shared with
 * other (shared) or not (!shared). */
static void cell(FILE *out, const char *function, int footprint, int other, bool shared) {
  const unet_syscall_rule *r;
  bool first = true;
  for (size_t i = 0; (r = unet_syscall_rule_at(footprint, i)); i++) {
    if (!listed(r->used_by, function) || in_footprint(r, other) != shared)
      continue;
    fputs(first ? "`" : "<br>`", out);
    /* A table cell's "|" must be escaped, also inside a code span. */
    for (const char *c = r->call; *c; c++)
      fputs(*c == '|' ? "\\|" : (char[]){*c, '\0'}, out);
    fputs(r->beyond_go ? "` †" : "`", out);
    first = false;
  }
  if (first)
    fputs("–", out);
}

int syscalls_doc_write(FILE *out, const char *header_path) {
  static char names[MAX_FUNCTIONS][64];
  size_t count;
  int r = read_functions(header_path, names, &count);
  if (r < 0)
    return r;
  /* Every user the table names must be a public function. */
  for (int footprint = UNET_FOOTPRINT_DEFAULT; footprint <= UNET_FOOTPRINT_GO; footprint++) {
    const unet_syscall_rule *rule;
    for (size_t i = 0; (rule = unet_syscall_rule_at(footprint, i)); i++) {
      char users[1024];
      snprintf(users, sizeof(users), "%s", rule->used_by);
      for (char *save, *word = strtok_r(users, " ", &save); word;
           word = strtok_r(NULL, " ", &save)) {
        bool found = false;
        for (size_t k = 0; k < count && !found; k++)
          found = strcmp(names[k], word) == 0;
        if (!found) {
          fprintf(stderr, "syscalls_doc: %s (a user of %s) is no UNET_API function\n", word,
                  rule->call);
          return -EINVAL;
        }
      }
    }
  }
  fputs(
      "# The syscalls libunet makes\n"
      "\n"
      "Every syscall each public function may make, with the arguments a seccomp filter can\n"
      "pin, in each footprint (see `unet_set_footprint()` and docs/seccomp-and-footprints.md).\n"
      "`ANY`: the argument varies from call to call; arguments not shown are not checked.\n"
      "†: Go's unet never makes this call (a flag it does not set, or a feature it lacks).\n"
      "`unet_socket_getsockopt()` and `unet_socket_setsockopt()` also make the caller's own\n"
      "`getsockopt(ANY, level, name, ANY, ANY)` and `setsockopt(...)`.\n"
      "\n"
      "Generated from the table in `unet/src/footprint.c` (`unet_syscall_rule_at()`) by\n"
      "`tools/bazel run //testing/seccomp:syscalls_doc > unet/SYSCALLS.md`.\n"
      "`//testing/seccomp:syscalls_doc_test` fails when this file and the table disagree;\n"
      "`//testing/seccomp:seccomp_test` runs every function under a filter built from the\n"
      "table and fails on any call it does not list.\n"
      "\n"
      "| function | both footprints | `UNET_FOOTPRINT_DEFAULT` only | `UNET_FOOTPRINT_GO` only |\n"
      "| --- | --- | --- | --- |\n",
      out);
  for (size_t k = 0; k < count; k++) {
    fprintf(out, "| `%s` | ", names[k]);
    cell(out, names[k], UNET_FOOTPRINT_DEFAULT, UNET_FOOTPRINT_GO, true);
    fputs(" | ", out);
    cell(out, names[k], UNET_FOOTPRINT_DEFAULT, UNET_FOOTPRINT_GO, false);
    fputs(" | ", out);
    cell(out, names[k], UNET_FOOTPRINT_GO, UNET_FOOTPRINT_DEFAULT, false);
    fputs(" |\n", out);
  }
  return 0;
}
