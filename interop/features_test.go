package interop

import (
	"fmt"
	"os"
	"strconv"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
	"libunet/interop/protocol"
)

// Beyond Go: libunet's extra features, used by the C peer against gVisor's
// unet in this process. The Go side needs nothing new: credentials ride in
// a ControlMessage built and parsed with golang.org/x/sys/unix.

// cPeer connects the driver to the C peer listening on an abstract name.
func cPeer(t *testing.T) *session {
	return peerListens(true)(t, peerBinary(t, "peer_c"), true)
}

func expectReply(t *testing.T, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("reply %q, want %q", got, want)
	}
}

func TestReceivedFdsAreCloseOnExecOnTheCSide(t *testing.T) {
	s := cPeer(t)
	defer s.finish()
	s.expectOk("passcred")
	s.send("recvcred 3") // Reports how many received fds are close-on-exec.
	s.driverSendsFds(3)
	r := fields(s.reply())
	if len(r) != 7 || r[5] != "3" || r[6] != "cloexec=3" {
		t.Errorf("C peer received %v, want 3 fds, all close-on-exec", r)
	}
}

func TestGoSendsCredentialsAndFdsToC(t *testing.T) {
	s := cPeer(t)
	defer s.finish()
	s.expectOk("passcred")
	s.send("recvcred 2")
	fds, _, err := protocol.MakeFds(2)
	if err != nil {
		t.Fatal(err)
	}
	defer protocol.CloseFds(fds)
	w := s.sock.Writer(true)
	own := unix.Ucred{Pid: int32(os.Getpid()), Uid: uint32(os.Getuid()), Gid: uint32(os.Getgid())}
	w.ControlMessage = append(unix.UnixRights(fds...), unix.UnixCredentials(&own)...)
	if _, err := w.WriteVec([][]byte{[]byte("G")}); err != nil {
		t.Fatalf("WriteVec: %v", err)
	}
	want := fmt.Sprintf("ok 1 %d %d %d 2 cloexec=2", os.Getpid(), os.Getuid(), os.Getgid())
	expectReply(t, s.reply(), want)
}

func TestCSendsCredentialsAndFdsToGo(t *testing.T) {
	s := cPeer(t)
	defer s.finish()
	if err := s.sock.SetSockOpt(unix.SOL_SOCKET, unix.SO_PASSCRED, []byte{1, 0, 0, 0}); err != nil {
		t.Fatalf("SO_PASSCRED: %v", err)
	}
	f := fields(s.call("sendcred 2"))
	if len(f) != 3 || f[0] != "ok" {
		t.Fatalf("sendcred: %v", f)
	}
	r := s.sock.Reader(true)
	r.ControlMessage = make([]byte, unix.CmsgSpace(2*4)+unix.CmsgSpace(unix.SizeofUcred))
	buf := make([]byte, 1)
	if _, err := r.ReadVec([][]byte{buf}); err != nil {
		t.Fatalf("ReadVec: %v", err)
	}
	msgs, err := unix.ParseSocketControlMessage(r.ControlMessage)
	if err != nil {
		t.Fatalf("parsing: %v", err)
	}
	var cred *unix.Ucred
	var fds []int
	for i := range msgs {
		if c, err := unix.ParseUnixCredentials(&msgs[i]); err == nil {
			cred = c
		} else if got, err := unix.ParseUnixRights(&msgs[i]); err == nil {
			fds = append(fds, got...)
		}
	}
	defer protocol.CloseFds(fds)
	if cred == nil || int(cred.Pid) != s.cmd.Process.Pid {
		t.Errorf("credentials %+v, want the C peer's pid %d", cred, s.cmd.Process.Pid)
	}
	verdict, ids := protocol.CheckFds(fds)
	if len(fds) != 2 || verdict != "contentok" || ids != f[2] {
		t.Errorf("fds %v: %s, ids %s, want 2 fds with ids %s", fds, verdict, ids, f[2])
	}
}

func TestCSeesTheGoProcessThroughPidfds(t *testing.T) {
	s := cPeer(t)
	defer s.finish()
	expectReply(t, s.call("peerpidfd"), "ok "+strconv.Itoa(syscall.Getpid()))
	s.expectOk("passpidfd")
	s.send("recvpidfd")
	if _, err := s.sock.Write([]byte("p")); err != nil {
		t.Fatal(err)
	}
	expectReply(t, s.reply(), "ok "+strconv.Itoa(syscall.Getpid()))
}

func TestCReadFromSilentGoPeerTimesOut(t *testing.T) {
	s := cPeer(t)
	defer s.finish()
	expectReply(t, s.call("readtimeout 50"), "err ETIMEDOUT")
	// And the connection still works afterwards.
	s.send("read 1")
	if _, err := s.sock.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	if r := fields(s.reply()); len(r) != 3 || r[0] != "ok" {
		t.Errorf("read after the timeout: %v", r)
	}
}
