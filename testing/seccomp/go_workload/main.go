// The control for testing/seccomp: the C workload's calls (workload.c),
// made by gVisor's own Go unet. testing/seccomp/seccomp_test.cc runs it
// under the same filters as libunet; passing proves that the transcribed
// gVisor policies allow what Go's unet does. Prints "ok" and exits 0, or
// names the first unexpected result and exits 1; a refused syscall ends
// it with SIGSYS (the Go runtime prints the goroutine and the call).
//
// Usage: go_workload SOCKET_DIR
package main

import (
	"fmt"
	"os"
	"time"

	"golang.org/x/sys/unix"
	"gvisor.dev/gvisor/pkg/unet"
	"libunet/interop/gvisorcompat"
)

func check(ok bool, what string) {
	if !ok {
		fmt.Printf("unexpected: %s\n", what)
		os.Exit(1)
	}
}

func must(err error, what string) {
	check(err == nil, fmt.Sprintf("%s: %v", what, err))
}

// pairRoundTrip: bytes and three fds each way, options, names, shutdown.
func pairRoundTrip(packet bool) {
	a, b, err := unet.SocketPair(packet)
	must(err, "SocketPair")
	n, err := a.Write([]byte("ping"))
	check(err == nil && n == 4, "Write")
	buf := make([]byte, 16)
	n, err = b.Read(buf)
	check(err == nil && n == 4, "Read")

	w := a.Writer(true)
	w.ControlMessage.PackFDs(0, 1, 2)
	n, err = w.WriteVec([][]byte{[]byte("fds")})
	check(err == nil && n == 3, "WriteVec")
	w.ControlMessage.UnpackFDs()

	r := b.Reader(true)
	r.EnableFDs(3)
	n, err = r.ReadVec([][]byte{buf})
	check(err == nil && n == 3, "ReadVec")
	fds, err := r.ExtractFDs()
	check(err == nil && len(fds) == 3, "ExtractFDs")
	r.CloseFDs()

	value := make([]byte, 4)
	_, err = a.GetSockOpt(unix.SOL_SOCKET, unix.SO_SNDBUF, value)
	must(err, "GetSockOpt")
	must(a.SetSockOpt(unix.SOL_SOCKET, unix.SO_SNDBUF, value), "SetSockOpt")
	_, err = gvisorcompat.PeerCred(a)
	must(err, "GetPeerCred")
	_, err = a.GetPeerName()
	must(err, "GetPeerName")
	_, err = a.GetSockName()
	must(err, "GetSockName")
	must(a.Shutdown(), "Shutdown")
	_, err = b.Read(buf)
	check(err != nil, "Read after Shutdown: EOF")
	must(a.Close(), "Close")
	fd, err := b.Release()
	must(err, "Release")
	again, err := unet.NewSocket(fd)
	must(err, "NewSocket")
	again.Close()
}

// connectAccept: listen, connect, accept on one name; a message across.
func connectAccept(name string, packet bool) {
	server, err := unet.BindAndListen(name, packet)
	must(err, "BindAndListen "+name)
	client, err := unet.Connect(name, packet)
	must(err, "Connect "+name)
	accepted, err := server.Accept()
	must(err, "Accept")
	_, err = client.Write([]byte("x"))
	must(err, "Write")
	buf := make([]byte, 1)
	_, err = accepted.Read(buf)
	must(err, "Read")
	client.Close()
	accepted.Close()
	must(server.Close(), "ServerSocket.Close")
}

// bindReleaseNew: Bind, Listen on its own, Release, wrap the fd again.
func bindReleaseNew(name string) {
	server, err := unet.Bind(name, false)
	must(err, "Bind")
	must(server.Listen(), "Listen")
	fd, err := server.Release()
	must(err, "ServerSocket.Release")
	again, err := unet.NewServerSocket(fd)
	must(err, "NewServerSocket")
	again.Close()
}

// wakeBlockedReader: a reader blocked in ppoll, woken by Close or Release.
func wakeBlockedReader(release bool) {
	a, b, err := unet.SocketPair(false)
	must(err, "SocketPair")
	done := make(chan error)
	go func() {
		_, err := a.Read(make([]byte, 1))
		done <- err
	}()
	time.Sleep(50 * time.Millisecond)
	if release {
		fd, err := a.Release()
		must(err, "Release")
		unix.Close(fd)
	} else {
		must(a.Close(), "Close")
	}
	check(<-done != nil, "blocked Read fails once woken")
	b.Close()
}

func wakeBlockedAccept(name string) {
	server, err := unet.BindAndListen(name, false)
	must(err, "BindAndListen")
	done := make(chan error)
	go func() {
		_, err := server.Accept()
		done <- err
	}()
	time.Sleep(50 * time.Millisecond)
	must(server.Close(), "ServerSocket.Close")
	check(<-done != nil, "blocked Accept fails once woken")
}

func main() {
	dir := os.Args[1]
	pairRoundTrip(false)
	pairRoundTrip(true)
	connectAccept(dir+"/stream", false)
	connectAccept(dir+"/packet", true)
	connectAccept(fmt.Sprintf("@libunet-seccomp-go-%d", os.Getpid()), false)
	bindReleaseNew(dir + "/bind")
	wakeBlockedReader(false)
	wakeBlockedReader(true)
	wakeBlockedAccept(dir + "/accept")
	fmt.Println("ok")
}
