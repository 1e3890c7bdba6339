#!/usr/bin/env python3
"""tests/bench harness: runs every contender against a fresh simulator
process per run, measures CPU, memory, delivery and latency, writes
results/{results.json,summary.csv,summary.md} and a plot.

Started by run.sh, which builds what it needs first; see docs/benchmarks.md.
"""
import argparse
import csv
import json
import os
import signal
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TICK = os.sysconf("SC_CLK_TCK")
ANSWER_BYTES = 1200 * 24 * 2  # the simulator's default 1200 ms answer


def proc_cpu(pid):
    """utime + stime of a process (all its threads), in seconds."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK
    except (OSError, IndexError):
        return None


def proc_mem(pid):
    """(Rss, Pss) in kB from smaps_rollup."""
    out = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in ("Rss", "Pss"):
                    out[k] = int(v.split()[0])
    except OSError:
        pass
    return out.get("Rss"), out.get("Pss")


def machine_cpu():
    """Busy and total jiffies of the whole machine."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + v[4]
    return sum(v) - idle, sum(v)


def loadavg():
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


class Proc:
    """A contender process whose progress lines are watched."""

    def __init__(self, argv, env, on_line):
        self.p = subprocess.Popen(argv, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, env=env)
        self.result = None
        self.stderr = []
        self.on_line = on_line
        self.t_out = threading.Thread(target=self._read_out, daemon=True)
        self.t_err = threading.Thread(target=self._read_err, daemon=True)
        self.t_out.start()
        self.t_err.start()

    def _read_out(self):
        for line in self.p.stdout:
            line = line.strip()
            if line.startswith("{"):
                self.result = json.loads(line)
            else:
                self.on_line(self, line)

    def _read_err(self):
        for line in self.p.stderr:
            self.stderr.append(line.rstrip())

    def wait(self, timeout):
        try:
            self.p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
        self.t_out.join(5)
        self.t_err.join(5)
        return self.p.returncode


def start_sim(args, extra):
    argv = [args.sim, "--port", "0", "--stats"] + extra
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    if "listening on" not in line:
        p.kill()
        raise RuntimeError("simulator did not start: " + line)
    return p, line.split()[-1]


def stop_sim(p):
    p.send_signal(signal.SIGTERM)
    try:
        out, _ = p.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        p.kill()
        out, _ = p.communicate()
    for line in out.splitlines():
        if line.startswith("{"):
            return json.loads(line)
    return {}


def contender_argv(args, kind, n, uri, extra):
    common = ["--seconds", str(args.seconds), "--warmup", str(args.warmup),
              "--setup-timeout", str(int(args.setup_timeout)),
              "--ramp-ms", str(args.ramp_ms)]
    # The input buffer duration is a property of the GStreamer source;
    # node's timer always ticks per 40 ms chunk.
    gst = ["--buffer-ms", str(args.buffer_ms)]
    if kind in ("geminilive", "per-process"):
        return [args.bench, "--sessions", str(n), "--uri", uri] + common + gst + extra
    if kind == "baseline":
        return [args.bench, "--mode", "baseline", "--sessions", str(n)] + common + gst + extra
    if kind == "sdk":
        return [args.node, os.path.join(HERE, "node", "bench-sdk.mjs"),
                "--sessions", str(n), "--uri", uri] + common + extra
    if kind == "sdk-baseline":
        return [args.node, os.path.join(HERE, "node", "bench-sdk.mjs"),
                "--mode", "baseline", "--sessions", str(n)] + common + extra
    raise ValueError(kind)


def run_one(args, kind, n, variant="", sim_extra=(), extra=()):
    """One measurement: a fresh simulator, the contender, the window."""
    env = dict(os.environ)
    env["GST_PLUGIN_PATH_1_0"] = args.plugin_path
    env.setdefault("GST_REGISTRY_1_0", os.path.join(args.build, "bench-registry.bin"))
    sim, uri = start_sim(args, list(sim_extra))
    sim_uri = uri + "/ws/google.ai.generativelanguage.v1.GenerativeService.BidiGenerateContent"
    marks = {}
    lock = threading.Lock()

    def on_line(proc, line):
        word = line.split(" ", 1)[0]
        if word not in ("WINDOW-START", "WINDOW-END"):
            return
        with lock:
            m = marks.setdefault(word, [])
            m.append((time.monotonic(), proc_cpu(sim.pid), machine_cpu(),
                      proc.p.pid, proc_cpu(proc.p.pid), proc_mem(proc.p.pid)))

    t0 = time.monotonic()
    load0 = loadavg()
    procs = []
    if kind == "per-process":
        # one process per session, all against the same simulator; their
        # windows start once the last one has had time to set up
        n_procs, n_each = n, 1
        warm = args.warmup + 0.25 * n
        for i in range(n_procs):
            argv = contender_argv(args, kind, n_each, sim_uri if kind != "sdk" else uri, list(extra))
            argv[argv.index("--warmup") + 1] = str(warm - 0.25 * i)
            procs.append(Proc(argv, env, on_line))
    else:
        argv = contender_argv(args, kind, n, sim_uri if kind != "sdk" else uri, list(extra))
        procs.append(Proc(argv, env, on_line))
    timeout = (args.setup_timeout + args.warmup + args.seconds + 0.3 * n
               + args.ramp_ms * n / 1000 + 120)
    rcs = [p.wait(timeout) for p in procs]
    sim_stats = stop_sim(sim)
    elapsed = time.monotonic() - t0

    row = {"contender": kind, "variant": variant, "sessions": n,
           "processes": len(procs), "rc": max(rcs), "elapsed_s": round(elapsed, 2),
           "load_before": load0, "load_after": loadavg(), "sim": sim_stats}
    results = [p.result for p in procs]
    if any(r is None for r in results) or row["rc"] != 0:
        row["error"] = "\n".join(sum((p.stderr[-5:] for p in procs), []))
        print(f"  {kind} N={n} {variant}: FAILED rc={row['rc']}: {row['error']}", flush=True)
        return row
    starts, ends = marks.get("WINDOW-START", []), marks.get("WINDOW-END", [])
    row["cpu_s"] = sum(r["cpu_s"] for r in results)
    row["window_s"] = max(r["window_s"] for r in results)
    row["cpu_rate"] = sum(r["cpu_s"] / r["window_s"] for r in results)
    row["rss_kb"] = sum(m[5][0] or 0 for m in ends)
    row["pss_kb"] = sum(m[5][1] or 0 for m in ends)
    if starts and ends:
        # the simulator and the rest of the machine over the (union) window
        a, b = min(starts, key=lambda m: m[0]), max(ends, key=lambda m: m[0])
        dt = b[0] - a[0]
        row["sim_cpu_rate"] = (b[1] - a[1]) / dt
        busy = (b[2][0] - a[2][0]) / TICK / dt
        row["machine_busy_cores"] = busy
        row["other_cpu_rate"] = busy - row["sim_cpu_rate"] - row["cpu_rate"]
    for key in ("sink_dropped", "input_bytes_total", "output_bytes", "turns",
                "errors", "output_discont", "stale_buffers", "interrupted"):
        row[key] = sum(r.get(key, 0) for r in results)
    for key in ("min_session_output_bytes", "min_session_turns"):
        row[key] = min(r.get(key, 0) for r in results)
    for key in ("max_input_late_ms", "max_output_late_ms", "setup_s"):
        row[key] = max(r.get(key, 0) for r in results)
    for key in ("latency_send", "latency_receive", "latency_interruption"):
        if key in results[0]:
            row[key] = results[0][key] if len(results) == 1 else merge_dist(results, key)
    # real time: nothing late or dropped, every session's audio delivered
    cycle = (2000 + 2000) / 1000
    want_turns = max(0, int(row["window_s"] // cycle) - 1)
    checks = {
        "no_errors": row["errors"] == 0,
        "sink_no_late_drop": row["sink_dropped"] == 0,
        "source_on_time": row["max_input_late_ms"] < 40,
    }
    if kind not in ("baseline", "sdk-baseline"):
        got = sim_stats.get("received_audio_bytes", 0)
        checks["input_delivered"] = got >= 0.99 * row["input_bytes_total"] - 3200 * n
        checks["answers_delivered"] = (row["min_session_turns"] >= want_turns and
                                       row["min_session_output_bytes"] >= want_turns * ANSWER_BYTES)
        row["input_delivered_fraction"] = got / max(1, row["input_bytes_total"])
    row["realtime_checks"] = checks
    row["realtime"] = all(checks.values())
    lat = ""
    if "latency_send" in row:
        lat = (f" send p50/p99 {row['latency_send'].get('p50_us', 0):.0f}/"
               f"{row['latency_send'].get('p99_us', 0):.0f} us,"
               f" recv p50/p99 {row['latency_receive'].get('p50_us', 0) / 1000:.1f}/"
               f"{row['latency_receive'].get('p99_us', 0) / 1000:.1f} ms")
        if row["latency_interruption"].get("n"):
            lat += (f", intr p50/p99 {row['latency_interruption']['p50_us'] / 1000:.1f}/"
                    f"{row['latency_interruption']['p99_us'] / 1000:.1f} ms")
    print(f"  {kind:12s} {variant:12s} N={n:<4d} cpu {row['cpu_rate']:.3f} cores,"
          f" sim {row.get('sim_cpu_rate', 0):.3f}, other {row.get('other_cpu_rate', 0):.2f},"
          f" rss {row['rss_kb'] / 1024:.1f} MiB, realtime {row['realtime']}"
          f"{'' if row['realtime'] else ' ' + str([k for k, v in checks.items() if not v])},"
          f"{lat} ({elapsed:.0f} s)", flush=True)
    return row


def merge_dist(results, key):
    # per-process runs: keep the worst percentile of the processes
    ds = [r[key] for r in results if r[key].get("n")]
    if not ds:
        return {"n": 0}
    return {"n": sum(d["n"] for d in ds),
            "p50_us": sorted(d["p50_us"] for d in ds)[len(ds) // 2],
            "p99_us": max(d["p99_us"] for d in ds),
            "max_us": max(d["max_us"] for d in ds)}


def slopes(rows, kind, field, scale):
    """Marginal cost per session between consecutive N: d(field)/dN."""
    pts = sorted((r["sessions"], r[field]) for r in rows
                 if r["contender"] == kind and not r["variant"] and field in r)
    return {(a[0], b[0]): (b[1] - a[1]) / (b[0] - a[0]) * scale
            for a, b in zip(pts, pts[1:])}


def summarize(rows, args):
    cpu = {k: slopes(rows, k, "cpu_rate", 1000.0)  # ms CPU per s of audio
           for k in ("geminilive", "baseline", "sdk", "sdk-baseline", "per-process")}
    mem = {k: slopes(rows, k, "rss_kb", 1 / 1024.0)  # MiB per session
           for k in ("geminilive", "baseline", "sdk", "sdk-baseline", "per-process")}
    table = []
    for pair in sorted(cpu["geminilive"]):
        e = cpu["geminilive"][pair]
        b = cpu["baseline"].get(pair)
        s = cpu["sdk"].get(pair)
        sb = cpu["sdk-baseline"].get(pair)
        table.append({
            "from": pair[0], "to": pair[1],
            "geminilive_ms": e, "baseline_ms": b,
            "element_ms": None if b is None else e - b,
            "per_process_ms": cpu["per-process"].get(pair),
            "per_process_element_ms": (None if b is None or pair not in cpu["per-process"]
                                       else cpu["per-process"][pair] - b),
            "sdk_ms": s, "sdk_baseline_ms": sb,
            "sdk_net_ms": None if s is None or sb is None else s - sb,
            "element_mib": (None if pair not in mem["baseline"]
                            else mem["geminilive"][pair] - mem["baseline"][pair]),
            "sdk_mib": mem["sdk"].get(pair),
            "per_process_mib": mem["per-process"].get(pair),
        })
    realtime = {}
    for k in ("geminilive", "sdk", "per-process"):
        ok = [r["sessions"] for r in rows if r["contender"] == k and not r["variant"]
              and r.get("realtime")]
        tried = [r["sessions"] for r in rows if r["contender"] == k and not r["variant"]]
        first_bad = min([x for x in tried if x not in ok], default=None)
        realtime[k] = max([x for x in ok if first_bad is None or x < first_bad], default=0)
    return {"marginal": table, "largest_realtime_n": realtime}


def fmt(v, nd=3):
    return "–" if v is None else f"{v:.{nd}f}"


def write_outputs(rows, summary, meta, args):
    os.makedirs(args.results, exist_ok=True)
    with open(os.path.join(args.results, "results.json"), "w") as f:
        json.dump({"meta": meta, "runs": rows, "summary": summary}, f, indent=1,
                  default=str)
    fields = ["contender", "variant", "sessions", "processes", "window_s", "cpu_s",
              "cpu_rate", "rss_kb", "pss_kb", "sim_cpu_rate", "other_cpu_rate",
              "machine_busy_cores", "load_before", "load_after", "setup_s",
              "sink_dropped", "max_input_late_ms", "max_output_late_ms",
              "output_discont", "input_delivered_fraction", "min_session_turns",
              "realtime", "send_p50_us", "send_p99_us", "recv_p50_us", "recv_p99_us",
              "intr_p50_us", "intr_p99_us", "intr_n", "stale_buffers"]
    with open(os.path.join(args.results, "summary.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            r2 = dict(r)
            for short, key in (("send", "latency_send"), ("recv", "latency_receive"),
                               ("intr", "latency_interruption")):
                d = r.get(key) or {}
                r2[f"{short}_p50_us"] = d.get("p50_us")
                r2[f"{short}_p99_us"] = d.get("p99_us")
                if short == "intr":
                    r2["intr_n"] = d.get("n")
            w.writerow(r2)
    # Markdown tables for docs/benchmarks.md
    md = []
    md.append("| sessions | geminilive (cores) | baseline | per-process | SDK | SDK baseline | simulator | others | RSS geminilive / SDK (MiB) | real time geminilive / SDK |")
    md.append("|---|---|---|---|---|---|---|---|---|---|")
    by = {(r["contender"], r["sessions"]): r for r in rows if not r["variant"]}
    for n in sorted({r["sessions"] for r in rows if not r["variant"]}):
        g, b, p = by.get(("geminilive", n), {}), by.get(("baseline", n), {}), by.get(("per-process", n), {})
        s, sb = by.get(("sdk", n), {}), by.get(("sdk-baseline", n), {})
        md.append(f"| {n} | {fmt(g.get('cpu_rate'))} | {fmt(b.get('cpu_rate'))} | "
                  f"{fmt(p.get('cpu_rate'))} | {fmt(s.get('cpu_rate'))} | {fmt(sb.get('cpu_rate'))} | "
                  f"{fmt(g.get('sim_cpu_rate'), 2)} / {fmt(s.get('sim_cpu_rate'), 2)} | "
                  f"{fmt(g.get('other_cpu_rate'), 2)} | "
                  f"{fmt(g['rss_kb'] / 1024 if 'rss_kb' in g else None, 1)} / "
                  f"{fmt(s['rss_kb'] / 1024 if 'rss_kb' in s else None, 1)} | "
                  f"{g.get('realtime', '–')} / {s.get('realtime', '–')} |")
    md.append("")
    md.append("| N from → to | geminilive | baseline | **element** | per-process | **SDK** | SDK baseline | SDK net | element MiB/session | SDK MiB/session |")
    md.append("|---|---|---|---|---|---|---|---|---|---|")
    for t in summary["marginal"]:
        md.append(f"| {t['from']} → {t['to']} | {fmt(t['geminilive_ms'])} | {fmt(t['baseline_ms'])} | "
                  f"**{fmt(t['element_ms'])}** | {fmt(t['per_process_ms'])} | **{fmt(t['sdk_ms'])}** | "
                  f"{fmt(t['sdk_baseline_ms'])} | {fmt(t['sdk_net_ms'])} | {fmt(t['element_mib'], 2)} | "
                  f"{fmt(t['sdk_mib'], 2)} |")
    md.append("")
    md.append("| run | N | send p50 / p99 (µs) | receive p50 / p99 (ms) | interruption p50 / p99 / max (ms) | stale buffers | output DISCONTs |")
    md.append("|---|---|---|---|---|---|---|")
    for r in rows:
        if "latency_send" not in r:
            continue
        ls, lr, li = r["latency_send"], r["latency_receive"], r["latency_interruption"]
        md.append(f"| {r['contender']} {r['variant']} | {r['sessions']} | "
                  f"{fmt(ls.get('p50_us'), 0)} / {fmt(ls.get('p99_us'), 0)} | "
                  f"{fmt(lr.get('p50_us', 0) / 1000 if lr.get('n') else None, 2)} / "
                  f"{fmt(lr.get('p99_us', 0) / 1000 if lr.get('n') else None, 2)} | "
                  f"{fmt(li.get('p50_us', 0) / 1000 if li.get('n') else None, 1)} / "
                  f"{fmt(li.get('p99_us', 0) / 1000 if li.get('n') else None, 1)} / "
                  f"{fmt(li.get('max_us', 0) / 1000 if li.get('n') else None, 1)} | "
                  f"{r.get('stale_buffers', 0)} | {r.get('output_discont', 0)} |")
    md.append("")
    md.append(f"Largest N that stayed real time: {summary['largest_realtime_n']}")
    with open(os.path.join(args.results, "summary.md"), "w") as f:
        f.write("\n".join(md) + "\n")
    print("\n".join(md))


def plot(rows, summary, args):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("no matplotlib (apt-get install python3-matplotlib): no plot", flush=True)
        return
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(12, 4.5))
    styles = {"geminilive": ("geminilive, one process", "C0", "o-"),
              "per-process": ("geminilive, process per session", "C0", "s--"),
              "baseline": ("baseline: audiotestsrc ! fakesink", "C7", "o:"),
              "sdk": ("@google/genai 3.3.0 (node)", "C3", "o-"),
              "sdk-baseline": ("node baseline (timers, no SDK)", "C1", "o:")}
    for k, (label, color, st) in styles.items():
        pts = sorted((r["sessions"], r["cpu_rate"]) for r in rows
                     if r["contender"] == k and not r["variant"] and "cpu_rate" in r)
        if pts:
            a1.plot([p[0] for p in pts], [p[1] for p in pts], st, color=color, label=label)
    a1.set_xlabel("concurrent sessions N")
    a1.set_ylabel("CPU (cores) over the window")
    a1.set_xscale("symlog", linthresh=10)
    a1.set_title("Client CPU (simulator not included)")
    a1.grid(True, alpha=0.3)
    a1.legend(fontsize=8)
    t = summary["marginal"]
    labels = [f"{x['from']}→{x['to']}" for x in t]
    xs = range(len(t))
    w = 0.27
    a2.bar([x - w for x in xs], [x["element_ms"] or 0 for x in t], w, color="C0",
           label="geminilive − baseline")
    a2.bar([x for x in xs], [x["sdk_ms"] or 0 for x in t], w, color="C3", label="SDK")
    a2.bar([x + w for x in xs], [x["sdk_net_ms"] or 0 for x in t], w, color="C1",
           label="SDK − node baseline")
    a2.set_xticks(list(xs))
    a2.set_xticklabels(labels)
    a2.set_xlabel("between N values")
    a2.set_ylabel("ms CPU per session per s of audio")
    a2.set_title("Marginal CPU per session")
    a2.grid(True, axis="y", alpha=0.3)
    a2.legend(fontsize=8)
    fig.tight_layout()
    os.makedirs(os.path.dirname(args.plot), exist_ok=True)
    fig.savefig(args.plot, dpi=100)
    print(f"plot: {args.plot}", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="tiny N and seconds")
    ap.add_argument("--sessions", help="comma-separated N (default 1,10,50,100,200,500)")
    ap.add_argument("--per-process", help="N for one process per session (default 1,10,50)")
    ap.add_argument("--latency-sessions", help="N for the latency variants (default 1,50)")
    ap.add_argument("--seconds", type=float, help="measured window (default 20)")
    ap.add_argument("--warmup", type=float, help="after set-up, before the window (default 4)")
    ap.add_argument("--contenders", default="geminilive,baseline,sdk,sdk-baseline,per-process")
    ap.add_argument("--no-variants", action="store_true", help="skip the latency variants")
    ap.add_argument("--setup-timeout", type=float, default=120)
    ap.add_argument("--ramp-ms", type=int, default=10,
                    help="start one session every MS, for every contender (default 10)")
    ap.add_argument("--buffer-ms", type=int, default=40,
                    help="duration of audiotestsrc's buffers (default 40: one buffer per "
                         "40 ms chunk, as node's timer ticks once per chunk)")
    ap.add_argument("--build", default="/tmp/b-bench")
    ap.add_argument("--results", default=os.path.join(HERE, "results"))
    ap.add_argument("--plot", default=os.path.join(ROOT, "docs", "benchmarks", "cpu.png"))
    ap.add_argument("--node", default="node")
    args = ap.parse_args()
    q = args.quick
    ns = [int(x) for x in (args.sessions or ("1,2,4" if q else "1,10,50,100,200,500")).split(",")]
    pp = [int(x) for x in (args.per_process or ("1,2" if q else "1,10,50")).split(",") if x]
    ls = [int(x) for x in (args.latency_sessions or ("2" if q else "1,50")).split(",") if x]
    args.seconds = args.seconds or (4.0 if q else 20.0)
    args.warmup = args.warmup if args.warmup is not None else (1.0 if q else 4.0)
    args.bench = os.path.join(args.build, "tests", "bench", "bench-geminilive")
    args.sim = os.path.join(args.build, "tests", "sim", "gemini-live-sim")
    args.plugin_path = os.path.join(args.build, "gst", "geminilive")
    kinds = args.contenders.split(",")

    meta = {"started": time.strftime("%Y-%m-%d %H:%M:%S"), "nproc": os.cpu_count(),
            "seconds": args.seconds, "warmup": args.warmup, "sessions": ns,
            "per_process": pp, "load_before": loadavg(),
            "uname": os.uname().release}
    try:
        meta["node"] = subprocess.run([args.node, "--version"], capture_output=True,
                                      text=True).stdout.strip()
    except OSError:
        pass
    print(f"bench: N={ns}, per-process N={pp}, window {args.seconds} s, "
          f"load {meta['load_before']}", flush=True)
    t0 = time.monotonic()
    rows = []
    for n in ns:
        for k in kinds:
            if k == "per-process" and n not in pp:
                continue
            rows.append(run_one(args, k, n))
    if not args.no_variants and "geminilive" in kinds:
        # latency without the sink's clock wait on the src task, and barge-in
        for n in ls:
            rows.append(run_one(args, "geminilive", n, "sink-queue", extra=["--sink-queue"]))
            rows.append(run_one(args, "geminilive", n, "interrupt",
                                sim_extra=["--answer-ms", "8000"]))
            rows.append(run_one(args, "geminilive", n, "interrupt+queue",
                                sim_extra=["--answer-ms", "8000"], extra=["--sink-queue"]))
    meta["load_after"] = loadavg()
    meta["duration_s"] = round(time.monotonic() - t0, 1)
    summary = summarize(rows, args)
    write_outputs(rows, summary, meta, args)
    plot(rows, summary, args)
    print(f"total {meta['duration_s']} s; results in {args.results}", flush=True)
    failed = [r for r in rows if "error" in r]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
