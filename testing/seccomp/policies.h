/* Seccomp policies for the footprint tests: gVisor's gofer and sentry
 * allowlists transcribed for the syscalls that pkg/unet and libunet make,
 * and libunet's own published tables (unet_syscall_rule_at). */
#ifndef LIBUNET_TESTING_SECCOMP_POLICIES_H_
#define LIBUNET_TESTING_SECCOMP_POLICIES_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum policy {
  POLICY_GOFER,            /* runsc/fsgofer/filter, UDS open and create on */
  POLICY_GOFER_AS_SHIPPED, /* the same without the rules added for Go's unet */
  POLICY_SENTRY,           /* runsc/boot/filter, with its control server */
  POLICY_LIBUNET_DEFAULT,  /* unet_syscall_rule_at(UNET_FOOTPRINT_DEFAULT) */
  POLICY_LIBUNET_GO,       /* unet_syscall_rule_at(UNET_FOOTPRINT_GO) */
};

/* The policy's name ("gofer"...), for messages. */
const char *policy_name(enum policy policy);

/* Installs, on every thread of this process (TSYNC), a filter that lets
 * each watched syscall (every one that gVisor's unet or libunet may make)
 * through only as the policy allows it, and raises SIGSYS (SECCOMP_RET_TRAP)
 * otherwise; every other syscall is allowed. extra_* adds socket options
 * that the caller passes to getsockopt/setsockopt (SOL_SOCKET), as a
 * component adds the options it uses. Sets no_new_privs; survives exec.
 * Returns 0 or a negative errno. */
int policy_load(enum policy policy, const int *extra_options, size_t extra_count);

/* policy_load() for a Go program (the control): also allows the watched
 * calls that the Go runtime itself makes and the 2022-2024 policies
 * predate (Go 1.23's netpoller: eventfd2(0, EFD_CLOEXEC | EFD_NONBLOCK)).
 * They are the toolchain's, not unet's, so the C runs never get them. */
int policy_load_for_go_runtime(enum policy policy, const int *extra_options, size_t extra_count);

#ifdef __cplusplus
}
#endif

#endif /* LIBUNET_TESTING_SECCOMP_POLICIES_H_ */
