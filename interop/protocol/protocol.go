// Package protocol holds what both Go sides of the interop tests share: the
// byte pattern, its checksum, error names, and the fd sets that cross the
// socket. The C peer (../peer_c) implements the same functions; PROTOCOL.md
// describes them.
package protocol

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/sys/unix"
	"gvisor.dev/gvisor/pkg/unet"
)

// MaxChunk is the most one read or write call moves (the largest message on
// SOCK_SEQPACKET): longer transfers take several calls.
const MaxChunk = 65536

// Pattern returns n bytes of the deterministic pattern for seed.
func Pattern(n int, seed uint32) []byte {
	b := make([]byte, n)
	for i := range b {
		u := uint32(i)
		b[i] = byte((u*131 + seed) ^ (u >> 9))
	}
	return b
}

// Checksum is 32-bit FNV-1a, as lower-case hex.
func Checksum(b []byte) string {
	h := uint32(2166136261)
	for _, c := range b {
		h ^= uint32(c)
		h *= 16777619
	}
	return fmt.Sprintf("%08x", h)
}

// ErrName names an error as the transcript does: EOF, TRUNC, or the errno's
// symbolic name (EBADF, EPIPE...).
func ErrName(err error) string {
	if err == io.EOF {
		return "EOF"
	}
	if err != nil && err.Error() == "message truncated" {
		return "TRUNC"
	}
	var errno unix.Errno
	if errors.As(err, &errno) {
		if name := unix.ErrnoName(errno); name != "" {
			return name
		}
		return fmt.Sprintf("ERRNO%d", int(errno))
	}
	return "OTHER(" + err.Error() + ")"
}

// FdContent is what fd number i of a set carries: even indexes are pipes,
// odd ones files.
func FdContent(i int) string {
	if i%2 == 0 {
		return fmt.Sprintf("pipe %d\n", i)
	}
	return fmt.Sprintf("file %d\n", i)
}

// Identity is "dev:ino" of an open fd.
func Identity(fd int) (string, error) {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return "", err
	}
	return fmt.Sprintf("%d:%d", st.Dev, st.Ino), nil
}

// MakeFds opens count fds: a pipe's read end holding FdContent(i) for even
// i, an unlinked temporary file holding it for odd i. The caller owns them.
// It returns their identities, comma-separated.
func MakeFds(count int) ([]int, string, error) {
	var fds []int
	var ids []string
	fail := func(err error) ([]int, string, error) {
		CloseFds(fds)
		return nil, "", err
	}
	for i := 0; i < count; i++ {
		var fd int
		if i%2 == 0 {
			var p [2]int
			if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
				return fail(err)
			}
			_, err := unix.Write(p[1], []byte(FdContent(i)))
			unix.Close(p[1])
			if err != nil {
				unix.Close(p[0])
				return fail(err)
			}
			fd = p[0]
		} else {
			f, err := unix.Open(os.TempDir(), unix.O_TMPFILE|unix.O_RDWR|unix.O_CLOEXEC, 0600)
			if err != nil {
				return fail(err)
			}
			if _, err := unix.Write(f, []byte(FdContent(i))); err != nil {
				unix.Close(f)
				return fail(err)
			}
			fd = f
		}
		fds = append(fds, fd)
		id, err := Identity(fd)
		if err != nil {
			return fail(err)
		}
		ids = append(ids, id)
	}
	return fds, JoinIds(ids), nil
}

// JoinIds joins identities for a reply; an empty list is "-".
func JoinIds(ids []string) string {
	if len(ids) == 0 {
		return "-"
	}
	return strings.Join(ids, ",")
}

// CheckFds reads every received fd (fd i carries FdContent(i)) and returns
// "contentok" or "contentbad", and their identities.
func CheckFds(fds []int) (string, string) {
	verdict := "contentok"
	var ids []string
	for i, fd := range fds {
		buf := make([]byte, 64)
		var n int
		var err error
		if i%2 == 0 {
			n, err = unix.Read(fd, buf)
		} else {
			n, err = unix.Pread(fd, buf, 0)
		}
		if err != nil || string(buf[:n]) != FdContent(i) {
			verdict = "contentbad"
		}
		id, err := Identity(fd)
		if err != nil {
			id = "?"
		}
		ids = append(ids, id)
	}
	return verdict, JoinIds(ids)
}

// CloseFds closes every fd.
func CloseFds(fds []int) {
	for _, fd := range fds {
		unix.Close(fd)
	}
}

// CountFds counts this process's open fds.
func CountFds() int {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	return len(entries) - 1 // The directory's own fd.
}

// Hex encodes bytes for a reply; empty is "-".
func Hex(b []byte) string {
	if len(b) == 0 {
		return "-"
	}
	return fmt.Sprintf("%x", b)
}

// Sizes parses "3,1,4" into a list of buffer sizes.
func Sizes(s string) ([]int, error) {
	var sizes []int
	for _, f := range strings.Split(s, ",") {
		var n int
		if _, err := fmt.Sscan(f, &n); err != nil || n < 0 {
			return nil, fmt.Errorf("bad size %q", f)
		}
		sizes = append(sizes, n)
	}
	return sizes, nil
}

// WriteAll writes data in calls of at most MaxChunk bytes.
func WriteAll(s *unet.Socket, data []byte) error {
	for len(data) > 0 {
		chunk := data
		if len(chunk) > MaxChunk {
			chunk = chunk[:MaxChunk]
		}
		n, err := s.Write(chunk)
		if err != nil {
			return err
		}
		data = data[n:]
	}
	return nil
}

// ReadAll reads n bytes in calls of at most MaxChunk bytes; it returns
// "ok N CHECKSUM" or "err NAME", as the protocol's read command replies.
func ReadAll(s *unet.Socket, n int) string {
	var got []byte
	buf := make([]byte, MaxChunk)
	for len(got) < n {
		limit := n - len(got)
		if limit > len(buf) {
			limit = len(buf)
		}
		m, err := s.Read(buf[:limit])
		if err != nil {
			return "err " + ErrName(err)
		}
		got = append(got, buf[:m]...)
	}
	return fmt.Sprintf("ok %d %s", len(got), Checksum(got))
}

// ReadVec does one blocking ReadVec into buffers of the given sizes; it
// returns the protocol's readv reply.
func ReadVec(s *unet.Socket, sizes []int) string {
	var bufs [][]byte
	for _, size := range sizes {
		bufs = append(bufs, make([]byte, size))
	}
	r := s.Reader(true)
	n, err := r.ReadVec(bufs)
	var all []byte
	for _, b := range bufs {
		all = append(all, b...)
	}
	if err != nil {
		if ErrName(err) == "TRUNC" {
			return fmt.Sprintf("err TRUNC %d %s", n, Checksum(all))
		}
		return "err " + ErrName(err)
	}
	return fmt.Sprintf("ok %d %s", n, Checksum(all[:n]))
}

// SendFds opens count fds (MakeFds) and sends them with the byte F in one
// WriteVec; it returns the protocol's sendfds reply, "ok 1 IDS".
func SendFds(s *unet.Socket, count int) string {
	fds, ids, err := MakeFds(count)
	if err != nil {
		return "err " + ErrName(err)
	}
	defer CloseFds(fds)
	w := s.Writer(true)
	w.PackFDs(fds...)
	n, err := w.WriteVec([][]byte{[]byte("F")})
	if err != nil {
		return "err " + ErrName(err)
	}
	return fmt.Sprintf("ok %d %s", n, ids)
}

// ReceiveFds reads one byte with room for enable fds (none if negative),
// checks and closes what arrived; it returns the protocol's recvfds reply,
// "ok BYTES COUNT VERDICT IDS".
func ReceiveFds(s *unet.Socket, enable int) string {
	r := s.Reader(true)
	if enable >= 0 {
		r.EnableFDs(enable)
	}
	n, err := r.ReadVec([][]byte{make([]byte, 1)})
	var fds []int
	if err == nil {
		fds, err = r.ExtractFDs()
	}
	if err != nil {
		r.CloseFDs()
		return "err " + ErrName(err)
	}
	verdict, ids := CheckFds(fds)
	CloseFds(fds)
	return fmt.Sprintf("ok %d %d %s %s", n, len(fds), verdict, ids)
}
