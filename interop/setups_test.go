package interop

import (
	"os"
	"strconv"
	"testing"

	"gvisor.dev/gvisor/pkg/unet"
)

// A setup starts a peer and connects the driver to it.
type setup struct {
	name  string
	start func(t *testing.T, binary string, packet bool) *session
}

var setups = []setup{
	{"PeerListensOnPath", peerListens(false)},
	{"PeerListensOnAbstractName", peerListens(true)},
	{"DriverListensOnPath", driverListens(false)},
	{"DriverListensOnAbstractName", driverListens(true)},
	{"InheritedSocketpair", inheritedSocketpair},
}

func peerListens(abstract bool) func(*testing.T, string, bool) *session {
	return func(t *testing.T, binary string, packet bool) *session {
		s := startPeer(t, binary, packet, nil)
		addr := s.address(abstract)
		s.expectOk("listen " + s.kind() + " " + addr)
		sock, err := unet.Connect(addr, packet)
		if err != nil {
			t.Fatalf("Connect: %v", err)
		}
		s.sock = sock
		s.expectOk("accept")
		return s
	}
}

func driverListens(abstract bool) func(*testing.T, string, bool) *session {
	return func(t *testing.T, binary string, packet bool) *session {
		s := startPeer(t, binary, packet, nil)
		addr := s.address(abstract)
		server, err := unet.BindAndListen(addr, packet)
		if err != nil {
			t.Fatalf("BindAndListen: %v", err)
		}
		defer server.Close()
		s.send("connect " + s.kind() + " " + addr)
		sock, err := server.Accept()
		if err != nil {
			t.Fatalf("Accept: %v", err)
		}
		s.sock = sock
		if r := s.reply(); r != "ok" {
			t.Fatalf("peer connect: %s", r)
		}
		return s
	}
}

// address names the socket: abstract, or a path in a directory of s's own.
func (s *session) address(abstract bool) string {
	if abstract {
		return abstractName()
	}
	s.dir = shortDir(s.t)
	return s.dir + "/socket"
}

// inheritedSocketpair gives the peer one end of a socketpair across exec.
func inheritedSocketpair(t *testing.T, binary string, packet bool) *session {
	a, b, err := unet.SocketPair(packet)
	if err != nil {
		t.Fatalf("SocketPair: %v", err)
	}
	fd, err := b.Release()
	if err != nil {
		t.Fatalf("Release: %v", err)
	}
	file := os.NewFile(uintptr(fd), "socketpair end")
	s := startPeer(t, binary, packet, []*os.File{file})
	file.Close()
	s.sock = a
	s.expectOk("inherit " + strconv.Itoa(3))
	return s
}
