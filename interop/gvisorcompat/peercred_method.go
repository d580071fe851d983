//go:build gvisor_getpeercred

package gvisorcompat

import (
	"golang.org/x/sys/unix"
	"gvisor.dev/gvisor/pkg/unet"
)

// PeerCred is gVisor's Socket.GetPeerCred, which this gVisor still has.
func PeerCred(s *unet.Socket) (*unix.Ucred, error) {
	return s.GetPeerCred()
}
