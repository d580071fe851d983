"""The language levels of libunet's C and C++ targets.

Warnings are not here: they are the project's own, set for its own builds in
.bazelrc (`--per_file_copt` on the project's directories), so that a
workspace depending on @libunet//unet never compiles with our -Werror.
"""

# C11 for the library, with the Linux APIs it uses declared by _GNU_SOURCE
# where a file asks for it.
C_COPTS = ["-std=c11"]

# C++ for tests and tools (GoogleTest 1.13 and later need C++17).
CXX_COPTS = ["-std=c++17"]
