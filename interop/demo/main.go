// Command demo is the Go half of `tools/bazel run //interop:demo`: with
// gVisor's own unet it listens on a socket path, starts the C half (libunet),
// sends a greeting and the fd of a file it opened, and reads the answer
// through the pipe fd the C half sends back. It prints what crosses the
// socket and exits 0, or prints the error plainly and exits 1.
//
// The C half's lines come through a pipe and are printed here at fixed
// points of the exchange, so the output's order is the same on every run.
package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/bazelbuild/rules_go/go/runfiles"
	"golang.org/x/sys/unix"
	"gvisor.dev/gvisor/pkg/unet"
	"libunet/interop/gvisorcompat"
)

func run() error {
	dir, err := os.MkdirTemp("", "unet-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "socket")

	server, err := unet.BindAndListen(path, true)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", path, err)
	}
	defer server.Close()
	fmt.Printf("Go: listening on %s (SOCK_SEQPACKET), pid %d\n", path, os.Getpid())

	binary, err := runfiles.Rlocation("libunet/interop/demo/demo_c")
	if err != nil {
		return err
	}
	c := exec.Command(binary, path)
	c.Stderr = os.Stderr
	out, err := c.StdoutPipe()
	if err != nil {
		return err
	}
	// The C half's lines, read as they come; both channels are closed when
	// its output ends (it exited).
	lines, eof := make(chan string, 64), make(chan struct{})
	go func() {
		scanner := bufio.NewScanner(out)
		for scanner.Scan() {
			lines <- scanner.Text()
		}
		close(lines)
		close(eof)
	}()
	// relay prints the C half's next n lines (-1: all), waiting for them.
	relay := func(n int) {
		for ; n != 0; n-- {
			line, ok := <-lines
			if !ok {
				return
			}
			fmt.Println(line)
		}
	}
	if err := c.Start(); err != nil {
		return fmt.Errorf("starting the C half: %w", err)
	}
	// On an early return the sockets close (the accepted one first, deferred
	// later), so the C half ends; what it printed is shown, then reaped.
	reaped := false
	defer func() {
		if !reaped {
			server.Close()
			relay(-1)
			c.Wait()
		}
	}()

	// Accept, unless the C half ends first (then nothing would connect).
	type acceptance struct {
		s   *unet.Socket
		err error
	}
	accepted := make(chan acceptance, 1)
	go func() {
		s, err := server.Accept()
		accepted <- acceptance{s, err}
	}()
	var a acceptance
	select {
	case a = <-accepted:
	case <-eof:
		// The C half ended; an accept still waiting would wait forever.
		server.Close()
		if a = <-accepted; a.err != nil {
			return fmt.Errorf("the C half ended before connecting")
		}
	}
	if a.err != nil {
		return fmt.Errorf("accepting: %w", a.err)
	}
	s := a.s
	defer s.Close()
	relay(1) // C: connected
	cred, err := gvisorcompat.PeerCred(s)
	if err != nil {
		return fmt.Errorf("reading the peer's credentials: %w", err)
	}
	fmt.Printf("Go: accepted; the peer is pid %d (uid %d, gid %d)\n", cred.Pid, cred.Uid, cred.Gid)

	// A file to share, opened here, read there.
	file, err := os.CreateTemp(dir, "shared-")
	if err != nil {
		return err
	}
	defer file.Close()
	if _, err := file.WriteString("written by Go into a file\n"); err != nil {
		return err
	}
	greeting := "hello from Go, here is a file"
	fmt.Printf("Go: sending %d bytes %q and the fd of %s\n", len(greeting), greeting, filepath.Base(file.Name()))
	w := s.Writer(true)
	w.PackFDs(int(file.Fd()))
	if _, err := w.WriteVec([][]byte{[]byte(greeting)}); err != nil {
		return fmt.Errorf("sending the greeting: %w", err)
	}

	r := s.Reader(true)
	r.EnableFDs(1)
	buf := make([]byte, 128)
	n, err := r.ReadVec([][]byte{buf})
	if err != nil {
		r.CloseFDs()
		return fmt.Errorf("reading the answer: %w", err)
	}
	fds, err := r.ExtractFDs()
	if err != nil || len(fds) < 1 {
		r.CloseFDs()
		return fmt.Errorf("taking the pipe fd: %d fds, %v", len(fds), err)
	}
	for _, extra := range fds[1:] {
		unix.Close(extra)
	}
	relay(3) // C: received, the file says, sent
	fmt.Printf("Go: received %d bytes %q and %d fd\n", n, buf[:n], len(fds))
	pipe := os.NewFile(uintptr(fds[0]), "pipe from C")
	defer pipe.Close()
	content := make([]byte, 128)
	m, err := pipe.Read(content)
	if err != nil {
		return fmt.Errorf("reading the pipe: %w", err)
	}
	fmt.Printf("Go: the pipe says %q\n", content[:m])

	relay(-1) // Anything else, to the end.
	reaped = true
	if err := c.Wait(); err != nil {
		return fmt.Errorf("the C half: %w", err)
	}
	fmt.Println("Go: done: bytes and fds crossed both ways between gVisor's unet and libunet")
	return nil
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "demo: %v\n", err)
		os.Exit(1)
	}
}
