#!/usr/bin/env python3
"""The benchmark's figures as plots: one SVG per workload family, time and
CPU per operation by mode, each bar the median with its interquartile range
as the error bar, drawn by gnuplot (Debian's gnuplot-nox) from a run's JSON.

    testing/bench/plot.py RUN.json OUTDIR     (RESULTS.md shows testing/bench/plots/)

A -quick run's JSON is refused: one repetition has no spread to draw.
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

# (file name, title, workloads): what one plot compares.
FAMILIES = [
    ("pingpong", "Ping-pong, one pair (one byte each way)",
     ["pingpong_threads_stream", "pingpong_threads_seqpacket",
      "pingpong_processes_stream", "pingpong_processes_seqpacket"]),
    ("pairs", "Ping-pong, many pairs on 2 vCPUs",
     ["pingpong_threads_stream_4pairs", "pingpong_threads_stream_8pairs"]),
    ("sparse_idle", "Sparse and idle: delivery latency, CPU per message",
     ["sparse_1ms", "sparse_10ms", "sparse_1s", "idle_64conns"]),
    ("fds_messages", "Fds, whole messages, bulk",
     ["fds_1", "fds_16", "wrapper_nonblocking", "message_1m_3fds", "bulk_64k_stream"]),
]
MODES = ["raw", "c", "c_gofootprint", "c_spin", "c_adaptive", "c_helpers", "go"]


def data_file(results, workloads, key):
    """gnuplot rows: workload (less the family's "pingpong_"), then median,
    q1 and q3 per mode ('?' where the mode was not measured)."""
    cells = {(r["workload"], r["mode"]): r[key] for r in results}
    modes = [m for m in MODES if any((w, m) in cells for w in workloads)]
    rows = []
    for w in workloads:
        values = []
        for m in modes:
            c = cells.get((w, m))
            values += ["?"] * 3 if c is None else [
                "%.0f" % c["median"], "%.0f" % c["q1"], "%.0f" % c["q3"]]
        rows.append(w.replace("pingpong_", "") + " " + " ".join(values))
    return "\n".join(rows) + "\n", modes


def script(title, panels, out):
    lines = [
        'set terminal svg size 1100,%d dynamic font "sans,11"' % (330 * len(panels)),
        'set output "%s"' % out,
        'set multiplot layout %d,1 title "%s"' % (len(panels), title),
        "set termoption noenhanced",
        "set style data histogram",
        "set style histogram errorbars gap 2 lw 1",
        "set style fill solid 0.7 border -1",
        "set datafile missing '?'",
        "set logscale y",
        "set grid ytics",
        "set key outside right top",
        "set xtics nomirror",
    ]
    for label, path, modes in panels:
        lines.append('set ylabel "%s"' % label)
        plots = ['"%s" using %d:%d:%d:xtic(1) title "%s"' % (path, 2 + 3 * i, 3 + 3 * i, 4 + 3 * i, m)
                 for i, m in enumerate(modes)]
        lines.append("plot " + ", \\\n     ".join(plots))
    lines.append("unset multiplot")
    return "\n".join(lines) + "\n"


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.split("\n\n")[1].strip())
    run = json.load(open(sys.argv[1]))
    if run.get("quick") or run.get("repetitions", 0) < 5:
        sys.exit("plot.py: %s is a -quick run (or has under 5 repetitions): no spread to plot"
                 % sys.argv[1])
    subprocess.run([os.path.join(REPO, "tools/install_packages.sh"), "gnuplot-nox"], check=True)
    os.makedirs(sys.argv[2], exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        for name, title, workloads in FAMILIES:
            panels = []
            for key, label in (("ns_per_op", "ns/op (wall)"), ("cpu_ns_per_op", "CPU ns/op")):
                text, modes = data_file(run["results"], workloads, key)
                path = os.path.join(work, "%s_%s.dat" % (name, key))
                open(path, "w").write(text)
                panels.append((label, path, modes))
            out = os.path.join(sys.argv[2], name + ".svg")
            gp = os.path.join(work, name + ".gp")
            open(gp, "w").write(script(title + " (median, IQR bars)", panels, out))
            subprocess.run(["gnuplot", gp], check=True)
            print("plot.py: wrote %s" % out)


if __name__ == "__main__":
    main()
