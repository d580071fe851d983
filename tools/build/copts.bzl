"""The one strict flag list shared by every C and C++ target of libunet."""

WARNINGS = [
    "-Wall",
    "-Wextra",
    "-Werror",
]

# C11 for the library, with the Linux APIs it uses declared by _GNU_SOURCE
# where a file asks for it.
C_COPTS = ["-std=c11"] + WARNINGS

# C++ for tests and tools.
CXX_COPTS = ["-std=c++17"] + WARNINGS
