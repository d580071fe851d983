/* Runs a fuzz target over the files named on the command line: the seed
 * corpus as a regression test in ordinary builds (with --config=fuzz,
 * libFuzzer provides main instead). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    FILE *f = fopen(argv[i], "rb");
    if (!f) {
      perror(argv[i]);
      return 1;
    }
    static uint8_t buf[1 << 16];
    size_t size = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    LLVMFuzzerTestOneInput(buf, size);
  }
  printf("%d inputs ran cleanly\n", argc - 1);
  return 0;
}
