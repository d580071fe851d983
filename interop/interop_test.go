// Package interop runs gVisor's own unet (Go, this process: the driver)
// against a peer process, once with the C peer (libunet) and once with the Go
// peer (gVisor's unet), for every setup, socket kind and exercise, and
// requires the two transcripts to be identical.
package interop

import (
	"strings"
	"testing"

	"libunet/interop/protocol"
)

// run performs one exercise against one peer and returns the transcript.
func run(t *testing.T, peer string, st setup, packet bool, ex exercise) []string {
	fdsBefore := protocol.CountFds()
	s := st.start(t, peerBinary(t, peer), packet)
	if ex.run(s) {
		s.finish()
	}
	if after := protocol.CountFds(); after != fdsBefore {
		t.Errorf("%s: the driver has %d fds open, %d before", peer, after, fdsBefore)
	}
	return s.transcript
}

// badWords mark a transcript line as wrong whichever peer produced it.
var badWords = []string{"MISMATCH", "UNEXPECTED", "contentbad", "other(", "USAGE", "NOSOCKET"}

func checkLines(t *testing.T, peer string, transcript []string) {
	for _, line := range transcript {
		for _, bad := range badWords {
			if strings.Contains(line, bad) {
				t.Errorf("%s: %s", peer, line)
			}
		}
		if strings.HasPrefix(line, "peer fdcount") && line != "peer fdcount -> ok 0" {
			t.Errorf("%s leaked fds: %s", peer, line)
		}
	}
}

func TestInterop(t *testing.T) {
	for _, st := range setups {
		for _, packet := range []bool{false, true} {
			kind := "Stream"
			if packet {
				kind = "SeqPacket"
			}
			for _, ex := range exercises {
				st, packet, ex := st, packet, ex
				t.Run(st.name+"/"+kind+"/"+ex.name, func(t *testing.T) {
					c := run(t, "peer_c", st, packet, ex)
					// The C peer again in the Go syscall footprint
					// (the variable is inherited by the peers; the
					// Go peer ignores it).
					t.Setenv("LIBUNET_PEER_FOOTPRINT", "go")
					cGoFootprint := run(t, "peer_c", st, packet, ex)
					golang := run(t, "peer_go", st, packet, ex)
					checkLines(t, "peer_c", c)
					checkLines(t, "peer_c (Go footprint)", cGoFootprint)
					checkLines(t, "peer_go", golang)
					compare(t, c, golang)
					compare(t, cGoFootprint, golang)
				})
			}
		}
	}
}

// compare requires the C peer's transcript to equal the Go peer's.
func compare(t *testing.T, c, golang []string) {
	n := len(c)
	if len(golang) > n {
		n = len(golang)
	}
	same := len(c) == len(golang)
	var diff []string
	for i := 0; i < n; i++ {
		var a, b string
		if i < len(c) {
			a = c[i]
		}
		if i < len(golang) {
			b = golang[i]
		}
		if a == b {
			diff = append(diff, "    "+a)
			continue
		}
		same = false
		diff = append(diff, " C: "+a, "Go: "+b)
	}
	if !same {
		t.Errorf("transcripts differ:\n%s", strings.Join(diff, "\n"))
		return
	}
	t.Logf("transcript (identical for the C and Go peers):\n%s", strings.Join(diff, "\n"))
}
