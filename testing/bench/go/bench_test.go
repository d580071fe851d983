// Package bench is the Go side of //testing/bench:compare: the workloads of
// bench_c.cc on gVisor's own unet (Debian's source), in the pattern of
// gVisor's BenchmarkSendRecvStream. Each reports ns/op and the CPU time of
// the process (and its echo child) per operation as cpu-ns/op; ping-pong also
// reports the 50th and 99th percentile of single round trips (p50-ns,
// p99-ns), as bench_c.cc does.
package bench

import (
	"os"
	"os/exec"
	"sort"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
	"gvisor.dev/gvisor/pkg/unet"
)

const bulkChunk = 64 << 10

// TestMain doubles as the echo child of the process ping-pong.
func TestMain(m *testing.M) {
	if os.Getenv("UNET_BENCH_ECHO") == "1" {
		s, err := unet.NewSocket(3)
		if err != nil {
			os.Exit(2)
		}
		echo(s)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func cpuNs() int64 {
	var total int64
	for _, who := range []int{syscall.RUSAGE_SELF, syscall.RUSAGE_CHILDREN} {
		var u syscall.Rusage
		syscall.Getrusage(who, &u)
		total += u.Utime.Nano() + u.Stime.Nano()
	}
	return total
}

// measure runs op b.N times, then finish, and reports CPU per operation.
func measure(b *testing.B, op func(), finish func()) {
	cpu := cpuNs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		op()
	}
	b.StopTimer()
	finish()
	b.ReportMetric(float64(cpuNs()-cpu)/float64(b.N), "cpu-ns/op")
}

// measureRoundTrips is measure for round trips on s, each one timed.
func measureRoundTrips(b *testing.B, s *unet.Socket, finish func()) {
	buf := []byte{'p'}
	ns := make([]int64, 0, b.N)
	measure(b, func() {
		start := time.Now()
		roundTrip(b, s, buf)
		ns = append(ns, int64(time.Since(start)))
	}, finish)
	sort.Slice(ns, func(i, j int) bool { return ns[i] < ns[j] })
	percentile := func(p float64) float64 {
		return float64(ns[int(p/100*float64(len(ns)-1)+0.5)])
	}
	b.ReportMetric(percentile(50), "p50-ns")
	b.ReportMetric(percentile(99), "p99-ns")
}

func echo(s *unet.Socket) {
	buf := make([]byte, 1)
	for {
		if n, err := s.Read(buf); err != nil || n != 1 {
			return
		}
		if _, err := s.Write(buf); err != nil {
			return
		}
	}
}

func roundTrip(b *testing.B, s *unet.Socket, buf []byte) {
	if _, err := s.Write(buf); err != nil {
		b.Fatal(err)
	}
	if _, err := s.Read(buf); err != nil {
		b.Fatal(err)
	}
}

func pair(b *testing.B, packet bool) (*unet.Socket, *unet.Socket) {
	a, c, err := unet.SocketPair(packet)
	if err != nil {
		b.Fatal(err)
	}
	return a, c
}

func pingPongThreads(b *testing.B, packet bool, extraPairs int) {
	a, c := pair(b, packet)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); echo(c) }()
	var load []*unet.Socket
	stop := make(chan struct{})
	for i := 0; i < extraPairs; i++ {
		x, y := pair(b, packet)
		load = append(load, x, y)
		wg.Add(2)
		go func() { defer wg.Done(); echo(y) }()
		go func() {
			defer wg.Done()
			buf := []byte{'l'}
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := x.Write(buf); err != nil {
					return
				}
				if _, err := x.Read(buf); err != nil {
					return
				}
			}
		}()
	}
	measureRoundTrips(b, a, func() {
		close(stop)
		a.Shutdown()
		for i := 0; i < len(load); i += 2 {
			load[i].Shutdown()
		}
		wg.Wait()
	})
	for _, s := range append(load, a, c) {
		s.Close()
	}
}

func pingPongProcesses(b *testing.B, packet bool) {
	a, c := pair(b, packet)
	fd, err := c.Release()
	if err != nil {
		b.Fatal(err)
	}
	child := exec.Command(os.Args[0])
	child.Env = append(os.Environ(), "UNET_BENCH_ECHO=1")
	child.ExtraFiles = []*os.File{os.NewFile(uintptr(fd), "echo end")}
	if err := child.Start(); err != nil {
		b.Fatal(err)
	}
	child.ExtraFiles[0].Close()
	measureRoundTrips(b, a, func() {
		a.Shutdown()
		child.Wait()
	})
	a.Close()
}

func BenchmarkPingpongThreadsStream(b *testing.B)       { pingPongThreads(b, false, 0) }
func BenchmarkPingpongThreadsSeqpacket(b *testing.B)    { pingPongThreads(b, true, 0) }
func BenchmarkPingpongProcessesStream(b *testing.B)     { pingPongProcesses(b, false) }
func BenchmarkPingpongProcessesSeqpacket(b *testing.B)  { pingPongProcesses(b, true) }
func BenchmarkPingpongThreadsStream4pairs(b *testing.B) { pingPongThreads(b, false, 3) }
func BenchmarkPingpongThreadsStream8pairs(b *testing.B) { pingPongThreads(b, false, 7) }

func BenchmarkBulk64kStream(b *testing.B) {
	a, c := pair(b, false)
	done := make(chan struct{})
	go func() {
		buf := make([]byte, bulkChunk)
		for {
			if _, err := c.Read(buf); err != nil {
				close(done)
				return
			}
		}
	}()
	chunk := make([]byte, bulkChunk)
	b.SetBytes(bulkChunk)
	measure(b, func() {
		for rest := chunk; len(rest) > 0; {
			n, err := a.Write(rest)
			if err != nil {
				b.Fatal(err)
			}
			rest = rest[n:]
		}
	}, func() {
		a.Shutdown()
		<-done
	})
	a.Close()
	c.Close()
}

func fdPassing(b *testing.B, count int) {
	a, c := pair(b, false)
	var payload []int
	for i := 0; i < count; i++ {
		fd, err := unix.Open("/dev/null", unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			b.Fatal(err)
		}
		payload = append(payload, fd)
	}
	w := a.Writer(true)
	w.PackFDs(payload...)
	r := c.Reader(true)
	buf := [][]byte{{'f'}}
	measure(b, func() {
		if _, err := w.WriteVec(buf); err != nil {
			b.Fatal(err)
		}
		r.EnableFDs(count)
		if _, err := r.ReadVec(buf); err != nil {
			b.Fatal(err)
		}
		r.CloseFDs()
	}, func() {})
	for _, fd := range payload {
		unix.Close(fd)
	}
	a.Close()
	c.Close()
}

func BenchmarkFds1(b *testing.B)  { fdPassing(b, 1) }
func BenchmarkFds16(b *testing.B) { fdPassing(b, 16) }

const messageBytes = 1 << 20
const messageFDs = 3

// writeMessage is pkg/urpc's marshal loop: the fds packed for the first
// WriteVec only.
func writeMessage(s *unet.Socket, data []byte, fds []int) error {
	w := s.Writer(true)
	w.PackFDs(fds...)
	for n := 0; n < len(data); {
		cur, err := w.WriteVec([][]byte{data[n:]})
		if n == 0 && cur < len(data) {
			w.PackFDs()
		}
		n += cur
		if err != nil {
			return err
		}
	}
	return nil
}

// readMessage is pkg/lisafs's readFrom: room for the fds until the first
// chunk, then none; the fds are closed.
func readMessage(s *unet.Socket, buf []byte) error {
	r := s.Reader(true)
	r.EnableFDs(messageFDs)
	var fds []int
	for got := 0; got < len(buf); {
		cur, err := r.ReadVec([][]byte{buf[got:]})
		if err != nil {
			return err
		}
		if fds == nil && cur > 0 {
			if fds, err = r.ExtractFDs(); err != nil {
				return err
			}
			r.EnableFDs(0)
		}
		got += cur
	}
	for _, fd := range fds {
		unix.Close(fd)
	}
	return nil
}

// BenchmarkMessage1m3fds: one 1 MiB message with 3 fds per operation, as
// gVisor's protocols frame them (bench_c.cc's message_1m_3fds).
func BenchmarkMessage1m3fds(b *testing.B) {
	a, c := pair(b, false)
	done := make(chan struct{})
	go func() {
		buf := make([]byte, messageBytes)
		for readMessage(c, buf) == nil {
		}
		close(done)
	}()
	var fds []int
	for i := 0; i < messageFDs; i++ {
		fd, err := unix.Open("/dev/null", unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			b.Fatal(err)
		}
		fds = append(fds, fd)
	}
	data := make([]byte, messageBytes)
	b.SetBytes(messageBytes)
	measure(b, func() {
		if err := writeMessage(a, data, fds); err != nil {
			b.Fatal(err)
		}
	}, func() {
		a.Shutdown()
		<-done
	})
	for _, fd := range fds {
		unix.Close(fd)
	}
	a.Close()
	c.Close()
}

func BenchmarkWrapperNonblocking(b *testing.B) {
	a, c := pair(b, false)
	w := a.Writer(false)
	r := c.Reader(false)
	buf := [][]byte{{'w'}}
	measure(b, func() {
		if _, err := w.WriteVec(buf); err != nil {
			b.Fatal(err)
		}
		if _, err := r.ReadVec(buf); err != nil {
			b.Fatal(err)
		}
	}, func() {})
	a.Close()
	c.Close()
}
