"""The unit test suites built the same way by Bazel (unet/BUILD.bazel) and by
CMake (CMakeLists.txt reads this list): unet/tests/NAME.cc, linked with the
library, the shared fixture and gtest_main. One list, so the two builds never
run different suites."""

UNIT_TESTS = [
    "bad_input_test",
    "bind_mode_test",
    "cancel_test",
    "close_wakeup_test",
    "control_message_test",
    "credentials_test",
    "deadline_test",
    "epoll_test",
    "fd_limit_test",
    "fd_passing_test",
    "footprint_test",
    "fork_test",
    "gvisor_unet_test",
    "hostile_peer_test",
    "message_test",
    "pidfd_test",
    "record_test",
    "server_socket_test",
    "signal_test",
    "sockaddr_test",
    "socket_io_test",
    "socket_options_test",
    "spin_test",
]

# The suites that wrap C library calls at link time (-Wl,--wrap=SYMBOL), each
# with the symbols it wraps, linked with the library and the fixture.
WRAPPING_TESTS = {
    # Close's order seen from inside recvmsg, close and write.
    "close_order_test": "recvmsg close write",
    # "Inside a call" at every syscall site: a handler's Close, Release and
    # free land before and after each C library call the library makes.
    "reentry_test": "accept4 close eventfd fcntl getpeername getsockname getsockopt listen recvmsg sendmsg setsockopt shutdown syscall write",
    # Spinning told from waiting by counting recvmsg and ppoll.
    "spin_count_test": "recvmsg syscall",
}

# With a 64-bit time_t on a 32-bit ABI (--config=m32_time64), glibc's
# headers send these calls to other symbols; a wrapped call's twin is
# wrapped too (testing/time64_twins.h forwards it to the test's wrapper).
TIME64_TWINS = {
    "fcntl": "__fcntl_time64",
    "getsockopt": "__getsockopt64",
    "recvmsg": "__recvmsg64",
    "sendmsg": "__sendmsg64",
    "setsockopt": "__setsockopt64",
}

def wrap_linkopts(symbols):
    """The linker options wrapping symbols (a space-separated string) and their twins."""
    names = symbols.split(" ")
    return ["-Wl,--wrap=" + name for name in names + [TIME64_TWINS[n] for n in names if n in TIME64_TWINS]]
