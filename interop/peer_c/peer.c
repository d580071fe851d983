/* The C peer of the interop tests: runs the commands of PROTOCOL.md on a
 * socket made with libunet, exactly as the Go peer (../peer_go) does with
 * gVisor's unet. One command per stdin line, one reply per stdout line. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "interop/peer_c/peer_support.h"
#include "testing/fd_census.h"
#include "unet/unet.h"

#define MAX_WORDS 4
#define MAX_IOVS 16

struct peer {
  unet_server_socket *server;
  unet_socket *conn;
  int baseline;
};

static void err_reply(long code) { printf("err %s", peer_err_name(code)); }

static int kind_is_packet(const char *kind, bool *packet) {
  *packet = strcmp(kind, "seqpacket") == 0;
  return *packet || strcmp(kind, "stream") == 0 ? 0 : -1;
}

/* listen KIND ADDR, or connect KIND ADDR. */
static void cmd_listen_or_connect(struct peer *p, char **w, bool listening) {
  bool packet;
  if (kind_is_packet(w[1], &packet) < 0) {
    printf("err USAGE");
    return;
  }
  int r = listening ? unet_bind_and_listen(w[2], packet, &p->server)
                    : unet_connect(w[2], packet, &p->conn);
  r < 0 ? err_reply(r) : (void)printf("ok");
}

static void cmd_write(struct peer *p, char **w) {
  size_t n = strtoul(w[1], NULL, 10);
  unsigned char *data = malloc(n ? n : 1);
  if (!data) {
    err_reply(-ENOMEM);
    return;
  }
  peer_pattern(data, n, (uint32_t)strtoul(w[2], NULL, 10));
  size_t done = 0;
  ssize_t r = 0;
  while (done < n) {
    size_t chunk = n - done < PEER_MAX_CHUNK ? n - done : PEER_MAX_CHUNK;
    r = unet_socket_write(p->conn, data + done, chunk);
    if (r <= 0)
      break;
    done += (size_t)r;
  }
  free(data);
  done < n ? err_reply(r) : (void)printf("ok %zu", n);
}

static void cmd_writev(struct peer *p, char **w) {
  size_t sizes[MAX_IOVS];
  int count = peer_parse_sizes(w[2], sizes, MAX_IOVS);
  if (count < 0) {
    printf("err USAGE");
    return;
  }
  uint32_t seed = (uint32_t)strtoul(w[1], NULL, 10);
  struct iovec iov[MAX_IOVS];
  for (int i = 0; i < count; i++) {
    iov[i].iov_base = malloc(sizes[i] ? sizes[i] : 1);
    iov[i].iov_len = sizes[i];
    peer_pattern(iov[i].iov_base, sizes[i], seed + (uint32_t)i);
  }
  unet_socket_writer writer;
  unet_socket_writer_init(&writer, p->conn, true);
  ssize_t r = unet_socket_writer_writev(&writer, iov, count);
  for (int i = 0; i < count; i++)
    free(iov[i].iov_base);
  r < 0 ? err_reply(r) : (void)printf("ok %zd", r);
}

static void cmd_read(struct peer *p, char **w) {
  size_t want = strtoul(w[1], NULL, 10), got = 0;
  static unsigned char buf[PEER_MAX_CHUNK];
  uint32_t h = PEER_FNV_START;
  while (got < want) {
    size_t limit = want - got < sizeof(buf) ? want - got : sizeof(buf);
    ssize_t r = unet_socket_read(p->conn, buf, limit);
    if (r < 0) {
      err_reply(r);
      return;
    }
    h = peer_checksum(h, buf, (size_t)r);
    got += (size_t)r;
  }
  printf("ok %zu %08x", got, h);
}

static void cmd_readv(struct peer *p, char **w) {
  size_t sizes[MAX_IOVS], total = 0;
  int count = peer_parse_sizes(w[1], sizes, MAX_IOVS);
  if (count < 0) {
    printf("err USAGE");
    return;
  }
  for (int i = 0; i < count; i++)
    total += sizes[i];
  unsigned char *all = calloc(1, total ? total : 1);
  struct iovec iov[MAX_IOVS];
  size_t offset = 0;
  for (int i = 0; i < count; i++) {
    iov[i] = (struct iovec){.iov_base = all + offset, .iov_len = sizes[i]};
    offset += sizes[i];
  }
  unet_socket_reader reader;
  unet_socket_reader_init(&reader, p->conn, true);
  ssize_t r = unet_socket_reader_readv(&reader, iov, count);
  if (r == UNET_ETRUNC) {
    printf("err TRUNC %zu %08x", total, peer_checksum(PEER_FNV_START, all, total));
  } else if (r < 0) {
    err_reply(r);
  } else {
    printf("ok %zd %08x", r, peer_checksum(PEER_FNV_START, all, (size_t)r));
  }
  free(all);
}

/* sendfds, and sendcred (beyond Go: credentials next to the fds). */
static void cmd_sendfds(struct peer *p, char **w, bool credentials) {
  int count = atoi(w[1]);
  int fds[UNET_MAX_FDS];
  if (count < 0 || count > UNET_MAX_FDS) {
    printf("err USAGE");
    return;
  }
  char *ids;
  size_t ids_len;
  FILE *ids_out = open_memstream(&ids, &ids_len);
  int r = peer_make_fds(fds, count, ids_out);
  fclose(ids_out);
  if (r < 0) {
    free(ids);
    err_reply(r);
    return;
  }
  unet_socket_writer writer;
  unet_socket_writer_init(&writer, p->conn, true);
  unet_control_message_pack_fds(&writer.control, fds, count);
  if (credentials)
    unet_control_message_pack_credentials(&writer.control, NULL);
  struct iovec iov = {.iov_base = "F", .iov_len = 1};
  ssize_t n = unet_socket_writer_writev(&writer, &iov, 1);
  for (int i = 0; i < count; i++)
    close(fds[i]);
  n < 0 ? err_reply(n) : (void)printf("ok %zd %s", n, ids);
  free(ids);
}

static void cmd_recvfds(struct peer *p, char **w) {
  int enable = atoi(w[1]);
  unet_socket_reader reader;
  unet_socket_reader_init(&reader, p->conn, true);
  if (enable >= 0 && unet_control_message_enable_fds(&reader.control, enable) < 0) {
    printf("err USAGE");
    return;
  }
  char byte;
  struct iovec iov = {.iov_base = &byte, .iov_len = 1};
  ssize_t n = unet_socket_reader_readv(&reader, &iov, 1);
  if (n < 0) {
    unet_control_message_close_fds(&reader.control);
    err_reply(n);
    return;
  }
  int fds[UNET_MAX_FDS + 1];
  int count = unet_control_message_extract_fds(&reader.control, fds, UNET_MAX_FDS + 1);
  if (count < 0) {
    unet_control_message_close_fds(&reader.control);
    err_reply(count);
    return;
  }
  printf("ok %zd %d ", n, count);
  peer_check_fds(fds, count, stdout);
  for (int i = 0; i < count; i++)
    close(fds[i]);
}

/* Reads one byte with room for `enable` fds and credentials; reports the
 * credentials, the fds' count and whether they are close-on-exec. */
static void cmd_recvcred(struct peer *p, char **w) {
  unet_socket_reader reader;
  unet_socket_reader_init(&reader, p->conn, true);
  unet_control_message_enable_fds(&reader.control, atoi(w[1]));
  unet_control_message_enable_credentials(&reader.control);
  char byte;
  struct iovec iov = {.iov_base = &byte, .iov_len = 1};
  ssize_t n = unet_socket_reader_readv(&reader, &iov, 1);
  struct ucred cred = {0, 0, 0};
  int fds[UNET_MAX_FDS + 1];
  int count = n < 0 ? (int)n : unet_control_message_credentials(&reader.control, &cred);
  if (count == 0)
    count = unet_control_message_take_fds(&reader.control, fds, UNET_MAX_FDS + 1);
  if (count < 0) {
    unet_control_message_close_fds(&reader.control);
    err_reply(count);
    return;
  }
  int cloexec = 0;
  for (int i = 0; i < count; i++) {
    cloexec += (fcntl(fds[i], F_GETFD) & FD_CLOEXEC) != 0;
    close(fds[i]);
  }
  printf("ok %zd %d %u %u %d cloexec=%d", n, cred.pid, cred.uid, cred.gid, count, cloexec);
}

/* The pid behind the peer's pidfd (SO_PEERPIDFD). */
static void cmd_peerpidfd(struct peer *p) {
  int pidfd = unet_socket_peer_pidfd(p->conn);
  if (pidfd < 0) {
    err_reply(pidfd);
    return;
  }
  printf("ok %d", peer_pid_of_pidfd(pidfd));
  close(pidfd);
}

/* The pid behind the pidfd that comes with the next message (SCM_PIDFD). */
static void cmd_recvpidfd(struct peer *p) {
  unet_socket_reader reader;
  unet_socket_reader_init(&reader, p->conn, true);
  unet_control_message_enable_fds(&reader.control, 0);
  unet_control_message_enable_pidfd(&reader.control);
  char byte;
  struct iovec iov = {.iov_base = &byte, .iov_len = 1};
  ssize_t n = unet_socket_reader_readv(&reader, &iov, 1);
  int pidfd = n < 0 ? (int)n : unet_control_message_take_pidfd(&reader.control);
  unet_control_message_close_fds(&reader.control);
  if (pidfd < 0) {
    err_reply(pidfd);
    return;
  }
  printf("ok %d", peer_pid_of_pidfd(pidfd));
  close(pidfd);
}

/* A read that gives up after MS milliseconds. */
static void cmd_readtimeout(struct peer *p, char **w) {
  unet_socket_reader reader;
  unet_socket_reader_init(&reader, p->conn, true);
  reader.timeout_ns = (int64_t)atoi(w[1]) * 1000000;
  char byte;
  struct iovec iov = {.iov_base = &byte, .iov_len = 1};
  ssize_t n = unet_socket_reader_readv(&reader, &iov, 1);
  n < 0 ? err_reply(n) : (void)printf("ok %zd", n);
}

static void cmd_names(struct peer *p) {
  unsigned char sock[sizeof(struct sockaddr_un)], peer[sizeof(struct sockaddr_un)];
  ssize_t s = unet_socket_sock_name(p->conn, sock, sizeof(sock));
  if (s < 0) {
    err_reply(s);
    return;
  }
  ssize_t q = unet_socket_peer_name(p->conn, peer, sizeof(peer));
  if (q < 0) {
    err_reply(q);
    return;
  }
  printf("ok ");
  peer_print_hex(stdout, sock, (size_t)s);
  putchar(' ');
  peer_print_hex(stdout, peer, (size_t)q);
}

static void cmd_loop(struct peer *p, bool write) {
  static unsigned char chunk[65536];
  peer_pattern(chunk, sizeof(chunk), 0);
  for (;;) {
    ssize_t r = write ? unet_socket_write(p->conn, chunk, 4096)
                      : unet_socket_read(p->conn, chunk, sizeof(chunk));
    if (r < 0) {
      err_reply(r);
      return;
    }
  }
}

static void reply_status(int r) { r < 0 ? err_reply(r) : (void)printf("ok"); }

/* Runs one command; returns false for "exit". */
static bool run(struct peer *p, char **w, int n) {
  static const struct {
    const char *name;
    int words;
    bool conn;
  } commands[] = {
      {"listen", 3, false},
      {"accept", 1, false},
      {"closeserver", 1, false},
      {"connect", 3, false},
      {"inherit", 2, false},
      {"write", 3, true},
      {"writev", 3, true},
      {"read", 2, true},
      {"readv", 2, true},
      {"sendfds", 2, true},
      {"recvfds", 2, true},
      {"shutdown", 1, true},
      {"close", 1, true},
      {"peercred", 1, true},
      {"names", 1, true},
      {"writeloop", 1, true},
      {"readloop", 1, true},
      {"fdcount", 1, false},
      {"pid", 1, false},
      {"exit", 1, false},
      /* Beyond Go: the C peer only. */
      {"sendcred", 2, true},
      {"recvcred", 2, true},
      {"peerpidfd", 1, true},
      {"recvpidfd", 1, true},
      {"readtimeout", 2, true},
      {"passcred", 1, true},
      {"passpidfd", 1, true},
  };
  size_t i = 0;
  while (i < sizeof(commands) / sizeof(commands[0]) && strcmp(w[0], commands[i].name))
    i++;
  if (i == sizeof(commands) / sizeof(commands[0]) || n < commands[i].words) {
    printf("err USAGE");
  } else if (commands[i].conn && !p->conn) {
    printf("err NOSOCKET");
  } else if (!strcmp(w[0], "exit")) {
    return false;
  } else if (!strcmp(w[0], "listen") || !strcmp(w[0], "connect")) {
    cmd_listen_or_connect(p, w, !strcmp(w[0], "listen"));
  } else if (!strcmp(w[0], "accept")) {
    p->server ? reply_status(unet_server_socket_accept(p->server, &p->conn))
              : (void)printf("err NOSOCKET");
  } else if (!strcmp(w[0], "closeserver")) {
    p->server ? reply_status(unet_server_socket_close(p->server)) : (void)printf("err NOSOCKET");
  } else if (!strcmp(w[0], "inherit")) {
    int r = unet_socket_new(atoi(w[1]), &p->conn);
    p->baseline -= r == 0;
    reply_status(r);
  } else if (!strcmp(w[0], "write")) {
    cmd_write(p, w);
  } else if (!strcmp(w[0], "writev")) {
    cmd_writev(p, w);
  } else if (!strcmp(w[0], "read")) {
    cmd_read(p, w);
  } else if (!strcmp(w[0], "readv")) {
    cmd_readv(p, w);
  } else if (!strcmp(w[0], "sendfds") || !strcmp(w[0], "sendcred")) {
    cmd_sendfds(p, w, !strcmp(w[0], "sendcred"));
  } else if (!strcmp(w[0], "recvfds")) {
    cmd_recvfds(p, w);
  } else if (!strcmp(w[0], "shutdown")) {
    reply_status(unet_socket_shutdown(p->conn));
  } else if (!strcmp(w[0], "close")) {
    reply_status(unet_socket_close(p->conn));
  } else if (!strcmp(w[0], "peercred")) {
    struct ucred cred;
    int r = unet_socket_peer_cred(p->conn, &cred);
    r < 0 ? err_reply(r) : (void)printf("ok %d %u %u", cred.pid, cred.uid, cred.gid);
  } else if (!strcmp(w[0], "names")) {
    cmd_names(p);
  } else if (!strcmp(w[0], "writeloop") || !strcmp(w[0], "readloop")) {
    cmd_loop(p, !strcmp(w[0], "writeloop"));
  } else if (!strcmp(w[0], "fdcount")) {
    printf("ok %d", fd_census() - p->baseline);
  } else if (!strcmp(w[0], "pid")) {
    printf("ok %d", getpid());
  } else if (!strcmp(w[0], "recvcred")) {
    cmd_recvcred(p, w);
  } else if (!strcmp(w[0], "peerpidfd")) {
    cmd_peerpidfd(p);
  } else if (!strcmp(w[0], "recvpidfd")) {
    cmd_recvpidfd(p);
  } else if (!strcmp(w[0], "passcred")) {
    reply_status(unet_socket_pass_credentials(p->conn, true));
  } else if (!strcmp(w[0], "passpidfd")) {
    reply_status(unet_socket_pass_pidfd(p->conn, true));
  } else if (!strcmp(w[0], "readtimeout")) {
    cmd_readtimeout(p, w);
  }
  putchar('\n');
  fflush(stdout);
  return true;
}

int main(void) {
  /* LIBUNET_PEER_FOOTPRINT=go: every syscall as gVisor's Go unet makes it. */
  const char *footprint = getenv("LIBUNET_PEER_FOOTPRINT");
  if (footprint && strcmp(footprint, "go") == 0)
    unet_set_footprint(UNET_FOOTPRINT_GO);
  struct peer p = {.baseline = fd_census()};
  char *line = NULL;
  size_t cap = 0;
  while (getline(&line, &cap, stdin) > 0) {
    char *words[MAX_WORDS], *save = NULL;
    int n = 0;
    for (char *t = strtok_r(line, " \t\n", &save); t && n < MAX_WORDS;
         t = strtok_r(NULL, " \t\n", &save))
      words[n++] = t;
    if (n > 0 && !run(&p, words, n))
      break;
  }
  free(line);
  unet_socket_free(p.conn);
  unet_server_socket_free(p.server);
  return 0;
}
