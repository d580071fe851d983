// lisafs's framing against C on libunet's whole-message calls: the Go side
// writes and reads exactly as gVisor's pkg/lisafs/sock.go does (writeTo:
// the fds packed for the first WriteVec only; readFrom: room for the fds
// until the first chunk, none after), with 1 MiB payloads that force partial
// writes and 3 fds each way. The C echo (peer.c: read_full, write_all) must
// give the transcript a Go echo written with the same two loops gives.
package framing_test

import (
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"gvisor.dev/gvisor/pkg/unet"

	"github.com/bazelbuild/rules_go/go/runfiles"
)

const headerLen = 8 // lisafs's sockHeader: payloadLen uint32, message uint16, padding.
const framingFDs = 3

// writeTo is lisafs's: every byte of iovec, the fds with the first chunk.
func writeTo(s *unet.Socket, iovec [][]byte, dataLen int, fds []int) error {
	w := s.Writer(true)
	if len(fds) > 0 {
		w.PackFDs(fds...)
	}
	unpacked := false
	for n := 0; n < dataLen; {
		cur, err := w.WriteVec(iovec)
		if err != nil {
			return err
		}
		if n += cur; n >= dataLen {
			break
		}
		for consumed := 0; consumed < cur; {
			if len(iovec[0]) <= cur-consumed {
				consumed += len(iovec[0])
				iovec = iovec[1:]
			} else {
				iovec[0] = iovec[0][cur-consumed:]
				break
			}
		}
		if !unpacked {
			unpacked = true
			w.UnpackFDs()
		}
	}
	return nil
}

// readFrom is lisafs's: buf filled, the first chunk's fds returned.
func readFrom(s *unet.Socket, buf []byte, wantFDs int) ([]int, error) {
	r := s.Reader(true)
	r.EnableFDs(wantFDs)
	var fds []int
	extracted := false
	for got := 0; got < len(buf); {
		cur, err := r.ReadVec([][]byte{buf[got:]})
		if err != nil && (err != io.EOF || cur == 0) {
			r.CloseFDs()
			return nil, err
		}
		if !extracted && cur > 0 {
			if fds, err = r.ExtractFDs(); err != nil {
				return nil, err
			}
			extracted = true
			r.EnableFDs(0)
		}
		got += cur
	}
	return fds, nil
}

// goEcho is peer.c in Go, on lisafs's loops.
func goEcho(s *unet.Socket) {
	defer s.Close()
	for {
		header := make([]byte, headerLen)
		fds, err := readFrom(s, header, framingFDs)
		if err != nil {
			return
		}
		payload := make([]byte, binary.LittleEndian.Uint32(header))
		if len(payload) > 0 {
			if _, err := readFrom(s, payload, 0); err != nil {
				return
			}
		}
		for i := range payload {
			payload[i]++
		}
		binary.LittleEndian.PutUint16(header[4:], binary.LittleEndian.Uint16(header[4:])+1)
		err = writeTo(s, [][]byte{header, payload}, headerLen+len(payload), fds)
		for _, fd := range fds {
			syscall.Close(fd)
		}
		if err != nil {
			return
		}
	}
}

// exchange sends messages of several sizes, each with 3 pipes holding a
// text, reads the echoes, and describes each: its id, whether every byte
// came back + 1, and what the returned fds hold.
func exchange(t *testing.T, s *unet.Socket) []string {
	var lines []string
	for i, size := range []int{0, 1, 100000, 1 << 20, 7} {
		var fds []int
		for j := 0; j < framingFDs; j++ {
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(w, "file %d.%d", i, j)
			w.Close()
			fd, err := syscall.Dup(int(r.Fd()))
			r.Close()
			if err != nil {
				t.Fatal(err)
			}
			fds = append(fds, fd)
		}
		message := make([]byte, headerLen+size)
		binary.LittleEndian.PutUint32(message, uint32(size))
		binary.LittleEndian.PutUint16(message[4:], uint16(10*i))
		for k := headerLen; k < len(message); k++ {
			message[k] = byte(k * 7)
		}
		err := writeTo(s, [][]byte{message}, len(message), fds)
		for _, fd := range fds {
			syscall.Close(fd)
		}
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		header := make([]byte, headerLen)
		back, err := readFrom(s, header, framingFDs)
		if err != nil {
			t.Fatalf("answer %d: %v", i, err)
		}
		payload := make([]byte, binary.LittleEndian.Uint32(header))
		if len(payload) > 0 {
			if _, err := readFrom(s, payload, 0); err != nil {
				t.Fatalf("answer %d payload: %v", i, err)
			}
		}
		plusOne := len(payload) == size
		for k := range payload {
			plusOne = plusOne && payload[k] == message[headerLen+k]+1
		}
		var contents []string
		for _, fd := range back {
			f := os.NewFile(uintptr(fd), "returned")
			content, _ := io.ReadAll(f)
			f.Close()
			contents = append(contents, string(content))
		}
		lines = append(lines, fmt.Sprintf("message %d: id %d, %d bytes, each +1: %v, fds: %s",
			10*i, binary.LittleEndian.Uint16(header[4:]), len(payload), plusOne, strings.Join(contents, ", ")))
	}
	return lines
}

func TestCEchoFramesAsLisafs(t *testing.T) {
	a, b, err := unet.SocketPair(false)
	if err != nil {
		t.Fatal(err)
	}
	go goEcho(b)
	want := exchange(t, a)
	a.Close()

	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	peer, err := runfiles.Rlocation("libunet/interop/framing/peer")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(peer)
	cmd.ExtraFiles = []*os.File{os.NewFile(uintptr(fds[1]), "peer end")} // fd 3
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	cmd.ExtraFiles[0].Close()
	s, err := unet.NewSocket(fds[0])
	if err != nil {
		t.Fatal(err)
	}
	got := exchange(t, s)
	s.Close()
	if err := cmd.Wait(); err != nil {
		t.Errorf("peer: %v", err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("C echo:\n%s\nGo echo:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, line := range want {
		t.Log(line)
	}
}
