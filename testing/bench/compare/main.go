// Command compare runs the libunet benchmarks side by side: plain syscalls
// (raw), libunet (c, and its opt-in spin modes) and gVisor's Go unet (go),
// alternating them in one run. It prints one table (median ns/op with min and
// max over the repetitions, CPU ns/op, syscalls/op, and the ratios c/raw and
// c/go) and writes the same as JSON.
//
//	tools/bazel run //testing/bench:compare -- [-reps 5] [-time 0.25] [-json FILE]
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"libunet/tools/go/runfiles"
)

type workload struct {
	ID      string   `json:"workload"`
	GoName  string   `json:"-"`
	Modes   []string `json:"-"`
	Strace  int      `json:"-"` // iterations for the syscall count
	Explain string   `json:"-"`
}

var spinModes = []string{"raw", "c", "c_spin", "c_adaptive", "go"}
var plainModes = []string{"raw", "c", "go"}

var workloads = []workload{
	{"pingpong_threads_stream", "PingpongThreadsStream", spinModes, 500, "1-byte ping-pong, two threads"},
	{"pingpong_threads_seqpacket", "PingpongThreadsSeqpacket", spinModes, 500, "1-byte ping-pong, two threads"},
	{"pingpong_processes_stream", "PingpongProcessesStream", spinModes, 500, "1-byte ping-pong, two processes"},
	{"pingpong_processes_seqpacket", "PingpongProcessesSeqpacket", spinModes, 500, "1-byte ping-pong, two processes"},
	{"pingpong_threads_stream_4pairs", "PingpongThreadsStream4pairs", spinModes, 300, "one of 4 ping-pong pairs on 2 cores"},
	{"bulk_64k_stream", "Bulk64kStream", spinModes, 100, "64 KiB writes"},
	{"fds_1", "Fds1", plainModes, 500, "1 byte + 1 fd, sent and received"},
	{"fds_16", "Fds16", plainModes, 300, "1 byte + 16 fds, sent and received"},
	{"wrapper_nonblocking", "WrapperNonblocking", plainModes, 1000, "non-blocking 1-byte write then read, one thread"},
}

type sample struct{ ns, cpu, mbps float64 }

type result struct {
	Workload   string  `json:"workload"`
	Mode       string  `json:"mode"`
	NsMedian   float64 `json:"ns_per_op_median"`
	NsMin      float64 `json:"ns_per_op_min"`
	NsMax      float64 `json:"ns_per_op_max"`
	CPUMedian  float64 `json:"cpu_ns_per_op_median"`
	MBPerS     float64 `json:"mb_per_s_median,omitempty"`
	Syscalls   float64 `json:"syscalls_per_op"`
	RatioRaw   float64 `json:"c_over_raw,omitempty"`
	RatioGo    float64 `json:"c_over_go,omitempty"`
	Repetition int     `json:"repetitions"`
}

var (
	reps     = flag.Int("reps", 5, "repetitions of every workload and mode, alternated")
	minTime  = flag.Float64("time", 0.2, "seconds per measurement")
	jsonPath = flag.String("json", "", "where to write the JSON (default: testing/bench/results.json in the workspace)")
	strace   = flag.Bool("syscalls", true, "count syscalls per operation with strace (a separate pass)")
)

func runfile(name string) string {
	path, err := runfiles.Path("testing/bench/" + name)
	if err != nil {
		fail(err)
	}
	return path
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "compare: %v\n", err)
	os.Exit(1)
}

// command builds the command line of one measurement; iterations > 0 fixes
// the count (for syscall counting).
func command(w workload, mode string, iterations int) *exec.Cmd {
	if mode == "go" {
		benchtime := fmt.Sprintf("%gs", *minTime)
		if iterations > 0 {
			benchtime = fmt.Sprintf("%dx", iterations)
		}
		return exec.Command(runfile("bench_go"), "-test.run=^$",
			"-test.bench=^Benchmark"+w.GoName+"$", "-test.benchtime="+benchtime)
	}
	cmd := exec.Command(runfile("bench_c"), "--benchmark_format=json",
		"--benchmark_filter=^"+w.ID+"/"+mode+"/",
		fmt.Sprintf("--benchmark_min_time=%g", *minTime))
	cmd.Env = os.Environ()
	if iterations > 0 {
		cmd.Env = append(cmd.Env, fmt.Sprintf("UNET_BENCH_ITERATIONS=%d", iterations))
	}
	return cmd
}

var goLine = regexp.MustCompile(`^Benchmark\S+\s+\d+\s+([\d.]+) ns/op(?:\s+([\d.]+) MB/s)?\s+([\d.]+) cpu-ns/op`)

func measure(w workload, mode string) sample {
	cmd := command(w, mode, 0)
	out, err := cmd.Output()
	if err != nil {
		fail(fmt.Errorf("%s %s: %v\n%s", w.ID, mode, err, out))
	}
	if mode == "go" {
		for _, line := range strings.Split(string(out), "\n") {
			if m := goLine.FindStringSubmatch(line); m != nil {
				ns, _ := strconv.ParseFloat(m[1], 64)
				mbps, _ := strconv.ParseFloat(m[2], 64)
				cpu, _ := strconv.ParseFloat(m[3], 64)
				return sample{ns, cpu, mbps}
			}
		}
		fail(fmt.Errorf("%s go: no result in\n%s", w.ID, out))
	}
	var report struct {
		Benchmarks []struct {
			RealTime    float64 `json:"real_time"`
			TimeUnit    string  `json:"time_unit"`
			CPU         float64 `json:"cpu_ns_per_op"`
			BytesPerSec float64 `json:"bytes_per_second"`
			Error       string  `json:"error_message"`
		} `json:"benchmarks"`
	}
	if err := json.Unmarshal(out, &report); err != nil || len(report.Benchmarks) != 1 {
		fail(fmt.Errorf("%s %s: unexpected output (%v)\n%s", w.ID, mode, err, out))
	}
	b := report.Benchmarks[0]
	if b.Error != "" || b.TimeUnit != "ns" {
		fail(fmt.Errorf("%s %s: %s (unit %s)", w.ID, mode, b.Error, b.TimeUnit))
	}
	return sample{b.RealTime, b.CPU, b.BytesPerSec / 1e6}
}

// syscallsPerOp counts with strace -f -c at two iteration counts, so the
// fixed cost of starting up cancels out.
func syscallsPerOp(w workload, mode string) float64 {
	count := func(iterations int) float64 {
		f, err := os.CreateTemp("", "strace-")
		if err != nil {
			fail(err)
		}
		f.Close()
		defer os.Remove(f.Name())
		cmd := command(w, mode, iterations)
		args := append([]string{"-f", "-c", "-q", "-o", f.Name(), cmd.Path}, cmd.Args[1:]...)
		st := exec.Command("strace", args...)
		st.Env = cmd.Env
		if out, err := st.CombinedOutput(); err != nil {
			fail(fmt.Errorf("strace %s %s: %v\n%s", w.ID, mode, err, out))
		}
		data, err := os.ReadFile(f.Name())
		if err != nil {
			fail(err)
		}
		scanner := bufio.NewScanner(bytes.NewReader(data))
		for scanner.Scan() {
			fields := strings.Fields(scanner.Text())
			if len(fields) >= 4 && fields[len(fields)-1] == "total" {
				calls, _ := strconv.ParseFloat(fields[3], 64)
				return calls
			}
		}
		fail(fmt.Errorf("strace %s %s: no total in\n%s", w.ID, mode, data))
		return 0
	}
	n := w.Strace
	return (count(3*n) - count(n)) / float64(2*n)
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func main() {
	flag.Parse()
	start := time.Now()
	samples := map[string][]sample{}
	key := func(w workload, mode string) string { return w.ID + "/" + mode }
	for rep := 0; rep < *reps; rep++ {
		fmt.Fprintf(os.Stderr, "compare: repetition %d of %d\n", rep+1, *reps)
		for _, w := range workloads {
			// Alternate: each repetition starts the rotation one mode later.
			for i := range w.Modes {
				mode := w.Modes[(i+rep)%len(w.Modes)]
				samples[key(w, mode)] = append(samples[key(w, mode)], measure(w, mode))
			}
		}
	}

	var results []result
	for _, w := range workloads {
		byMode := map[string]*result{}
		for _, mode := range w.Modes {
			ss := samples[key(w, mode)]
			var ns, cpu, mbps []float64
			for _, s := range ss {
				ns, cpu, mbps = append(ns, s.ns), append(cpu, s.cpu), append(mbps, s.mbps)
			}
			sort.Float64s(ns)
			r := result{Workload: w.ID, Mode: mode, NsMedian: median(ns), NsMin: ns[0],
				NsMax: ns[len(ns)-1], CPUMedian: median(cpu), Repetition: len(ss)}
			if m := median(mbps); m > 0 {
				r.MBPerS = m
			}
			if *strace {
				fmt.Fprintf(os.Stderr, "compare: counting syscalls of %s %s\n", w.ID, mode)
				r.Syscalls = syscallsPerOp(w, mode)
			}
			byMode[mode] = &r
		}
		for _, mode := range w.Modes {
			r := byMode[mode]
			if strings.HasPrefix(mode, "c") {
				r.RatioRaw = r.NsMedian / byMode["raw"].NsMedian
				r.RatioGo = r.NsMedian / byMode["go"].NsMedian
			}
			results = append(results, *r)
		}
	}

	print(results)
	path := *jsonPath
	if path == "" {
		path = "results.json"
		if ws := os.Getenv("BUILD_WORKSPACE_DIRECTORY"); ws != "" {
			path = filepath.Join(ws, "testing/bench/results.json")
		}
	}
	data, _ := json.MarshalIndent(map[string]interface{}{
		"date": time.Now().UTC().Format(time.RFC3339), "repetitions": *reps,
		"seconds_per_measurement": *minTime, "results": results,
	}, "", "  ")
	if err := os.WriteFile(path, append(data, '\n'), 0644); err != nil {
		fail(err)
	}
	fmt.Printf("\nJSON: %s (%d measurements in %s)\n", path, len(results)*(*reps),
		time.Since(start).Round(time.Second))
}

func print(results []result) {
	fmt.Printf("%-31s %-10s %24s %12s %9s %8s %7s %7s\n", "workload", "mode",
		"ns/op median (min-max)", "cpu ns/op", "MB/s", "sys/op", "c/raw", "c/go")
	last := ""
	for _, r := range results {
		if r.Workload != last && last != "" {
			fmt.Println()
		}
		last = r.Workload
		ratio := func(x float64) string {
			if x == 0 {
				return "-"
			}
			return fmt.Sprintf("%.2f", x)
		}
		mb := "-"
		if r.MBPerS > 0 {
			mb = fmt.Sprintf("%.0f", r.MBPerS)
		}
		fmt.Printf("%-31s %-10s %24s %12.0f %9s %8.2f %7s %7s\n", r.Workload, r.Mode,
			fmt.Sprintf("%.0f (%.0f-%.0f)", r.NsMedian, r.NsMin, r.NsMax), r.CPUMedian, mb,
			r.Syscalls, ratio(r.RatioRaw), ratio(r.RatioGo))
	}
}
