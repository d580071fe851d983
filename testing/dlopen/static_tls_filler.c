/* A shared object holding FILLER_BYTES of initial-exec TLS: dlopened in
 * decreasing sizes by dlopen_check.c until the static TLS block that glibc
 * keeps for dlopen is full. */
#ifndef FILLER_BYTES
#error "build with -DFILLER_BYTES=n"
#endif

__attribute__((tls_model("initial-exec"))) _Thread_local char filler[FILLER_BYTES];

/* Refers to the TLS, so that the object needs a static TLS slot. */
char *static_tls_filler(void) { return filler; }
