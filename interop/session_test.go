package interop

import (
	"bufio"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bazelbuild/rules_go/go/runfiles"
	"gvisor.dev/gvisor/pkg/unet"
)

// replyLimit is how long a peer may take to answer one command.
const replyLimit = 30 * time.Second

// peerBinary returns the path of a peer program in this test's runfiles.
func peerBinary(t *testing.T, name string) string {
	t.Helper()
	path, err := runfiles.Rlocation("libunet/interop/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// session is one peer process driven over its stdin/stdout, the driver's
// end of the socket under test, and the transcript of what both observed.
type session struct {
	t          *testing.T
	cmd        *exec.Cmd
	stdin      *bufio.Writer
	lines      chan string
	sock       *unet.Socket
	packet     bool
	dir        string
	transcript []string
}

// startPeer starts binary with extra inherited files (fd 3 onwards).
func startPeer(t *testing.T, binary string, packet bool, extra []*os.File) *session {
	t.Helper()
	cmd := exec.Command(binary)
	cmd.ExtraFiles = extra
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", binary, err)
	}
	s := &session{
		t:      t,
		cmd:    cmd,
		stdin:  bufio.NewWriter(in),
		lines:  make(chan string, 16),
		packet: packet,
	}
	go func() {
		scanner := bufio.NewScanner(out)
		scanner.Buffer(make([]byte, 1<<16), 1<<22)
		for scanner.Scan() {
			s.lines <- scanner.Text()
		}
		close(s.lines)
	}()
	return s
}

// names draws the random parts of socket names: seeded per process, since
// Go 1.19's global source is not, and tests in parallel sandboxes share the
// abstract namespace and /tmp.
var names = rand.New(rand.NewSource(time.Now().UnixNano() ^ int64(os.Getpid())<<32))

// shortDir makes a temporary directory whose path has the same length in
// every run, so socket names compare across runs.
func shortDir(t *testing.T) string {
	t.Helper()
	dir := fmt.Sprintf("/tmp/unet-interop-%08x", names.Uint32())
	if err := os.Mkdir(dir, 0700); err != nil {
		t.Fatal(err)
	}
	return dir
}

// abstractName is a unique abstract name of fixed length.
func abstractName() string {
	return fmt.Sprintf("@unet-interop-%08x", names.Uint32())
}

func (s *session) kind() string {
	if s.packet {
		return "seqpacket"
	}
	return "stream"
}

// send writes one command without waiting for its reply.
func (s *session) send(command string) {
	s.t.Helper()
	fmt.Fprintln(s.stdin, command)
	if err := s.stdin.Flush(); err != nil {
		s.t.Fatalf("sending %q: %v", command, err)
	}
}

// reply waits for the peer's next reply line.
func (s *session) reply() string {
	s.t.Helper()
	select {
	case line, ok := <-s.lines:
		if !ok {
			s.t.Fatal("the peer exited without replying")
		}
		return line
	case <-time.After(replyLimit):
		s.t.Fatal("the peer did not reply in time")
	}
	return ""
}

// call sends a command and returns its reply.
func (s *session) call(command string) string {
	s.t.Helper()
	s.send(command)
	return s.reply()
}

// note appends a line to the transcript.
func (s *session) note(format string, args ...interface{}) {
	s.transcript = append(s.transcript, fmt.Sprintf(format, args...))
}

// peerDoes runs a command and records it with its reply.
func (s *session) peerDoes(command string) string {
	s.t.Helper()
	r := s.call(command)
	s.note("peer %s -> %s", command, r)
	return r
}

// expectOk fails the test unless a setup command succeeded.
func (s *session) expectOk(command string) {
	s.t.Helper()
	if r := s.call(command); r != "ok" {
		s.t.Fatalf("peer %q: %s", command, r)
	}
}

// finish closes both ends, checks that the peer leaked no fd, and waits for
// it to exit.
func (s *session) finish() {
	s.t.Helper()
	if s.sock != nil {
		s.sock.Close()
	}
	s.call("close")
	s.call("closeserver")
	s.peerDoes("fdcount")
	s.send("exit")
	if err := s.cmd.Wait(); err != nil {
		s.t.Errorf("peer exit: %v", err)
	}
	s.cleanup()
}

// kill ends the peer with SIGKILL and reaps it; the driver's socket stays.
func (s *session) kill() {
	s.cmd.Process.Signal(syscall.SIGKILL)
	s.cmd.Wait()
	s.cleanup()
}

func (s *session) cleanup() {
	if s.dir != "" {
		os.RemoveAll(s.dir)
	}
}

// fields splits a reply.
func fields(reply string) []string { return strings.Fields(reply) }
