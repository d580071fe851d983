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
