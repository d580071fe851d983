// Package gvisorcompat lets the same Go code build against the gVisor
// versions Debian ships: bookworm's pkg/unet (2022) and sid's, which dropped
// Socket.GetPeerCred. The build tag gvisor_getpeercred, set by
// //tools/go:go_sdk.bzl from the installed sources, picks the file.
package gvisorcompat
