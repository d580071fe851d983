//go:build !gvisor_getpeercred

package gvisorcompat

import (
	"golang.org/x/sys/unix"
	"gvisor.dev/gvisor/pkg/unet"
)

// PeerCred asks for SO_PEERCRED on the socket's fd, the one getsockopt that
// older gVisor's Socket.GetPeerCred made; this gVisor no longer has the
// method.
func PeerCred(s *unet.Socket) (*unix.Ucred, error) {
	return unix.GetsockoptUcred(s.FD(), unix.SOL_SOCKET, unix.SO_PEERCRED)
}
