/* The C peer's twin of interop/protocol/protocol.go. */
#include "interop/peer_c/peer_support.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unet/unet.h"

void peer_pattern(unsigned char *buf, size_t n, uint32_t seed) {
  for (size_t i = 0; i < n; i++) {
    uint32_t u = (uint32_t)i;
    buf[i] = (unsigned char)((u * 131u + seed) ^ (u >> 9));
  }
}

uint32_t peer_checksum(uint32_t h, const unsigned char *buf, size_t n) {
  for (size_t i = 0; i < n; i++) {
    h ^= buf[i];
    h *= 16777619u;
  }
  return h;
}

const char *peer_err_name(long code) {
  if (code == UNET_EOF)
    return "EOF";
  if (code == UNET_ETRUNC)
    return "TRUNC";
  const char *name = strerrorname_np((int)-code);
  return name ? name : "UNKNOWN";
}

void peer_print_hex(FILE *out, const unsigned char *buf, size_t n) {
  if (n == 0)
    fputc('-', out);
  for (size_t i = 0; i < n; i++)
    fprintf(out, "%02x", buf[i]);
}

static void content(int i, char *buf, size_t size) {
  snprintf(buf, size, "%s %d\n", i % 2 == 0 ? "pipe" : "file", i);
}

static void print_identity(FILE *out, int fd, int i) {
  struct stat st;
  if (i > 0)
    fputc(',', out);
  if (fstat(fd, &st) == 0)
    fprintf(out, "%llu:%llu", (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
  else
    fputc('?', out);
}

static int open_one(int i) {
  char text[32];
  content(i, text, sizeof(text));
  size_t len = strlen(text);
  if (i % 2 == 0) {
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
      return -errno;
    ssize_t w = write(p[1], text, len);
    close(p[1]);
    if (w != (ssize_t)len) {
      close(p[0]);
      return -EIO;
    }
    return p[0];
  }
  const char *dir = getenv("TMPDIR");
  int fd = open(dir ? dir : "/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    return -errno;
  if (write(fd, text, len) != (ssize_t)len) {
    close(fd);
    return -EIO;
  }
  return fd;
}

int peer_make_fds(int *fds, int count, FILE *out) {
  for (int i = 0; i < count; i++) {
    fds[i] = open_one(i);
    if (fds[i] < 0) {
      int r = fds[i];
      while (i-- > 0)
        close(fds[i]);
      return r;
    }
  }
  if (count == 0)
    fputc('-', out);
  for (int i = 0; i < count; i++)
    print_identity(out, fds[i], i);
  return 0;
}

void peer_check_fds(const int *fds, int count, FILE *out) {
  bool ok = true;
  for (int i = 0; i < count; i++) {
    char want[32], got[64];
    content(i, want, sizeof(want));
    ssize_t n = i % 2 == 0 ? read(fds[i], got, sizeof(got)) : pread(fds[i], got, sizeof(got), 0);
    if (n != (ssize_t)strlen(want) || memcmp(got, want, (size_t)n) != 0)
      ok = false;
  }
  fputs(ok ? "contentok " : "contentbad ", out);
  if (count == 0)
    fputc('-', out);
  for (int i = 0; i < count; i++)
    print_identity(out, fds[i], i);
}

int peer_parse_sizes(const char *s, size_t *sizes, int max) {
  int n = 0;
  while (*s && n < max) {
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || v < 0)
      return -1;
    sizes[n++] = (size_t)v;
    if (*end == ',')
      end++;
    else if (*end != '\0')
      return -1;
    s = end;
  }
  return *s ? -1 : n;
}

int peer_pid_of_pidfd(int pidfd) {
  char path[64], line[128];
  snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", pidfd);
  FILE *info = fopen(path, "r");
  if (!info)
    return -1;
  int pid = -1;
  while (fgets(line, sizeof(line), info))
    if (sscanf(line, "Pid: %d", &pid) == 1)
      break;
  fclose(info);
  return pid;
}
