/* unet/SYSCALLS.md, generated from unet_syscall_rule_at(). */
#ifndef LIBUNET_TESTING_SECCOMP_SYSCALLS_DOC_H_
#define LIBUNET_TESTING_SECCOMP_SYSCALLS_DOC_H_

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Writes the document to out, one row per UNET_API function of the header
 * at header_path. Returns 0, -EINVAL when the table names a user that is
 * no public function (said on stderr), or the errno of reading the header. */
int syscalls_doc_write(FILE *out, const char *header_path);

#ifdef __cplusplus
}
#endif

#endif /* LIBUNET_TESTING_SECCOMP_SYSCALLS_DOC_H_ */
