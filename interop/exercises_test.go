package interop

import (
	"fmt"
	"strconv"
	"strings"
	"syscall"
	"time"

	"libunet/interop/gvisorcompat"
	"libunet/interop/protocol"
)

// An exercise runs on a connected session and records what both sides saw.
// It returns false when it ended the peer itself (no finish then).
type exercise struct {
	name string
	run  func(s *session) bool
}

var exercises = []exercise{
	{"Bytes", bytesBothWays},
	{"Vectors", vectorsBothWays},
	{"Fds", fdsBothWays},
	{"FdsNotEnabledOrRounded", fdsNotEnabledOrRounded},
	{"Truncation", truncation},
	{"CredentialsAndNames", credentialsAndNames},
	{"NamesAfterPassCred", namesAfterPeerTurnsOn("passcred")},
	{"NamesAfterPassPidfd", namesAfterPeerTurnsOn("passpidfd")},
	{"EofWhenPeerCloses", eofWhenPeerCloses},
	{"EofWhenDriverCloses", eofWhenDriverCloses},
	{"Shutdown", shutdown},
	{"PeerKilledWhileWriting", peerKilledWhileWriting},
	{"PeerKilledWhileReading", peerKilledWhileReading},
}

func (s *session) readAll(n int) string { return protocol.ReadAll(s.sock, n) }

func (s *session) readVec(sizes ...int) string { return protocol.ReadVec(s.sock, sizes) }

func (s *session) driverWrites(n int, seed uint32) {
	err := protocol.WriteAll(s.sock, protocol.Pattern(n, seed))
	s.note("driver writes %d bytes (seed %d): %s", n, seed, errText(err))
}

func errText(err error) string {
	if err == nil {
		return "ok"
	}
	return "err " + protocol.ErrName(err)
}

func bytesBothWays(s *session) bool {
	for i, n := range []int{1, 64 << 10, 1 << 20} {
		seed := uint32(i + 1)
		s.send(fmt.Sprintf("read %d", n))
		s.driverWrites(n, seed)
		s.note("peer read %d -> %s", n, s.reply())
		s.note("expected checksum %s", protocol.Checksum(protocol.Pattern(n, seed)))

		seed += 10
		s.send(fmt.Sprintf("write %d %d", n, seed))
		s.note("driver reads %d -> %s", n, s.readAll(n))
		s.note("peer write %d -> %s", n, s.reply())
		s.note("expected checksum %s", protocol.Checksum(protocol.Pattern(n, seed)))
	}
	// Two writes, one read: boundaries kept on seqpacket, merged on stream.
	s.driverWrites(3, 21)
	s.driverWrites(5, 22)
	s.peerDoes("readv 100")
	if !s.packet {
		return true
	}
	s.peerDoes("readv 100")
	s.peerDoes("write 3 23")
	s.peerDoes("write 5 24")
	s.note("driver readvec 100 -> %s", s.readVec(100))
	s.note("driver readvec 100 -> %s", s.readVec(100))
	return true
}

func vectorsBothWays(s *session) bool {
	bufs := [][]byte{
		protocol.Pattern(1, 31), protocol.Pattern(7, 32), {},
		protocol.Pattern(300, 33), protocol.Pattern(4096, 34),
	}
	w := s.sock.Writer(true)
	n, err := w.WriteVec(bufs)
	s.note("driver writevec 1,7,0,300,4096 -> %d %s", n, errText(err))
	s.peerDoes("readv 13,2,5000,100")

	s.peerDoes("writev 40 3,0,1000,17")
	s.note("driver readvec 5,2000,1 -> %s", s.readVec(5, 2000, 1))
	return true
}

// checkIds compares the identities the sender reported with the receiver's.
func checkIds(sent, received string, count int) string {
	want := strings.Split(sent, ",")
	if count == 0 {
		if received == "-" {
			return "identity=none"
		}
		return "identity=UNEXPECTED"
	}
	if count > len(want) || strings.Join(want[:count], ",") != received {
		return "identity=MISMATCH"
	}
	return "identity=match"
}

// driverSendsFds sends count new fds with one byte; returns their ids.
func (s *session) driverSendsFds(count int) string {
	f := fields(protocol.SendFds(s.sock, count))
	if len(f) != 3 || f[0] != "ok" {
		s.note("driver sends %d fds -> %v", count, f)
		return ""
	}
	s.note("driver sends %d fds -> %s ok", count, f[1])
	return f[2]
}

// driverReceivesFds reads one byte with room for enable fds (none if
// negative) and checks what arrived against the sender's ids.
func (s *session) driverReceivesFds(enable int, sentIds string) {
	s.note("driver receives (enable %d) -> %s", enable, s.fdReport(protocol.ReceiveFds(s.sock, enable), sentIds))
}

// fdReport turns a recvfds reply into its transcript form, with the
// identities compared against the sender's.
func (s *session) fdReport(reply, sentIds string) string {
	f := fields(reply)
	if len(f) != 5 || f[0] != "ok" {
		return reply
	}
	count, _ := strconv.Atoi(f[2])
	return fmt.Sprintf("%s bytes, %d fds, %s, %s", f[1], count, f[3], checkIds(sentIds, f[4], count))
}

// peerReceivesFds asks the peer to receive and checks its report.
func (s *session) peerReceivesFds(enable int, sentIds string) {
	s.note("peer recvfds %d -> %s", enable, s.fdReport(s.call(fmt.Sprintf("recvfds %d", enable)), sentIds))
}

// peerSendsFds asks the peer to send count fds; returns their ids.
func (s *session) peerSendsFds(count int) string {
	r := s.call(fmt.Sprintf("sendfds %d", count))
	f := fields(r)
	if len(f) != 3 || f[0] != "ok" {
		s.note("peer sendfds %d -> %s", count, r)
		return ""
	}
	s.note("peer sendfds %d -> ok %s", count, f[1])
	return f[2]
}

func fdsBothWays(s *session) bool {
	for _, count := range []int{1, 3, 64, 253} {
		ids := s.driverSendsFds(count)
		s.peerReceivesFds(count, ids)
		ids = s.peerSendsFds(count)
		s.driverReceivesFds(count, ids)
	}
	return true
}

func fdsNotEnabledOrRounded(s *session) bool {
	ids := s.driverSendsFds(2)
	s.peerReceivesFds(-1, ids) // Not enabled: none, and none leaked.
	ids = s.driverSendsFds(2)
	s.peerReceivesFds(0, ids) // EnableFDs(0): none.
	ids = s.driverSendsFds(3)
	s.peerReceivesFds(1, ids) // Enable 1 receives 2.
	ids = s.peerSendsFds(3)
	s.driverReceivesFds(1, ids)
	ids = s.peerSendsFds(2)
	s.driverReceivesFds(-1, ids)
	ids = s.peerSendsFds(5)
	s.driverReceivesFds(3, ids) // Enable 3 receives 4.
	return true
}

func truncation(s *session) bool {
	s.driverWrites(10, 51)
	s.peerDoes("readv 3,2")
	s.driverWrites(4, 52)
	s.peerDoes("readv 100")
	s.peerDoes("write 10 53")
	s.note("driver readvec 3,2 -> %s", s.readVec(3, 2))
	s.peerDoes("write 4 54")
	s.note("driver readvec 100 -> %s", s.readVec(100))
	return true
}

// whose names a pid in the transcript without its run-specific value.
func whose(pid int, peerPid int) string {
	switch pid {
	case syscall.Getpid():
		return "driver"
	case peerPid:
		return "peer"
	}
	return fmt.Sprintf("other(%d)", pid)
}

func credentialsAndNames(s *session) bool {
	peerPid := s.cmd.Process.Pid
	f := fields(s.call("peercred"))
	if len(f) == 4 && f[0] == "ok" {
		pid, _ := strconv.Atoi(f[1])
		s.note("peer peercred -> pid=%s uid-match=%t gid-match=%t", whose(pid, peerPid),
			f[2] == strconv.Itoa(syscall.Getuid()), f[3] == strconv.Itoa(syscall.Getgid()))
	} else {
		s.note("peer peercred -> %v", f)
	}
	cred, err := gvisorcompat.PeerCred(s.sock)
	if err != nil {
		s.note("driver GetPeerCred -> %s", errText(err))
	} else {
		s.note("driver GetPeerCred -> pid=%s uid-match=%t gid-match=%t",
			whose(int(cred.Pid), peerPid), int(cred.Uid) == syscall.Getuid(),
			int(cred.Gid) == syscall.Getgid())
	}

	sock, err1 := s.sock.GetSockName()
	peer, err2 := s.sock.GetPeerName()
	f = fields(s.call("names"))
	if err1 != nil || err2 != nil || len(f) != 3 || f[0] != "ok" {
		s.note("names: driver %v %v, peer %v", err1, err2, f)
		return true
	}
	s.note("peer sockname == driver peername: %t (%d bytes)",
		f[1] == protocol.Hex(peer), len(peer))
	s.note("peer peername == driver sockname: %t (%d bytes)",
		f[2] == protocol.Hex(sock), len(sock))
	return true
}

// nameKind describes a socket name without its run-specific bytes.
func nameKind(name []byte) string {
	switch {
	case len(name) <= 2:
		return fmt.Sprintf("unnamed (%d bytes)", len(name))
	case name[2] == 0:
		return fmt.Sprintf("abstract (%d bytes)", len(name))
	}
	return fmt.Sprintf("path (%d bytes)", len(name))
}

// namesAfterPeerTurnsOn records what the driver sees as its peer's name
// before and after the peer turns on SO_PASSCRED or SO_PASSPIDFD and writes:
// the kernel autobinds an unnamed sender with either option on (seqpacket:
// at its next send; stream: only at connect, which comes first here).
func namesAfterPeerTurnsOn(option string) func(s *session) bool {
	return func(s *session) bool {
		before, err := s.sock.GetPeerName()
		s.note("driver GetPeerName -> %s %s", nameKind(before), errText(err))
		s.peerDoes(option)
		after, err := s.sock.GetPeerName()
		s.note("driver GetPeerName after %s -> %s %s", option, nameKind(after), errText(err))
		s.peerDoes("write 1 61")
		s.note("driver reads 1 -> %s", s.readAll(1))
		after, err = s.sock.GetPeerName()
		s.note("driver GetPeerName after a write -> %s %s", nameKind(after), errText(err))
		f := fields(s.call("names"))
		if len(f) != 3 || f[0] != "ok" {
			s.note("peer names -> %v", f)
			return true
		}
		s.note("peer sockname == driver peername: %t", f[1] == protocol.Hex(after))
		return true
	}
}

func eofWhenPeerCloses(s *session) bool {
	s.peerDoes("close")
	s.note("driver read -> %s", s.readAll(1))
	s.peerDoes("close")
	return true
}

func eofWhenDriverCloses(s *session) bool {
	err := s.sock.Close()
	s.note("driver Close -> %s", errText(err))
	s.note("driver Close again -> %s", errText(s.sock.Close()))
	s.sock = nil
	s.peerDoes("read 1")
	s.peerDoes("write 1 0")
	return true
}

func shutdown(s *session) bool {
	s.peerDoes("shutdown")
	s.note("driver read -> %s", s.readAll(1))
	s.driverWrites(1, 0)
	s.note("driver Shutdown -> %s", errText(s.sock.Shutdown()))
	s.peerDoes("read 1")
	return true
}

// gone folds the errors of a killed peer that depend on timing (whether its
// receive queue was empty when it died) into one class.
func gone(result string) string {
	switch result {
	case "err EPIPE", "err ECONNRESET":
		return "err EPIPE|ECONNRESET"
	}
	return result
}

func peerKilledWhileWriting(s *session) bool {
	s.send("writeloop")
	s.note("driver reads 64 KiB while the peer writes -> %s", strings.Fields(s.readAll(64 << 10))[0])
	s.kill()
	// What was queued before the kill is still read; then the end.
	buf := make([]byte, protocol.MaxChunk)
	var err error
	for err == nil {
		_, err = s.sock.Read(buf)
	}
	s.note("after SIGKILL the driver reads until -> %s", gone(errText(err)))
	s.sock.Close()
	s.sock = nil
	return false
}

func peerKilledWhileReading(s *session) bool {
	s.send("readloop")
	s.driverWrites(256<<10, 61)
	s.kill()
	var err error
	deadline := time.Now().Add(replyLimit)
	for err == nil && time.Now().Before(deadline) {
		_, err = s.sock.Write(protocol.Pattern(4096, 62))
	}
	s.note("after SIGKILL the driver writes until -> %s", gone(errText(err)))
	s.sock.Close()
	s.sock = nil
	return false
}
