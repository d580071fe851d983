/* What the C peer shares with the Go side of the interop tests, written to
 * produce the same bytes: the pattern, its checksum, error names, fd sets.
 * interop/protocol/protocol.go is the Go twin; PROTOCOL.md describes both. */
#ifndef LIBUNET_INTEROP_PEER_C_PEER_SUPPORT_H_
#define LIBUNET_INTEROP_PEER_C_PEER_SUPPORT_H_

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The most one read or write call moves (the largest seqpacket message). */
#define PEER_MAX_CHUNK 65536

/* Fills buf[0..n) with the pattern for seed. */
void peer_pattern(unsigned char *buf, size_t n, uint32_t seed);

/* 32-bit FNV-1a, continued from h (start with PEER_FNV_START). */
#define PEER_FNV_START UINT32_C(2166136261)
uint32_t peer_checksum(uint32_t h, const unsigned char *buf, size_t n);

/* The transcript's name of a libunet result: EOF, TRUNC, EBADF... */
const char *peer_err_name(long code);

/* Prints buf as lower-case hex, "-" when empty. */
void peer_print_hex(FILE *out, const unsigned char *buf, size_t n);

/* Opens count fds (pipe read ends for even i, unlinked files for odd i,
 * each holding its content). Prints their identities to out. Returns 0 or a
 * negative errno; on failure none stays open. */
int peer_make_fds(int *fds, int count, FILE *out);

/* Reads each received fd, prints "contentok|contentbad ids" to out. */
void peer_check_fds(const int *fds, int count, FILE *out);

/* Parses "3,1,4" into sizes; returns how many, or -1. */
int peer_parse_sizes(const char *s, size_t *sizes, int max);

/* The pid a pidfd refers to (from /proc/self/fdinfo), or -1. */
int peer_pid_of_pidfd(int pidfd);

#endif /* LIBUNET_INTEROP_PEER_C_PEER_SUPPORT_H_ */
