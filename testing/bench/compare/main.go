// Command compare runs the libunet benchmarks side by side: plain syscalls
// (raw), libunet (c, and its opt-in spin modes) and gVisor's Go unet (go),
// alternating them in one run. It prints one table (median ns/op with its
// interquartile range over the repetitions, p50/p99 of single round trips,
// CPU ns/op, syscalls/op, instructions/op, and the ratios c/raw and c/go),
// the decision on libunet's default spin mode, and writes the same as JSON.
//
//	tools/bazel run //testing/bench:compare -- [-reps 11] [-time 0.5] [-json FILE]
//	tools/bazel run //testing/bench:compare -- -quick   # seconds: every workload works
//
// A cell whose interquartile range is wider than 20% of its median is noisy
// (marked ~), and so is every ratio built on it. A ratio claims a side of 1.0
// only when the two cells' interquartile ranges are apart (marked *); with
// overlapping ranges it is a tie within this run's spread. Syscalls and instructions
// per op are counted in separate passes at N and 3N iterations, so start-up
// cancels out; they do not depend on timing.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/bazelbuild/rules_go/go/runfiles"
)

type workload struct {
	ID     string
	GoName string // "" when Go has no such benchmark
	Modes  []string
	Count  int  // iterations for syscall and instruction counts (0: none)
	Single bool // one thread: instructions counted under callgrind too
	Quick  int  // iterations in -quick
}

var spinModes = []string{"raw", "c", "c_gofootprint", "c_spin", "c_adaptive", "go"}
var plainModes = []string{"raw", "c", "c_gofootprint", "go"}
var messageModes = []string{"raw", "c", "c_helpers", "go"}

// decisionModes are the two defaults the spin decision is between.
var decisionModes = []string{"c", "c_adaptive"}

var workloads = []workload{
	{"pingpong_threads_stream", "PingpongThreadsStream", spinModes, 500, false, 50},
	{"pingpong_threads_seqpacket", "PingpongThreadsSeqpacket", spinModes, 500, false, 50},
	{"pingpong_processes_stream", "PingpongProcessesStream", spinModes, 500, false, 50},
	{"pingpong_processes_seqpacket", "PingpongProcessesSeqpacket", spinModes, 500, false, 50},
	{"pingpong_threads_stream_4pairs", "PingpongThreadsStream4pairs", spinModes, 300, false, 50},
	{"pingpong_threads_stream_8pairs", "PingpongThreadsStream8pairs", spinModes, 300, false, 50},
	{"sparse_1ms", "", decisionModes, 100, false, 10},
	{"sparse_10ms", "", decisionModes, 10, false, 3},
	{"sparse_1s", "", decisionModes, 0, false, 1},
	{"idle_64conns", "", decisionModes, 300, false, 50},
	{"bulk_64k_stream", "Bulk64kStream", spinModes, 100, false, 20},
	{"fds_1", "Fds1", plainModes, 500, true, 50},
	{"fds_16", "Fds16", plainModes, 300, true, 50},
	{"wrapper_nonblocking", "WrapperNonblocking", plainModes, 1000, true, 50},
	// 1 MiB and 3 fds a message, by hand (raw, c, go) and with write_all and
	// read_full (c_helpers): the helpers against the loop they replace.
	{"message_1m_3fds", "Message1m3fds", messageModes, 20, false, 5},
}

type sample struct{ ns, cpu, mbps, p50, p99 float64 }

// spread is a median with its interquartile range.
type spread struct {
	Median float64 `json:"median"`
	Q1     float64 `json:"q1"`
	Q3     float64 `json:"q3"`
	Noisy  bool    `json:"noisy"` // IQR wider than 20% of the median
}

type ratio struct {
	Value float64 `json:"value"`
	Noisy bool    `json:"noisy"` // built on a noisy cell
	// Clear: the two cells' interquartile ranges do not overlap, so the side
	// of 1.0 is not an accident of this run.
	Clear bool `json:"iqrs_apart"`
}

type result struct {
	Workload     string  `json:"workload"`
	Mode         string  `json:"mode"`
	Ns           spread  `json:"ns_per_op"`
	CPU          spread  `json:"cpu_ns_per_op"`
	P50          float64 `json:"p50_ns,omitempty"`
	P99          float64 `json:"p99_ns,omitempty"`
	MBPerS       float64 `json:"mb_per_s_median,omitempty"`
	Syscalls     float64 `json:"syscalls_per_op,omitempty"`
	Instructions float64 `json:"instructions_per_op,omitempty"`
	RatioRaw     *ratio  `json:"c_over_raw,omitempty"`
	RatioGo      *ratio  `json:"c_over_go,omitempty"`
	Repetitions  int     `json:"repetitions"`
}

var (
	reps     = flag.Int("reps", 11, "repetitions of every workload and mode, alternated")
	minTime  = flag.Float64("time", 0.5, "seconds per measurement")
	jsonPath = flag.String("json", "", "where to write the JSON (default: a new file under $TMPDIR, never the source tree; record a run by copying it to testing/bench/RESULTS.json)")
	strace   = flag.Bool("syscalls", true, "count syscalls per operation with strace (a separate pass)")
	instr    = flag.Bool("instructions", true, "count instructions per operation: perf where the machine has the counter, else callgrind on the one-thread workloads")
	quick    = flag.Bool("quick", false, "smoke test: one short pass of every workload and mode, small counts; figures mean nothing")
	against  = flag.String("against", "", "an earlier run's JSON: list every ratio whose side of 1.0 differs though both runs claim a side")
	only     = flag.String("only", "", "measure only the workloads whose names match this regular expression")
	modes    = flag.String("modes", "", "measure only these modes, comma-separated (default: each workload's own)")
	from     = flag.String("from", "", "print the table, decision and -against check of a run's JSON instead of measuring")
)

func runfile(name string) string {
	path, err := runfiles.Rlocation("libunet/testing/bench/" + name)
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
// the count (for counting passes and -quick).
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

// goMetrics reads "VALUE UNIT" pairs off a Go benchmark line.
func goMetrics(line string) map[string]float64 {
	fields := strings.Fields(line)
	if len(fields) < 4 || !strings.HasPrefix(fields[0], "Benchmark") {
		return nil
	}
	metrics := map[string]float64{}
	for i := 2; i+1 < len(fields); i += 2 {
		v, err := strconv.ParseFloat(fields[i], 64)
		if err != nil {
			return nil
		}
		metrics[fields[i+1]] = v
	}
	return metrics
}

func measure(w workload, mode string) sample {
	iterations := 0
	if *quick {
		iterations = w.Quick
	}
	cmd := command(w, mode, iterations)
	out, err := cmd.Output()
	if err != nil {
		fail(fmt.Errorf("%s %s: %v\n%s", w.ID, mode, err, out))
	}
	if mode == "go" {
		for _, line := range strings.Split(string(out), "\n") {
			if m := goMetrics(line); m != nil && m["ns/op"] > 0 {
				return sample{m["ns/op"], m["cpu-ns/op"], m["MB/s"], m["p50-ns"], m["p99-ns"]}
			}
		}
		fail(fmt.Errorf("%s go: no result in\n%s", w.ID, out))
	}
	var report struct {
		Benchmarks []struct {
			RealTime    float64 `json:"real_time"`
			TimeUnit    string  `json:"time_unit"`
			CPU         float64 `json:"cpu_ns_per_op"`
			P50         float64 `json:"p50_ns"`
			P99         float64 `json:"p99_ns"`
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
	return sample{b.RealTime, b.CPU, b.BytesPerSec / 1e6, b.P50, b.P99}
}

// perOp runs a counting pass at n and 3n iterations (n = w.Count, a tenth
// of it in -quick) and returns the count per operation: start-up and
// shut-down cancel out. count runs the command and returns its total.
func perOp(w workload, mode string, count func(*exec.Cmd) (float64, error)) float64 {
	n := w.Count
	if *quick {
		n = (n + 9) / 10
	}
	at := func(iterations int) float64 {
		total, err := count(command(w, mode, iterations))
		if err != nil {
			fail(fmt.Errorf("counting %s %s: %v", w.ID, mode, err))
		}
		return total
	}
	// A process's own background calls (Go's runtime) can outnumber the
	// difference at small counts: a negative figure is no measurement, and
	// 0 prints as "-".
	return math.Max(0, (at(3*n)-at(n))/float64(2*n))
}

func min(a, b int) int {
	if a < b {
		return a
	}
	return b
}

// wrapped runs cmd under a counting tool that writes its report to a file,
// and returns the report.
func wrapped(cmd *exec.Cmd, tool func(report string) []string) ([]byte, error) {
	f, err := os.CreateTemp("", "compare-")
	if err != nil {
		return nil, err
	}
	f.Close()
	defer os.Remove(f.Name())
	args := append(tool(f.Name()), cmd.Path)
	run := exec.Command(args[0], append(args[1:], cmd.Args[1:]...)...)
	run.Env = cmd.Env
	if out, err := run.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("%v\n%s", err, out)
	}
	return os.ReadFile(f.Name())
}

// straceTotal counts the syscalls of the whole process tree.
func straceTotal(cmd *exec.Cmd) (float64, error) {
	report, err := wrapped(cmd, func(out string) []string {
		return []string{"strace", "-f", "-c", "-q", "-o", out}
	})
	if err != nil {
		return 0, err
	}
	scanner := bufio.NewScanner(bytes.NewReader(report))
	for scanner.Scan() {
		fields := strings.Fields(scanner.Text())
		if len(fields) >= 4 && fields[len(fields)-1] == "total" {
			return strconv.ParseFloat(fields[3], 64)
		}
	}
	return 0, fmt.Errorf("no total in\n%s", report)
}

// perfTotal counts instructions (user and kernel) with the CPU's counter.
func perfTotal(cmd *exec.Cmd) (float64, error) {
	report, err := wrapped(cmd, func(out string) []string {
		return []string{"perf", "stat", "-x", ",", "-e", "instructions", "-o", out, "--"}
	})
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(report), "\n") {
		fields := strings.Split(line, ",")
		if len(fields) >= 3 && strings.HasPrefix(fields[2], "instructions") {
			return strconv.ParseFloat(fields[0], 64)
		}
	}
	return 0, fmt.Errorf("no instructions in\n%s", report)
}

// callgrindTotal counts user-space instructions under valgrind (the same
// count for the same binary and inputs, whatever else the machine does).
func callgrindTotal(cmd *exec.Cmd) (float64, error) {
	report, err := wrapped(cmd, func(out string) []string {
		return []string{"valgrind", "--tool=callgrind", "-q", "--callgrind-out-file=" + out}
	})
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(report), "\n") {
		if strings.HasPrefix(line, "totals: ") {
			return strconv.ParseFloat(strings.Fields(line)[1], 64)
		}
	}
	return 0, fmt.Errorf("no totals in the callgrind report")
}

// perfCounts says whether perf can read the instruction counter here
// (many VMs do not expose it).
func perfCounts() bool {
	out, err := exec.Command("perf", "stat", "-x", ",", "-e", "instructions", "true").CombinedOutput()
	return err == nil && !strings.Contains(string(out), "not supported") &&
		!strings.Contains(string(out), "not counted")
}

// quartiles returns the median and the interquartile range of xs (linear
// interpolation between order statistics).
func quartiles(xs []float64) spread {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	at := func(q float64) float64 {
		pos := q * float64(len(s)-1)
		lo := int(pos)
		if lo+1 >= len(s) {
			return s[lo]
		}
		return s[lo] + (pos-float64(lo))*(s[lo+1]-s[lo])
	}
	r := spread{Median: at(0.5), Q1: at(0.25), Q3: at(0.75)}
	r.Noisy = r.Median > 0 && (r.Q3-r.Q1)/r.Median > 0.20
	return r
}

func median(xs []float64) float64 { return quartiles(xs).Median }

// minClaimReps is the fewest repetitions whose quartiles can support a
// claim: below it (-quick runs one) no ratio claims a side of 1.0 and no
// spin verdict is given.
const minClaimReps = 5

func ratioOf(a, b spread, reps int) *ratio {
	return &ratio{
		Value: a.Median / b.Median,
		Noisy: a.Noisy || b.Noisy,
		Clear: reps >= minClaimReps && (a.Q3 < b.Q1 || b.Q3 < a.Q1),
	}
}

// stored is the JSON a run writes.
type stored struct {
	Results []result `json:"results"`
}

func load(path string) []result {
	data, err := os.ReadFile(path)
	if err != nil {
		fail(err)
	}
	var run stored
	if err := json.Unmarshal(data, &run); err != nil {
		fail(fmt.Errorf("%s: %v", path, err))
	}
	return run.Results
}

// allWorkloads is every workload, whatever -only and -modes keep.
var allWorkloads = workloads

// selectWorkloads keeps the workloads and modes -only and -modes name.
func selectWorkloads() {
	match, err := regexp.Compile(*only)
	if err != nil {
		fail(fmt.Errorf("-only: %v", err))
	}
	var kept []workload
	for _, w := range workloads {
		if !match.MatchString(w.ID) {
			continue
		}
		if *modes != "" {
			var ms []string
			for _, m := range w.Modes {
				if strings.Contains(","+*modes+",", ","+m+",") {
					ms = append(ms, m)
				}
			}
			if ms == nil {
				continue
			}
			w.Modes = ms
		}
		kept = append(kept, w)
	}
	if kept == nil {
		fail(fmt.Errorf("-only %q -modes %q: no workload left", *only, *modes))
	}
	workloads = kept
}

// report prints the table, the spin decision and the -against check.
func report(results []result) verdictT {
	print(results)
	verdict := decide(results)
	printDecision(verdict)
	if *against != "" {
		compareSides(*against, results)
	}
	return verdict
}

func main() {
	flag.Parse()
	if *from != "" {
		report(load(*from))
		return
	}
	if *quick {
		*reps = 1
	}
	selectWorkloads()
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
	measured := time.Since(start)

	usePerf := *instr && perfCounts()
	var results []result
	for _, w := range workloads {
		byMode := map[string]*result{}
		for _, mode := range w.Modes {
			ss := samples[key(w, mode)]
			var ns, cpu, mbps, p50, p99 []float64
			for _, s := range ss {
				ns, cpu, mbps = append(ns, s.ns), append(cpu, s.cpu), append(mbps, s.mbps)
				p50, p99 = append(p50, s.p50), append(p99, s.p99)
			}
			r := result{Workload: w.ID, Mode: mode, Ns: quartiles(ns), CPU: quartiles(cpu),
				P50: median(p50), P99: median(p99), MBPerS: median(mbps), Repetitions: len(ss)}
			if *strace && w.Count > 0 {
				fmt.Fprintf(os.Stderr, "compare: counting syscalls of %s %s\n", w.ID, mode)
				r.Syscalls = perOp(w, mode, straceTotal)
			}
			switch {
			case usePerf && w.Count > 0:
				r.Instructions = perOp(w, mode, perfTotal)
			case *instr && w.Single && mode != "go":
				// Go's runtime does not run its threads under valgrind
				// reliably; the C and raw sides are what a regression
				// check compares.
				fmt.Fprintf(os.Stderr, "compare: counting instructions of %s %s (callgrind)\n", w.ID, mode)
				r.Instructions = perOp(w, mode, callgrindTotal)
			}
			byMode[mode] = &r
		}
		for _, mode := range w.Modes {
			r := byMode[mode]
			if strings.HasPrefix(mode, "c") {
				if raw, ok := byMode["raw"]; ok {
					r.RatioRaw = ratioOf(r.Ns, raw.Ns, min(r.Repetitions, raw.Repetitions))
				}
				if g, ok := byMode["go"]; ok {
					r.RatioGo = ratioOf(r.Ns, g.Ns, min(r.Repetitions, g.Repetitions))
				}
			}
			results = append(results, *r)
		}
	}

	verdict := report(results)
	counter := "none"
	switch {
	case usePerf:
		counter = "perf"
	case *instr:
		counter = "callgrind (one-thread workloads, C and raw)"
	}
	path := *jsonPath
	if path == "" {
		f, err := os.CreateTemp("", "libunet-bench-*.json")
		if err != nil {
			fail(err)
		}
		f.Close()
		path = f.Name()
	}
	data, _ := json.MarshalIndent(map[string]interface{}{
		"date": time.Now().UTC().Format(time.RFC3339), "repetitions": *reps,
		"seconds_per_measurement": *minTime, "quick": *quick,
		"instruction_counter": counter, "results": results, "spin_default": verdict,
		"seconds_measuring": measured.Seconds(), "seconds_in_all": time.Since(start).Seconds(),
	}, "", "  ")
	if err := os.WriteFile(path, append(data, '\n'), 0644); err != nil {
		fail(err)
	}
	fmt.Printf("\nJSON: %s (%d cells x %d repetitions; measuring %s, in all %s; instructions: %s)\n",
		path, len(results), *reps, measured.Round(time.Second),
		time.Since(start).Round(time.Second), counter)
}

// compareSides checks that an earlier run put every ratio on the same side
// of 1.0 as this one, where both runs claim a side (the two cells' IQRs
// apart); the others are noisy or ties in at least one run.
func compareSides(path string, results []result) {
	before := map[string]result{}
	for _, r := range load(path) {
		before[r.Workload+"/"+r.Mode] = r
	}
	checked, agree, differ := 0, 0, 0
	fmt.Printf("\nratios against %s:\n", path)
	for _, r := range results {
		old, ok := before[r.Workload+"/"+r.Mode]
		if !ok {
			continue
		}
		for _, pair := range []struct {
			name     string
			now, was *ratio
		}{{"c/raw", r.RatioRaw, old.RatioRaw}, {"c/go", r.RatioGo, old.RatioGo}} {
			if pair.now == nil || pair.was == nil {
				continue
			}
			checked++
			if !claims(pair.now) || !claims(pair.was) {
				continue
			}
			if (pair.now.Value < 1) == (pair.was.Value < 1) {
				agree++
				continue
			}
			differ++
			fmt.Printf("  %s %s %s: %.2f now, %.2f then\n", r.Workload, r.Mode, pair.name,
				pair.now.Value, pair.was.Value)
		}
	}
	fmt.Printf("  %d ratios: %d claim the same side of 1.0 in both runs, %d claim different sides, %d are noisy or ties in one run at least\n",
		checked, agree, differ, checked-agree-differ)
}

// claims says whether a ratio claims a side of 1.0: not noisy, IQRs apart.
func claims(r *ratio) bool { return !r.Noisy && r.Clear }

// decision is the spin-default verdict on one workload: c_adaptive (default
// on) against c (default off).
type decision struct {
	Workload string  `json:"workload"`
	Wall     float64 `json:"wall_adaptive_over_off"`
	CPU      float64 `json:"cpu_adaptive_over_off"`
	// WallOK: adaptive's median wall time is at most the off mode's third
	// quartile (no worse, within this run's spread).
	WallOK bool `json:"wall_no_worse"`
	CPUOK  bool `json:"cpu_within_5_percent"`
}

type verdictT struct {
	// Decided: every cell had minClaimReps repetitions or more.
	Decided   bool       `json:"decided"`
	DefaultOn bool       `json:"adaptive_spin_by_default"`
	Deciders  []string   `json:"decided_by,omitempty"`
	Workloads []decision `json:"workloads"`
}

// decide applies issue 14's rule: adaptive spinning becomes the default if,
// on every workload where both were measured, wall time is no worse and CPU
// per message is within 5% (or better).
func decide(results []result) verdictT {
	cells := map[string]result{}
	for _, r := range results {
		cells[r.Workload+"/"+r.Mode] = r
	}
	v := verdictT{Decided: true, DefaultOn: true}
	// Every workload that measures both modes, not only those a -only or
	// -modes run kept: a subset decides nothing.
	for _, w := range allWorkloads {
		if !strings.Contains(","+strings.Join(w.Modes, ",")+",", ",c_adaptive,") {
			continue
		}
		off, ok1 := cells[w.ID+"/c"]
		on, ok2 := cells[w.ID+"/c_adaptive"]
		if !ok1 || !ok2 {
			v.Decided, v.DefaultOn = false, false
			continue
		}
		if min(off.Repetitions, on.Repetitions) < minClaimReps {
			v.Decided, v.DefaultOn = false, false
		}
		d := decision{Workload: w.ID, Wall: on.Ns.Median / off.Ns.Median,
			CPU: on.CPU.Median / off.CPU.Median}
		d.WallOK = on.Ns.Median <= off.Ns.Q3
		d.CPUOK = d.CPU <= 1.05
		if !d.WallOK || !d.CPUOK {
			v.DefaultOn = false
			v.Deciders = append(v.Deciders, w.ID)
		}
		v.Workloads = append(v.Workloads, d)
	}
	return v
}

func printDecision(v verdictT) {
	fmt.Printf("\nspin default: c_adaptive (on) against c (off)\n")
	fmt.Printf("%-31s %10s %10s  %s\n", "workload", "wall on/off", "cpu on/off", "verdict")
	for _, d := range v.Workloads {
		verdict := "on is fine"
		switch {
		case !v.Decided:
			verdict = "-"
		case !d.WallOK && !d.CPUOK:
			verdict = "on is slower and burns more CPU"
		case !d.WallOK:
			verdict = "on is slower"
		case !d.CPUOK:
			verdict = "on burns more than 5% more CPU"
		}
		fmt.Printf("%-31s %10.2f %10.2f  %s\n", d.Workload, d.Wall, d.CPU, verdict)
	}
	if !v.Decided {
		fmt.Printf("=> no verdict: a workload is missing or has fewer than %d repetitions\n", minClaimReps)
	} else if v.DefaultOn {
		fmt.Printf("=> adaptive spinning qualifies as the default\n")
	} else {
		fmt.Printf("=> adaptive spinning stays opt-in; decided by: %s\n", strings.Join(v.Deciders, ", "))
	}
}

func print(results []result) {
	fmt.Printf("%-31s %-13s %25s %8s %8s %10s %6s %7s %9s %7s %7s\n", "workload", "mode",
		"ns/op median [IQR]", "p50", "p99", "cpu ns/op", "MB/s", "sys/op", "instr/op", "c/raw", "c/go")
	last := ""
	for _, r := range results {
		if r.Workload != last && last != "" {
			fmt.Println()
		}
		last = r.Workload
		ratioText := func(x *ratio) string {
			if x == nil {
				return "-"
			}
			mark := ""
			if x.Noisy {
				mark = "~"
			} else if x.Clear && r.Repetitions >= minClaimReps {
				mark = "*"
			}
			return fmt.Sprintf("%.2f%s", x.Value, mark)
		}
		optional := func(x float64, format string) string {
			if x == 0 {
				return "-"
			}
			return fmt.Sprintf(format, x)
		}
		noisy := ""
		if r.Ns.Noisy {
			noisy = "~"
		}
		fmt.Printf("%-31s %-13s %25s %8s %8s %10.0f %6s %7s %9s %7s %7s\n", r.Workload, r.Mode,
			fmt.Sprintf("%.0f [%.0f-%.0f]%s", r.Ns.Median, r.Ns.Q1, r.Ns.Q3, noisy),
			optional(r.P50, "%.0f"), optional(r.P99, "%.0f"), r.CPU.Median,
			optional(r.MBPerS, "%.0f"), optional(r.Syscalls, "%.2f"),
			optional(r.Instructions, "%.0f"), ratioText(r.RatioRaw), ratioText(r.RatioGo))
	}
	fmt.Printf("\n~ noisy: IQR over 20%% of the median (the ratio inherits it); * the two cells' IQRs are apart, so the ratio claims its side of 1.0 (only with %d repetitions or more); unmarked ratios are ties within the spread; - not measured\n", minClaimReps)
}
