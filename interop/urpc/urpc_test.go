// gVisor's real pkg/urpc (Debian's source, unmodified) against C on
// libunet, both ways: the C client of examples/urpc calling a Go
// urpc.Server, and Go's urpc.Client calling the C server. Each side makes
// the same calls (a file each way, 1 MiB each way, an unknown method) and
// the transcripts must be the one Go's client gets from Go's server.
package urpc_test

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"gvisor.dev/gvisor/pkg/unet"
	"gvisor.dev/gvisor/pkg/urpc"

	"github.com/bazelbuild/rules_go/go/runfiles"
)

// The methods, registered as "Files.*" and "Echo.*" (examples/urpc/client.c
// lists them).
type Files struct{}

type ReceiveArg struct {
	urpc.FilePayload
	Name string
}

type ReceiveResult struct {
	Name    string
	Content string
}

func (*Files) Receive(arg *ReceiveArg, result *ReceiveResult) error {
	if len(arg.Files) != 1 {
		return fmt.Errorf("want a name and one file")
	}
	content, err := io.ReadAll(arg.Files[0])
	if err != nil {
		return err
	}
	result.Name, result.Content = arg.Name, string(content)
	return nil
}

type OpenArg struct {
	Content string
}

type OpenResult struct {
	urpc.FilePayload
}

func (*Files) Open(arg *OpenArg, result *OpenResult) error {
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	defer w.Close()
	if _, err := w.WriteString(arg.Content); err != nil {
		r.Close()
		return err
	}
	result.Files = []*os.File{r}
	return nil
}

type Echo struct{}

type Text struct {
	Text string
}

func (*Echo) Upper(arg *Text, result *Text) error {
	result.Text = strings.ToUpper(arg.Text)
	return nil
}

const echoBytes = 1 << 20

// exercise makes client.c's calls with Go's urpc.Client and returns the
// lines client.c prints for them.
func exercise(c *urpc.Client) ([]string, error) {
	var lines []string
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	w.WriteString("written by the client")
	w.Close()
	var received ReceiveResult
	err = c.Call("Files.Receive", &ReceiveArg{FilePayload: urpc.FilePayload{Files: []*os.File{r}}, Name: "note"}, &received)
	r.Close()
	if err != nil {
		return nil, fmt.Errorf("Files.Receive: %v", err)
	}
	lines = append(lines, fmt.Sprintf("Files.Receive: %s: %s (0 files back)", received.Name, received.Content))

	var opened OpenResult
	if err := c.Call("Files.Open", &OpenArg{Content: "written by the server"}, &opened); err != nil {
		return nil, fmt.Errorf("Files.Open: %v", err)
	}
	if len(opened.Files) != 1 {
		return nil, fmt.Errorf("Files.Open: %d files", len(opened.Files))
	}
	content, err := io.ReadAll(opened.Files[0])
	opened.Files[0].Close()
	if err != nil {
		return nil, err
	}
	lines = append(lines, fmt.Sprintf("Files.Open: %d file: %s", len(opened.Files), content))

	var text strings.Builder
	for i := 0; i < echoBytes; i++ {
		text.WriteByte(byte('a' + i%26))
	}
	var echoed Text
	if err := c.Call("Echo.Upper", &Text{Text: text.String()}, &echoed); err != nil {
		return nil, fmt.Errorf("Echo.Upper: %v", err)
	}
	verdict := "WRONG"
	if echoed.Text == strings.ToUpper(text.String()) {
		verdict = "upper-cased"
	}
	lines = append(lines, fmt.Sprintf("Echo.Upper: %d bytes, %s", len(echoed.Text), verdict))

	err = c.Call("Echo.Missing", &struct{}{}, &struct{}{})
	if _, ok := err.(urpc.RemoteError); !ok {
		return nil, fmt.Errorf("Echo.Missing: want a RemoteError, got %v", err)
	}
	lines = append(lines, "Echo.Missing: error: "+err.Error())
	return lines, nil
}

// goServer serves Files and Echo on a socket at a fresh path, for one
// client; returns the path.
func goServer(t *testing.T) string {
	path := filepath.Join(t.TempDir(), "urpc")
	ss, err := unet.BindAndListen(path, false)
	if err != nil {
		t.Fatal(err)
	}
	srv := urpc.NewServer()
	srv.Register(&Files{})
	srv.Register(&Echo{})
	go func() {
		s, err := ss.Accept()
		ss.Close()
		if err == nil {
			srv.StartHandling(s)
		}
	}()
	t.Cleanup(func() { srv.Stop(time.Second) })
	return path
}

func goClient(t *testing.T, path string) *urpc.Client {
	s, err := unet.Connect(path, false)
	if err != nil {
		t.Fatal(err)
	}
	c := urpc.NewClient(s)
	t.Cleanup(func() { c.Close() })
	return c
}

// reference is what Go's client gets from Go's server.
func reference(t *testing.T) []string {
	lines, err := exercise(goClient(t, goServer(t)))
	if err != nil {
		t.Fatal(err)
	}
	return lines
}

func binary(t *testing.T, name string) string {
	path, err := runfiles.Rlocation("libunet/examples/urpc/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCClientCallsGoServer(t *testing.T) {
	want := reference(t)
	cmd := exec.Command(binary(t, "client"), goServer(t))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("client: %v\n%s", err, out)
	}
	got := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if !reflect.DeepEqual(got, want) {
		t.Errorf("C client's transcript:\n%s\nGo client's:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestGoClientCallsCServer(t *testing.T) {
	want := reference(t)
	path := filepath.Join(t.TempDir(), "urpc")
	cmd := exec.Command(binary(t, "server"), path)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if line, err := bufio.NewReader(stdout).ReadString('\n'); err != nil || line != "listening\n" {
		cmd.Process.Kill()
		t.Fatalf("server did not start: %q %v", line, err)
	}
	c := goClient(t, path)
	got, err := exercise(c)
	if err != nil {
		cmd.Process.Kill()
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("C server's transcript:\n%s\nGo server's:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	c.Close()
	if err := cmd.Wait(); err != nil {
		t.Errorf("server: %v", err)
	}
}
