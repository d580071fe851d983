// Command peer_go is the Go peer of the interop tests: it runs the commands
// of PROTOCOL.md on a socket made with gVisor's unet, exactly as the C peer
// (../peer_c) does with libunet, so the two can be compared.
package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
	"gvisor.dev/gvisor/pkg/unet"
	"libunet/interop/gvisorcompat"
	"libunet/interop/protocol"
)

type peer struct {
	server   *unet.ServerSocket
	conn     *unet.Socket
	baseline int
}

func kindIsPacket(kind string) (bool, error) {
	switch kind {
	case "stream":
		return false, nil
	case "seqpacket":
		return true, nil
	}
	return false, fmt.Errorf("unknown kind %q", kind)
}

func errReply(err error) string { return "err " + protocol.ErrName(err) }

// arity is the number of words each command takes, itself included.
var arity = map[string]int{
	"listen": 3, "connect": 3, "inherit": 2, "write": 3, "writev": 3,
	"read": 2, "readv": 2, "sendfds": 2, "recvfds": 2,
}

// needsConn lists the commands that use the connection.
var needsConn = map[string]bool{
	"write": true, "writev": true, "read": true, "readv": true,
	"sendfds": true, "recvfds": true, "shutdown": true, "close": true,
	"peercred": true, "names": true, "writeloop": true, "readloop": true,
	"passcred": true, "passpidfd": true,
}

// soPassPidfd is SO_PASSPIDFD (Linux 6.5), newer than Debian's x/sys/unix.
const soPassPidfd = 76

// setFlag turns a SOL_SOCKET flag on through gVisor's SetSockOpt, as a Go
// program would.
func (p *peer) setFlag(name int) string {
	if err := p.conn.SetSockOpt(unix.SOL_SOCKET, name, []byte{1, 0, 0, 0}); err != nil {
		return errReply(err)
	}
	return "ok"
}

func (p *peer) run(args []string) string {
	if needsConn[args[0]] && p.conn == nil {
		return "err NOSOCKET"
	}
	if (args[0] == "accept" || args[0] == "closeserver") && p.server == nil {
		return "err NOSOCKET"
	}
	if len(args) < arity[args[0]] {
		return "err USAGE"
	}
	switch args[0] {
	case "listen":
		packet, err := kindIsPacket(args[1])
		if err != nil {
			return "err USAGE"
		}
		s, err := unet.BindAndListen(args[2], packet)
		if err != nil {
			return errReply(err)
		}
		p.server = s
		return "ok"
	case "accept":
		s, err := p.server.Accept()
		if err != nil {
			return errReply(err)
		}
		p.conn = s
		return "ok"
	case "closeserver":
		if err := p.server.Close(); err != nil {
			return errReply(err)
		}
		return "ok"
	case "connect":
		packet, err := kindIsPacket(args[1])
		if err != nil {
			return "err USAGE"
		}
		s, err := unet.Connect(args[2], packet)
		if err != nil {
			return errReply(err)
		}
		p.conn = s
		return "ok"
	case "inherit":
		fd, _ := strconv.Atoi(args[1])
		s, err := unet.NewSocket(fd)
		if err != nil {
			return errReply(err)
		}
		p.conn = s
		p.baseline--
		return "ok"
	case "write":
		n, _ := strconv.Atoi(args[1])
		seed, _ := strconv.Atoi(args[2])
		if err := protocol.WriteAll(p.conn, protocol.Pattern(n, uint32(seed))); err != nil {
			return errReply(err)
		}
		return fmt.Sprintf("ok %d", n)
	case "writev":
		seed, _ := strconv.Atoi(args[1])
		sizes, err := protocol.Sizes(args[2])
		if err != nil {
			return "err USAGE"
		}
		var bufs [][]byte
		for i, size := range sizes {
			bufs = append(bufs, protocol.Pattern(size, uint32(seed+i)))
		}
		w := p.conn.Writer(true)
		n, err := w.WriteVec(bufs)
		if err != nil {
			return errReply(err)
		}
		return fmt.Sprintf("ok %d", n)
	case "read":
		n, _ := strconv.Atoi(args[1])
		return protocol.ReadAll(p.conn, n)
	case "readv":
		sizes, err := protocol.Sizes(args[1])
		if err != nil {
			return "err USAGE"
		}
		return protocol.ReadVec(p.conn, sizes)
	case "sendfds":
		count, _ := strconv.Atoi(args[1])
		return protocol.SendFds(p.conn, count)
	case "recvfds":
		enable, _ := strconv.Atoi(args[1])
		return protocol.ReceiveFds(p.conn, enable)
	case "shutdown":
		if err := p.conn.Shutdown(); err != nil {
			return errReply(err)
		}
		return "ok"
	case "close":
		if err := p.conn.Close(); err != nil {
			return errReply(err)
		}
		return "ok"
	case "peercred":
		cred, err := gvisorcompat.PeerCred(p.conn)
		if err != nil {
			return errReply(err)
		}
		return fmt.Sprintf("ok %d %d %d", cred.Pid, cred.Uid, cred.Gid)
	case "passcred":
		return p.setFlag(unix.SO_PASSCRED)
	case "passpidfd":
		return p.setFlag(soPassPidfd)
	case "names":
		sock, err := p.conn.GetSockName()
		if err != nil {
			return errReply(err)
		}
		peerName, err := p.conn.GetPeerName()
		if err != nil {
			return errReply(err)
		}
		return fmt.Sprintf("ok %s %s", protocol.Hex(sock), protocol.Hex(peerName))
	case "writeloop":
		chunk := protocol.Pattern(4096, 0)
		for {
			if _, err := p.conn.Write(chunk); err != nil {
				return errReply(err)
			}
		}
	case "readloop":
		buf := make([]byte, 65536)
		for {
			if _, err := p.conn.Read(buf); err != nil {
				return errReply(err)
			}
		}
	case "fdcount":
		return fmt.Sprintf("ok %d", protocol.CountFds()-p.baseline)
	case "pid":
		return fmt.Sprintf("ok %d", unix.Getpid())
	}
	return "err USAGE"
}

func main() {
	p := &peer{baseline: protocol.CountFds()}
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<16), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	for in.Scan() {
		args := strings.Fields(in.Text())
		if len(args) == 0 {
			continue
		}
		if args[0] == "exit" {
			break
		}
		fmt.Fprintln(out, p.run(args))
		out.Flush()
	}
}
