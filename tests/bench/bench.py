#!/usr/bin/env python3
"""tests/bench harness: the element against the official SDK on equal terms.

Every run starts a fresh simulator process with the same options, so every
contender talks to the same server with the same negotiated WebSocket
extensions, and runs the same conversation: 40 ms input chunks in real
time, 2 s of speech then 3 s of silence, each turn answered with 2 s of
24 kHz audio in 200 and 240 ms chunks. Each contender is measured with its bare
program (the same pipelines or node timers without the element or the SDK)
so that its own cost can be taken apart; the runs are repeated and every
figure is given as min / median / max over the repeats.

  bench.py                       full run (see docs/benchmarks.md)
  bench.py --quick               a few small runs, for development
  bench.py --ab DIR_A DIR_B      A/B of two plugin directories (ab.sh)

Started by run.sh or ab.sh, which build what it needs first.
"""
import argparse
import collections
import csv
import json
import math
import os
import re
import signal
import statistics
import subprocess
import sys
import textwrap
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TICK = os.sysconf("SC_CLK_TCK")

# The conversation, the same for every contender.
WORKLOAD = {
    "chunk_ms": 40,          # input per realtimeInput message
    "buffer_ms": 40,         # audiotestsrc buffer (one per chunk, as node's timer)
    "on_ms": 2000,           # speech
    "off_ms": 3000,          # silence: 400 ms to end the turn, the 2 s answer, 600 ms to spare
    "answer_ms": 2000,       # each answer
    "answer_first_chunk_ms": 200,  # audio in an answer's first message, then
    "answer_chunk_ms": 240,  # in each of the others (as the service's recordings)
    "answer_speed": 2.0,     # answers are sent twice as fast as real time
}
ANSWER_BYTES = WORKLOAD["answer_ms"] * 24 * 2


def sim_args(w, deflate):
    a = ["--answer-ms", str(w["answer_ms"]), "--answer-chunk-ms", str(w["answer_chunk_ms"]),
         "--answer-first-chunk-ms", str(w["answer_first_chunk_ms"]),
         "--answer-speed", str(w["answer_speed"])]
    return a + (["--permessage-deflate"] if deflate else [])


# name: program, mode, layout, one process per session, bare program.
# The element's pipelines end in fakesink sync=true (its answers are played
# out in real time, as by an audio sink); the bare pipelines in fakesink
# sync=false, as what is left without the element is the source alone: a
# bare sink that waited for each input buffer would take 25 clock waits a
# second per session off the element's bill that its own pipeline does not
# have. gl-base-sync is that bare pipeline, and gl-nosync the element into
# fakesink sync=false, both run only at the ends of the slope to show what
# the choice changes. sdk-pp runs only when asked for: a node process per
# session saturates this machine from about 50 sessions on.
CONTENDERS = {
    "gl": ("c", "geminilive", "pipelines", False, "gl-base"),
    "gl-base": ("c", "baseline", "pipelines", False, None),
    "gl-base-sync": ("c", "baseline", "pipelines", False, None),
    "gl-nosync": ("c", "geminilive", "pipelines", False, "gl-base"),
    "gl-branches": ("c", "geminilive", "branches", False, "gl-branches-base"),
    "gl-branches-base": ("c", "baseline", "branches", False, None),
    "gl-pp": ("c", "geminilive", "pipelines", True, "gl-pp-base"),
    "gl-pp-base": ("c", "baseline", "pipelines", True, None),
    "sdk": ("node", "sdk", "", False, "sdk-base"),
    "sdk-base": ("node", "baseline", "", False, None),
    "sdk-pp": ("node", "sdk", "", True, "sdk-pp-base"),
    "sdk-pp-base": ("node", "baseline", "", True, None),
}
CHECKS_ONLY = ("gl-base-sync", "gl-nosync")  # at the ends of the slope only
ON_REQUEST = ("sdk-pp", "sdk-pp-base")


def sink_sync(name):
    return CONTENDERS[name][1] == "geminilive" and name != "gl-nosync" or name == "gl-base-sync"


LABELS = {
    "gl": "element, N pipelines in one process",
    "gl-branches": "element, one pipeline of N branches",
    "gl-pp": "element, one process per session",
    "sdk": "SDK, N sessions in one node process",
    "sdk-pp": "SDK, one node process per session",
}


# ---- /proc ----------------------------------------------------------------

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


def proc_threads(pid):
    """{tid: (kind, cpu ns)} from /proc/<pid>/task/*/schedstat (exact)."""
    out = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tids:
        try:
            base = f"/proc/{pid}/task/{tid}"
            with open(base + "/comm") as f:
                comm = f.read().strip()
            with open(base + "/schedstat") as f:
                ns = int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            continue
        out[tid] = (thread_kind(comm), ns)
    return out


def thread_kind(comm):
    # audiotestsrc<i>:src (the source's streaming thread, which also runs
    # the element's sink_audio chain), geminilive<i>:src (the element's
    # output task), geminilive-net<i> (network threads); names are cut at 15
    if comm.startswith("audiotestsrc"):
        return "source streaming"
    if comm.startswith("geminilive-net"):
        return "element network"
    if comm.startswith("geminilive") and ":" in comm:
        return "element src task"
    if comm.startswith("bench-geminili"):
        return "main"
    return re.sub(r"[0-9]+", "#", comm)


def machine_cpu():
    """Busy and total jiffies of the whole machine."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + v[4]
    return sum(v) - idle, sum(v)


def loadavg():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


# ---- processes ------------------------------------------------------------

LIVE = set()  # processes to end if the harness is stopped


def stop_children(signum, frame):
    for p in list(LIVE):
        try:
            p.kill()
        except OSError:
            pass
    sys.exit(128 + signum)


class Proc:
    """A contender process whose progress lines are watched."""

    def __init__(self, argv, env, on_line=None):
        self.p = subprocess.Popen(argv, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, env=env)
        LIVE.add(self.p)
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
            elif self.on_line:
                self.on_line(self, line)

    def _read_err(self):
        for line in self.p.stderr:
            self.stderr.append(line.rstrip())

    def wait(self, deadline):
        try:
            self.p.wait(timeout=max(1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
            self.stderr.append("killed: did not finish in time")
        self.t_out.join(5)
        self.t_err.join(5)
        LIVE.discard(self.p)
        return self.p.returncode


def start_sim(args, extra):
    argv = [args.sim, "--port", "0", "--stats"] + extra
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    LIVE.add(p)
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
    LIVE.discard(p)
    for line in out.splitlines():
        if line.startswith("{"):
            return json.loads(line)
    return {}


def contender_argv(args, name, n, uri, window_at=None):
    prog, mode, layout, _, _ = CONTENDERS[name]
    w = args.workload
    common = ["--sessions", str(n), "--seconds", str(args.seconds),
              "--warmup", str(args.warmup), "--setup-timeout", str(int(args.setup_timeout)),
              "--ramp-ms", str(args.ramp_ms), "--chunk-ms", str(w["chunk_ms"]),
              "--on-ms", str(w["on_ms"]), "--off-ms", str(w["off_ms"])]
    if window_at is not None:
        common += ["--window-at", f"{window_at:.3f}"]
    if prog == "c":
        argv = [args.bench, "--mode", mode, "--layout", layout,
                "--buffer-ms", str(w["buffer_ms"])] + common
        if mode == "geminilive":
            argv += ["--uri", uri]
        if not sink_sync(name):
            argv.append("--no-sink-sync")
        if args.no_latency:
            argv.append("--no-latency")
        return argv
    argv = [args.node, os.path.join(HERE, "node", "bench-sdk.mjs"), "--mode", mode] + common
    if mode == "sdk":
        argv += ["--uri", uri]
    return argv


def run_env(args, plugin_dir):
    env = dict(os.environ)
    env["GST_PLUGIN_PATH_1_0"] = plugin_dir
    # one registry per plugin directory, so an A/B never reads the other's
    env["GST_REGISTRY_1_0"] = os.path.join(plugin_dir, "bench-registry.bin")
    env["GEMINI_API_KEY"] = ""
    env["GOOGLE_API_KEY"] = ""
    return env


def run_one(args, name, n, repeat, deflate=False, side="", plugin_dir=None):
    """One measurement: a fresh simulator, the contender, its window."""
    _, mode, _, per_process, _ = CONTENDERS[name]
    env = run_env(args, plugin_dir or args.plugin_path)
    sim, uri = start_sim(args, sim_args(args.workload, deflate))
    if mode == "geminilive":
        uri += "/ws/google.ai.generativelanguage.v1.GenerativeService.BidiGenerateContent"
    marks = {}
    lock = threading.Lock()

    def sample(pids):
        mem = [proc_mem(p) for p in pids]
        return {"t": time.monotonic(), "sim": proc_cpu(sim.pid), "machine": machine_cpu(),
                "rss": sum(m[0] or 0 for m in mem), "pss": sum(m[1] or 0 for m in mem),
                "threads": proc_threads(pids[0]) if len(pids) == 1 else {}}

    def on_line(proc, line):
        word = line.split(" ", 1)[0]
        if word in ("WINDOW-START", "WINDOW-END"):
            with lock:
                marks[word] = sample([proc.p.pid])

    t0 = time.monotonic()
    load0 = loadavg()
    procs = []
    if per_process:
        # one process per session, started one every --pp-ramp-ms; their
        # windows are lined up on one CLOCK_MONOTONIC instant
        window_at = t0 + n * args.pp_ramp_ms / 1000 + args.pp_settle + args.warmup
        for i in range(n):
            target = t0 + i * args.pp_ramp_ms / 1000
            if target > time.monotonic():
                time.sleep(target - time.monotonic())
            procs.append(Proc(contender_argv(args, name, 1, uri, window_at), env))
        pids = [p.p.pid for p in procs]
        # the end is read just before the processes' own (they exit after it)
        for word, at in (("WINDOW-START", window_at),
                         ("WINDOW-END", window_at + args.seconds - 0.3)):
            if at > time.monotonic():
                time.sleep(at - time.monotonic())
            marks[word] = sample(pids)
    else:
        procs.append(Proc(contender_argv(args, name, n, uri), env, on_line))
    deadline = (time.monotonic() + args.setup_timeout + args.warmup + args.seconds
                + args.ramp_ms * n / 1000 + 60)
    rcs = [p.wait(deadline) for p in procs]
    sim_stats = stop_sim(sim)
    elapsed = time.monotonic() - t0

    row = {"contender": name, "sessions": n, "repeat": repeat,
           "deflate": deflate, "side": side, "processes": len(procs), "rc": max(rcs),
           "elapsed_s": round(elapsed, 2), "load_before": load0,
           "load_after": loadavg(), "sim": sim_stats}
    results = [p.result for p in procs]
    if any(r is None for r in results) or row["rc"] != 0:
        row["error"] = "\n".join(sum((p.stderr[-5:] for p in procs), []))[-2000:]
        print(f"  {name} N={n} #{repeat} {side}: FAILED rc={row['rc']}: {row['error']}",
              flush=True)
        return row
    a, b = marks.get("WINDOW-START"), marks.get("WINDOW-END")
    row["cpu_s"] = sum(r["cpu_s"] for r in results)
    row["window_s"] = max(r["window_s"] for r in results)
    row["cpu_rate"] = sum(r["cpu_s"] / r["window_s"] for r in results)
    row["startup_cpu_s"] = sum(r.get("startup_cpu_s", 0) for r in results)
    row["ready_cpu_total_s"] = sum(r.get("ready_cpu_total_s", 0) for r in results)
    row["deflate_sessions"] = sum(r.get("deflate_sessions", 0) for r in results)
    if a and b:
        dt = b["t"] - a["t"]
        row["rss_kb"], row["pss_kb"] = b["rss"], b["pss"]
        row["sim_cpu_rate"] = (b["sim"] - a["sim"]) / dt
        busy = (b["machine"][0] - a["machine"][0]) / TICK / dt
        row["machine_busy_cores"] = busy
        row["other_cpu_rate"] = busy - row["sim_cpu_rate"] - row["cpu_rate"]
        if a["threads"]:
            kinds = collections.defaultdict(float)
            for tid, (kind, ns) in b["threads"].items():
                if tid in a["threads"]:
                    kinds[kind] += (ns - a["threads"][tid][1]) / 1e9 / dt
            row["threads"] = dict(kinds)
        if per_process:
            row["window_late_s"] = max(r.get("window_late_s", 0) for r in results)
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
    w = args.workload
    want_turns = max(0, int(row["window_s"] // ((w["on_ms"] + w["off_ms"]) / 1000)) - 1)
    checks = {
        "no_errors": row["errors"] == 0,
        "sink_no_late_drop": row["sink_dropped"] == 0,
        "source_on_time": row["max_input_late_ms"] < 40,
    }
    if mode in ("geminilive", "sdk"):
        got = sim_stats.get("received_audio_bytes", 0)
        checks["input_delivered"] = got >= 0.99 * row["input_bytes_total"] - 3200 * n
        checks["answers_delivered"] = (row["min_session_turns"] >= want_turns and
                                       row["min_session_output_bytes"] >= want_turns * ANSWER_BYTES)
        row["input_delivered_fraction"] = got / max(1, row["input_bytes_total"])
        checks["no_barge_in"] = row["interrupted"] == 0
    row["realtime_checks"] = checks
    row["realtime"] = all(checks.values())
    print("  " + describe(row, elapsed), flush=True)
    return row


def describe(row, elapsed):
    lat = ""
    if row.get("latency_send", {}).get("n"):
        ls, lr = row["latency_send"], row["latency_receive"]
        lat = (f", send p50/p99 {ls['p50_us']:.0f}/{ls['p99_us']:.0f} us"
               f", recv p50/p99 {lr.get('p50_us', 0) / 1000:.2f}/{lr.get('p99_us', 0) / 1000:.2f} ms")
    bad = [k for k, v in row["realtime_checks"].items() if not v]
    return (f"{row['contender']:16s} {'deflate ' if row['deflate'] else ''}{row['side'] + ' ' if row['side'] else ''}"
            f"N={row['sessions']:<4d} #{row['repeat']} cpu {row['cpu_rate']:.3f} cores"
            f" ({row['cpu_rate'] / row['sessions'] * 1000:.2f} ms/s/session),"
            f" start-up {row['startup_cpu_s'] / row['sessions'] * 1000:.1f} ms/session,"
            f" sim {row.get('sim_cpu_rate', 0):.3f}, others {row.get('other_cpu_rate', 0):+.2f},"
            f" rss {row.get('rss_kb', 0) / 1024:.0f} MiB, deflate {row['deflate_sessions']}/{row['sessions']},"
            f" realtime {row['realtime']}{'' if row['realtime'] else ' ' + str(bad)}"
            f"{lat} ({elapsed:.0f} s)")


def merge_dist(results, key):
    # one process per session: the median of the medians, the worst p99
    ds = [r[key] for r in results if r[key].get("n")]
    if not ds:
        return {"n": 0}
    return {"n": sum(d["n"] for d in ds),
            "p50_us": statistics.median(d["p50_us"] for d in ds),
            "p99_us": max(d["p99_us"] for d in ds),
            "max_us": max(d["max_us"] for d in ds)}


# ---- statistics -----------------------------------------------------------

def spread(values):
    v = sorted(x for x in values if x is not None and not math.isnan(x))
    if not v:
        return None
    return (v[0], statistics.median(v), v[-1], len(v))


def fmt_spread(s, nd=2, scale=1.0):
    if s is None:
        return "–"
    lo, med, hi, n = s
    if n == 1:
        return f"{med * scale:.{nd}f} (1 run)"
    return f"**{med * scale:.{nd}f}** ({lo * scale:.{nd}f}–{hi * scale:.{nd}f})"


class Rows:
    def __init__(self, rows):
        self.by = {}
        for r in rows:
            if "error" not in r:
                self.by[(r["contender"], r["sessions"], r["repeat"], r["deflate"], r["side"])] = r

    def get(self, c, n, rep, deflate=False, side=""):
        return self.by.get((c, n, rep, deflate, side))

    def repeats(self):
        return sorted({k[2] for k in self.by})

    def net(self, c, n, rep, field, deflate=False, side=""):
        """The contender's figure less its bare program's (same repeat)."""
        r = self.get(c, n, rep, deflate, side)
        base = CONTENDERS[c][4]
        b = self.get(base, n, rep, False, side) if base else None
        if r is None or field not in r or (base and (b is None or field not in b)):
            return None
        return r[field] - (b[field] if b else 0)

    def slope(self, c, n1, n2, rep, field, deflate=False, net=True, side=""):
        if n1 == n2:
            return None
        if net:
            a, b = self.net(c, n1, rep, field, deflate, side), self.net(c, n2, rep, field, deflate, side)
        else:
            ra, rb = self.get(c, n1, rep, deflate, side), self.get(c, n2, rep, deflate, side)
            a = ra.get(field) if ra else None
            b = rb.get(field) if rb else None
        if a is None or b is None:
            return None
        return (b - a) / (n2 - n1)


def summarize(rows, args):
    R = Rows(rows)
    reps = R.repeats()
    ns = sorted({r["sessions"] for r in rows})
    fam = [c for c in ("gl", "gl-branches", "gl-pp", "sdk", "sdk-pp")
           if any(r["contender"] == c for r in rows)]
    lo, hi = args.slope_from, args.slope_to
    out = {"families": fam, "slope": [lo, hi]}

    # marginal CPU (ms of CPU per session per second of audio), net of the bare program
    steps = [(a, b) for a, b in zip(ns, ns[1:])]
    marg = {}
    for c in fam:
        for pair in [(lo, hi)] + steps:
            for dfl in (False, True):
                vals = [R.slope(c, pair[0], pair[1], rep, "cpu_rate", dfl) for rep in reps]
                s = spread(v * 1000 for v in vals if v is not None)
                if s:
                    marg[(c, pair, dfl)] = s
    out["marginal_ms"] = {f"{c}|{p[0]}-{p[1]}|{'deflate' if d else 'plain'}": v
                          for (c, p, d), v in marg.items()}
    # the ratio element / SDK, pair by pair (same repeat)
    ratios = {}
    for c in [x for x in fam if x.startswith("gl")]:
        for sdk in [x for x in fam if x.startswith("sdk")]:
            for pair in [(lo, hi)] + steps:
                for dfl in (False, True):
                    vals = []
                    for rep in reps:
                        e = R.slope(c, pair[0], pair[1], rep, "cpu_rate", dfl)
                        s = R.slope(sdk, pair[0], pair[1], rep, "cpu_rate", dfl)
                        if e is not None and s:
                            vals.append(e / s)
                    if vals:
                        ratios[(c, sdk, pair, dfl)] = spread(vals)
    out["ratio"] = {f"{c}/{s}|{p[0]}-{p[1]}|{'deflate' if d else 'plain'}": v
                    for (c, s, p, d), v in ratios.items()}
    # start-up CPU per session (ms), net of the bare program, by slope and at each N
    start = {}
    for c in fam:
        vals = [R.slope(c, lo, hi, rep, "startup_cpu_s") for rep in reps]
        start[(c, "slope")] = spread(v * 1000 for v in vals if v is not None)
        for n in ns:
            vals = [R.net(c, n, rep, "startup_cpu_s") for rep in reps]
            start[(c, n)] = spread(v / n * 1000 for v in vals if v is not None)
    out["startup_ms"] = {f"{c}|{k}": v for (c, k), v in start.items() if v}
    # memory per session (MiB): RSS for one process, PSS for one process per session
    mem = {}
    for c in fam:
        field = "pss_kb" if CONTENDERS[c][3] else "rss_kb"
        vals = [R.slope(c, lo, hi, rep, field) for rep in reps]
        mem[c] = spread(v / 1024 for v in vals if v is not None)
    out["memory_mib"] = {c: v for c, v in mem.items() if v}
    # latency of the element
    lat = {}
    for c in [x for x in fam if x.startswith("gl")]:
        for n in ns:
            for key in ("latency_send", "latency_receive"):
                for p in ("p50_us", "p99_us"):
                    vals = []
                    for rep in reps:
                        r = R.get(c, n, rep)
                        if r and r.get(key, {}).get("n"):
                            vals.append(r[key][p])
                    if vals:
                        lat[(c, n, key, p)] = spread(vals)
    out["latency_us"] = {f"{c}|{n}|{k}|{p}": v for (c, n, k, p), v in lat.items()}
    # real time at each N
    rt = {}
    for r in rows:
        if r["side"] or r["deflate"]:
            continue
        d = rt.setdefault(f"{r['contender']}|{r['sessions']}", {"runs": 0, "realtime": 0, "failed": []})
        d["runs"] += 1
        if r.get("realtime"):
            d["realtime"] += 1
        elif "error" in r:
            d["failed"].append("run failed: " + r["error"].splitlines()[-1][:200] if r["error"] else "run failed")
        else:
            d["failed"] += [k for k, v in r["realtime_checks"].items() if not v]
    out["realtime"] = rt
    # negotiated extensions in the runs with a server that offers deflate
    out["deflate_negotiated"] = {}
    for r in rows:
        if r["deflate"] and "error" not in r:
            out["deflate_negotiated"].setdefault(r["contender"], set()).add(
                f"{r['deflate_sessions']}/{r['sessions']}")
    out["deflate_negotiated"] = {k: sorted(v) for k, v in out["deflate_negotiated"].items()}
    # the machine
    others = [r["other_cpu_rate"] for r in rows if "other_cpu_rate" in r]
    loads = [r["load_before"] for r in rows] + [r["load_after"] for r in rows]
    out["machine"] = {"others_cores": spread(others), "loadavg": spread(loads)}
    return out


# ---- output ---------------------------------------------------------------

def write_outputs(rows, summary, meta, args):
    os.makedirs(args.results, exist_ok=True)
    with open(os.path.join(args.results, "results.json"), "w") as f:
        json.dump({"meta": meta, "runs": rows, "summary": summary}, f, indent=1, default=str)
    fields = ["contender", "deflate", "side", "sessions", "repeat", "processes", "window_s",
              "cpu_s", "cpu_rate", "startup_cpu_s", "ready_cpu_total_s", "rss_kb", "pss_kb",
              "sim_cpu_rate", "other_cpu_rate", "machine_busy_cores", "load_before",
              "load_after", "deflate_sessions", "setup_s", "sink_dropped",
              "max_input_late_ms", "max_output_late_ms", "input_delivered_fraction",
              "min_session_turns", "interrupted", "realtime", "send_p50_us", "send_p99_us",
              "recv_p50_us", "recv_p99_us", "error"]
    with open(os.path.join(args.results, "summary.csv"), "w", newline="") as f:
        wr = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        wr.writeheader()
        for r in rows:
            r2 = dict(r)
            for short, key in (("send", "latency_send"), ("recv", "latency_receive")):
                d = r.get(key) or {}
                r2[f"{short}_p50_us"] = d.get("p50_us")
                r2[f"{short}_p99_us"] = d.get("p99_us")
            wr.writerow(r2)
    md = markdown(rows, summary, meta, args)
    with open(os.path.join(args.results, "summary.md"), "w") as f:
        f.write(md)
    print(md)


def markdown(rows, summary, meta, args):
    R = Rows(rows)
    reps = R.repeats()
    ns = sorted({r["sessions"] for r in rows})
    lo, hi = summary["slope"]
    fam = summary["families"]
    md = [f"Run of {meta['started']}–{meta.get('finished', '')}, plugin `{meta.get('plugin_commit', '?')}`, "
          f"{len(reps)} repeats, {meta['seconds']} s windows after {meta['warmup']} s, "
          f"load average {fmt_spread(summary['machine']['loadavg'])}, "
          f"other processes {fmt_spread(summary['machine']['others_cores'])} cores. "
          "Figures are **median** (min–max) over the repeats.", ""]
    # CPU per contender
    md.append("CPU over the window, cores (the contender's process(es) only):")
    md.append("")
    cs = [c for c in CONTENDERS if any(r["contender"] == c and not r["deflate"] for r in rows)]
    md.append("| contender | " + " | ".join(f"N = {n}" for n in ns) + " |")
    md.append("|---|" + "---|" * len(ns))
    for c in cs:
        cells = []
        for n in ns:
            cells.append(fmt_spread(spread(R.get(c, n, rep)["cpu_rate"] for rep in reps
                                           if R.get(c, n, rep)), 3))
        md.append(f"| {c} | " + " | ".join(cells) + " |")
    md.append("")
    md.append("Own CPU per session (contender − its bare program) ÷ N, ms per second of audio:")
    md.append("")
    md.append("| contender | " + " | ".join(f"N = {n}" for n in ns) + " |")
    md.append("|---|" + "---|" * len(ns))
    for c in fam:
        cells = [fmt_spread(spread(v / n * 1000 for v in (R.net(c, n, rep, "cpu_rate") for rep in reps)
                                   if v is not None)) for n in ns]
        md.append(f"| {LABELS[c]} | " + " | ".join(cells) + " |")
    md.append("")
    steps = [(a, b) for a, b in zip(ns, ns[1:])]
    pairs = [(lo, hi)] + [p for p in steps if p != (lo, hi)]
    md.append("Marginal CPU per session (slope of own CPU over N), ms per second of audio:")
    md.append("")
    md.append("| contender | " + " | ".join(f"{a} → {b}" for a, b in pairs) + " |")
    md.append("|---|" + "---|" * len(pairs))
    for c in fam:
        cells = [fmt_spread(summary["marginal_ms"].get(f"{c}|{a}-{b}|plain")) for a, b in pairs]
        md.append(f"| {LABELS[c]} | " + " | ".join(cells) + " |")
    md.append("")
    md.append("Element ÷ SDK, marginal CPU, repeat by repeat (target ≤ 0.5):")
    md.append("")
    md.append("| element | SDK | " + " | ".join(f"{a} → {b}" for a, b in pairs) + " |")
    md.append("|---|---|" + "---|" * len(pairs))
    for key in sorted({k.split("|")[0] for k in summary["ratio"]}):
        c, s = key.split("/")
        cells = [fmt_spread(summary["ratio"].get(f"{key}|{a}-{b}|plain")) for a, b in pairs]
        if any(x != "–" for x in cells):
            md.append(f"| {LABELS[c]} | {LABELS[s]} | " + " | ".join(cells) + " |")
    md.append("")
    md.append("Start-up CPU per session (connect + setup, net of the bare program), ms:")
    md.append("")
    md.append(f"| contender | slope {lo} → {hi} | " + " | ".join(f"N = {n}" for n in ns) + " |")
    md.append("|---|---|" + "---|" * len(ns))
    for c in fam:
        cells = [fmt_spread(summary["startup_ms"].get(f"{c}|{n}"), 1) for n in ns]
        md.append(f"| {LABELS[c]} | {fmt_spread(summary['startup_ms'].get(f'{c}|slope'), 1)} | "
                  + " | ".join(cells) + " |")
    md.append("")
    md.append(f"Memory per session (slope {lo} → {hi}, net of the bare program; RSS for one "
              "process, PSS for one process per session), MiB:")
    md.append("")
    md.append("| contender | MiB per session |")
    md.append("|---|---|")
    for c in fam:
        md.append(f"| {LABELS[c]} | {fmt_spread(summary['memory_mib'].get(c))} |")
    md.append("")
    md.append("Latency added by the element (send: input buffer → its frame's send(); receive: "
              "recv() of a turn's first audio → first buffer on src):")
    md.append("")
    md.append("| layout | N | send p50 (µs) | send p99 (µs) | receive p50 (ms) | receive p99 (ms) |")
    md.append("|---|---|---|---|---|---|")
    lat = summary["latency_us"]
    for c in [x for x in fam if x.startswith("gl")]:
        for n in ns:
            k = f"{c}|{n}|"
            if k + "latency_send|p50_us" not in lat:
                continue
            md.append(f"| {LABELS[c]} | {n} | {fmt_spread(lat.get(k + 'latency_send|p50_us'), 0)} | "
                      f"{fmt_spread(lat.get(k + 'latency_send|p99_us'), 0)} | "
                      f"{fmt_spread(lat.get(k + 'latency_receive|p50_us'), 2, 1e-3)} | "
                      f"{fmt_spread(lat.get(k + 'latency_receive|p99_us'), 2, 1e-3)} |")
    md.append("")
    md.append("Real time (every check passed: no error, no late buffer, input and answers "
              "delivered, no barge-in), runs:")
    md.append("")
    md.append("| contender | " + " | ".join(f"N = {n}" for n in ns) + " |")
    md.append("|---|" + "---|" * len(ns))
    for c in cs:
        cells = []
        for n in ns:
            d = summary["realtime"].get(f"{c}|{n}")
            if not d:
                cells.append("–")
                continue
            cell = f"{d['realtime']}/{d['runs']}"
            if d["failed"]:
                cell += " (" + ", ".join(sorted(set(d["failed"]))) + ")"
            cells.append(cell)
        md.append(f"| {c} | " + " | ".join(cells) + " |")
    if summary["deflate_negotiated"]:
        md.append("")
        md.append("With a server that negotiates permessage-deflate: sessions that negotiated it "
                  f"{summary['deflate_negotiated']}; own CPU per session (ms/s) and marginal:")
        md.append("")
        dns = sorted({r["sessions"] for r in rows if r["deflate"]})
        md.append("| contender | " + " | ".join(f"N = {n}" for n in dns)
                  + (f" | {dns[0]} → {dns[-1]} |" if len(dns) > 1 else " |"))
        md.append("|---|" + "---|" * (len(dns) + (1 if len(dns) > 1 else 0)))
        for c in fam:
            cells = [fmt_spread(spread(v / n * 1000 for v in
                                       (R.net(c, n, rep, "cpu_rate", True) for rep in reps)
                                       if v is not None)) for n in dns]
            if all(x == "–" for x in cells):
                continue
            if len(dns) > 1:
                cells.append(fmt_spread(summary["marginal_ms"].get(f"{c}|{dns[0]}-{dns[-1]}|deflate")))
            md.append(f"| {LABELS[c]} | " + " | ".join(cells) + " |")
        for key in sorted({k.split("|")[0] for k in summary["ratio"]}):
            if len(dns) > 1:
                v = summary["ratio"].get(f"{key}|{dns[0]}-{dns[-1]}|deflate")
                if v:
                    md.append(f"\nElement ÷ SDK with deflate ({key}, {dns[0]} → {dns[-1]}): {fmt_spread(v)}")
    md += subtraction_check(R, reps, lo, hi)
    th = thread_table(rows, R, reps)
    if th:
        md += ["", "Where the CPU goes, cores per 100 sessions by thread (one process, exact "
               "from /proc/<pid>/task/*/schedstat):", ""] + th
    return "\n".join(md) + "\n"


def subtraction_check(R, reps, lo, hi):
    """The element's marginal CPU (ms/s per session) with the three ways
    of taking the bare pipeline off, repeat by repeat."""
    def slope(c, base):
        vals = []
        for rep in reps:
            a, b = R.get(c, lo, rep), R.get(c, hi, rep)
            ba, bb = R.get(base, lo, rep), R.get(base, hi, rep)
            if a and b and ba and bb:
                vals.append(((b["cpu_rate"] - bb["cpu_rate"]) - (a["cpu_rate"] - ba["cpu_rate"]))
                            / (hi - lo) * 1000)
        return fmt_spread(spread(vals))
    if not R.get("gl-base-sync", lo, reps[0]) and not R.get("gl-nosync", lo, reps[0]):
        return []
    return ["", f"The element's marginal CPU ({lo} → {hi}, ms/s per session) by how the bare "
            "pipeline is taken off:", "",
            "| element's sink | bare pipeline's sink | marginal CPU |", "|---|---|---|",
            f"| sync=true (headline) | sync=false (headline) | {slope('gl', 'gl-base')} |",
            f"| sync=true | sync=true (the old subtraction) | {slope('gl', 'gl-base-sync')} |",
            f"| sync=false | sync=false | {slope('gl-nosync', 'gl-base')} |"]


def thread_table(rows, R, reps):
    out = []
    for c in ("gl", "gl-base", "gl-base-sync", "gl-branches", "gl-branches-base", "sdk", "sdk-base"):
        ns = sorted({r["sessions"] for r in rows if r["contender"] == c and "threads" in r
                     and not r["deflate"] and not r["side"]})
        if not ns:
            continue
        n = 100 if 100 in ns else ns[-1]
        kinds = collections.defaultdict(list)
        for rep in reps:
            r = R.get(c, n, rep)
            if r and "threads" in r:
                for k, v in r["threads"].items():
                    kinds[k].append(v)
        cells = [f"{k} {statistics.median(v) * 100 / n:.3f}"
                 for k, v in sorted(kinds.items(), key=lambda x: -statistics.median(x[1]))
                 if statistics.median(v) * 100 / n >= 0.0005]
        out.append(f"- {c} (N = {n}): " + ", ".join(cells))
    return out


def plot(rows, summary, args):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("no matplotlib (apt-get install python3-matplotlib): no plot", flush=True)
        return
    R = Rows(rows)
    reps = R.repeats()
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(13, 5))
    colors = {"gl": "C0", "gl-branches": "C2", "gl-pp": "C4", "sdk": "C3", "sdk-pp": "C1"}
    for c in summary["families"]:
        ns = sorted({r["sessions"] for r in rows if r["contender"] == c and not r["deflate"]
                     and not r["side"]})
        pts = []
        for n in ns:
            s = spread(v * 1000 for v in (R.net(c, n, rep, "cpu_rate") for rep in reps)
                       if v is not None)
            if s:
                pts.append((n, s))
        if not pts:
            continue
        x = [p[0] for p in pts]
        med = [p[1][1] for p in pts]
        a1.plot(x, med, "o-", color=colors[c], label=LABELS[c])
        a1.fill_between(x, [p[1][0] for p in pts], [p[1][2] for p in pts], color=colors[c],
                        alpha=0.2)
    a1.set_xlabel("concurrent sessions N")
    a1.set_ylabel("own CPU, ms per second of audio (all sessions)")
    a1.set_title("Own CPU (bare program subtracted), median and min–max")
    a1.grid(True, alpha=0.3)
    a1.legend(fontsize=8)
    lo, hi = summary["slope"]
    names, meds, los, his, cols, hatch = [], [], [], [], [], []
    for dfl in ("plain", "deflate"):
        for c in summary["families"]:
            s = summary["marginal_ms"].get(f"{c}|{lo}-{hi}|{dfl}")
            if s:
                names.append(textwrap.fill(LABELS[c] + (", server with deflate" if dfl == "deflate"
                                                        else ""), 16))
                meds.append(s[1])
                los.append(s[1] - s[0])
                his.append(s[2] - s[1])
                cols.append(colors[c])
                hatch.append("//" if dfl == "deflate" else "")
    bars = a2.bar(range(len(names)), meds, yerr=[los, his], color=cols, capsize=4)
    for b, h in zip(bars, hatch):
        b.set_hatch(h)
    a2.set_xticks(range(len(names)))
    a2.set_xticklabels(names, fontsize=6)
    a2.set_ylabel("ms CPU per session per s of audio")
    a2.set_title(f"Marginal CPU per session, N = {lo} → {hi}")
    a2.grid(True, axis="y", alpha=0.3)
    fig.tight_layout()
    os.makedirs(os.path.dirname(args.plot), exist_ok=True)
    fig.savefig(args.plot, dpi=100)
    print(f"plot: {args.plot}", flush=True)


# ---- A/B ------------------------------------------------------------------

def ab(args):
    sides = {"A": args.ab[0], "B": args.ab[1]}
    for s, d in sides.items():
        if not os.path.exists(os.path.join(d, "libgstgeminilive.so")):
            sys.exit(f"{s}: no libgstgeminilive.so in {d}")
    n = args.ab_sessions
    kinds = args.contenders.split(",") if args.contenders else ["gl"]
    print(f"A/B: A = {sides['A']}, B = {sides['B']}, N = {n}, {args.repeats} repeats of "
          f"{kinds}, window {args.seconds} s after {args.warmup} s, load {loadavg()}", flush=True)
    rows = []
    for rep in range(args.repeats):
        order = ("A", "B") if rep % 2 == 0 else ("B", "A")
        for side in order:
            for c in kinds:
                rows.append(run_one(args, c, n, rep, args.deflate, side, sides[side]))
        if not args.ab_no_bare:
            # the bare program loads no plugin: once per repeat serves both
            for c in kinds:
                if CONTENDERS[c][4]:
                    rows.append(run_one(args, CONTENDERS[c][4], n, rep))
    bare = {(r["contender"], r["repeat"]): r for r in rows
            if not r["side"] and "error" not in r}
    def own(r, field):
        b = bare[(CONTENDERS[r["contender"]][4], r["repeat"])]
        return (r[field] - b[field]) / r["sessions"]

    mem = "pss_kb" if any(CONTENDERS[c][3] for c in kinds) else "rss_kb"
    figures = [
        ("own CPU, ms/s per session", lambda r: own(r, "cpu_rate") * 1000, 3),
        ("CPU, ms/s per session", lambda r: r["cpu_rate"] / r["sessions"] * 1000, 3),
        ("own start-up CPU, ms/session", lambda r: own(r, "startup_cpu_s") * 1000, 2),
        ("own memory, MiB per session", lambda r: own(r, mem) / 1024, 3),
        ("send p50, µs", lambda r: r["latency_send"]["p50_us"], 0),
        ("send p99, µs", lambda r: r["latency_send"]["p99_us"], 0),
        ("receive p50, ms", lambda r: r["latency_receive"]["p50_us"] / 1000, 3),
        ("receive p99, ms", lambda r: r["latency_receive"]["p99_us"] / 1000, 3),
        ("simulator CPU, cores", lambda r: r["sim_cpu_rate"], 3),
        ("others on the machine, cores", lambda r: r["other_cpu_rate"], 2),
    ]
    out = [f"A/B at N = {n}, {args.repeats} repeats, alternating; min / median / max; "
           "B ÷ A repeat by repeat", ""]
    for c in kinds:
        out.append(f"{c} ({LABELS.get(c, c)}):")
        out.append(f"{'figure':32s} {'A':>26s} {'B':>26s} {'B ÷ A':>22s}")
        for name, f, nd in figures:
            vals = {}
            for s in ("A", "B"):
                vals[s] = {}
                for r in rows:
                    if r["contender"] == c and r["side"] == s and "error" not in r:
                        try:
                            vals[s][r["repeat"]] = f(r)
                        except (KeyError, TypeError, ZeroDivisionError, IndexError):
                            pass
            if not vals["A"] and not vals["B"]:
                continue
            sa, sb = spread(vals["A"].values()), spread(vals["B"].values())
            ratio = spread(vals["B"][k] / vals["A"][k] for k in vals["A"]
                           if k in vals["B"] and vals["A"][k])

            def cell(s, d):
                return "–" if not s else f"{s[0]:.{d}f} / {s[1]:.{d}f} / {s[2]:.{d}f}"
            out.append(f"{name:32s} {cell(sa, nd):>26s} {cell(sb, nd):>26s} {cell(ratio, 2):>22s}")
        for s in ("A", "B"):
            rs = [r for r in rows if r["contender"] == c and r["side"] == s]
            ok = sum(1 for r in rs if r.get("realtime"))
            bad = sorted({k for r in rs for k, v in r.get("realtime_checks", {}).items() if not v}
                         | ({"run failed"} if any("error" in r for r in rs) else set()))
            out.append(f"real time {s}: {ok}/{len(rs)}" + (f" (failed: {', '.join(bad)})" if bad else ""))
        out.append("")
    text = "\n".join(out)
    print(text)
    os.makedirs(args.results, exist_ok=True)
    with open(os.path.join(args.results, "ab.json"), "w") as f:
        json.dump({"sides": sides, "sessions": n, "runs": rows}, f, indent=1, default=str)
    with open(os.path.join(args.results, "ab.txt"), "w") as f:
        f.write(text + "\n")
    return 1 if any("error" in r for r in rows) else 0


# ---- main -----------------------------------------------------------------

def git_commit(path):
    try:
        return subprocess.run(["git", "-C", path, "describe", "--always", "--dirty"],
                              capture_output=True, text=True).stdout.strip()
    except OSError:
        return "?"


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true",
                    help="N = 2, 6 for 3 s, one repeat, no scale or deflate runs")
    ap.add_argument("--sessions", help="N for the main contenders (default 10,50,100,200)")
    ap.add_argument("--layout-sessions",
                    help="N for the other layouts, per process and branches (default 10,50,100)")
    ap.add_argument("--contenders", help="comma-separated, from: " + ", ".join(CONTENDERS)
                    + " (default: all but " + ", ".join(ON_REQUEST) + "; A/B: gl)")
    ap.add_argument("--repeats", type=int, help="repeats of everything (default 3)")
    ap.add_argument("--scale", default=None,
                    help="N of the scale run, element and SDK in one process (default 500; 0: none)")
    ap.add_argument("--scale-seconds", type=float, default=20)
    ap.add_argument("--deflate-sessions", default=None,
                    help="N of the runs against a server that negotiates permessage-deflate "
                         "(default 10,100; empty: none)")
    ap.add_argument("--slope", default="10,100", help="N from,to of the headline slope")
    ap.add_argument("--seconds", type=float, help="measured window (default 10)")
    ap.add_argument("--warmup", type=float, help="after set-up, before the window (default 5)")
    ap.add_argument("--setup-timeout", type=float, default=120)
    ap.add_argument("--ramp-ms", type=int, default=10,
                    help="start one session every MS in one process (default 10)")
    ap.add_argument("--pp-ramp-ms", type=int, default=30,
                    help="start one process every MS, one process per session (default 30)")
    ap.add_argument("--pp-settle", type=float, default=3.0,
                    help="seconds after the last process is started before the warm-up counts")
    ap.add_argument("--no-latency", action="store_true",
                    help="bench-geminilive without its send()/recv() probes")
    ap.add_argument("--ab", nargs=2, metavar=("PLUGIN_DIR_A", "PLUGIN_DIR_B"),
                    help="A/B of two plugin directories at --ab-sessions")
    ap.add_argument("--ab-sessions", type=int, default=100)
    ap.add_argument("--ab-no-bare", action="store_true",
                    help="A/B: skip the bare program's runs (no 'own' figures)")
    ap.add_argument("--deflate", action="store_true",
                    help="A/B: against a server that negotiates permessage-deflate")
    ap.add_argument("--build", default=os.path.join(ROOT, "build-bench"))
    ap.add_argument("--results", default=os.path.join(HERE, "results"))
    ap.add_argument("--plot", default=os.path.join(ROOT, "docs", "benchmarks", "cpu.png"))
    ap.add_argument("--node", default="node")
    ap.add_argument("--from-json", metavar="RESULTS_JSON",
                    help="write the summary, tables and plot again from a results.json")
    ap.add_argument("--merge-json", metavar="RESULTS_JSON",
                    help="with --from-json: add the runs of another results.json as more repeats")
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, stop_children)
    signal.signal(signal.SIGINT, stop_children)
    q = args.quick
    args.workload = dict(WORKLOAD)
    args.seconds = args.seconds or (3.0 if q else 10.0)
    args.warmup = args.warmup if args.warmup is not None else (1.0 if q else 5.0)
    args.repeats = args.repeats or (1 if q else 3)
    args.bench = os.path.join(args.build, "tests", "bench", "bench-geminilive")
    args.sim = os.path.join(args.build, "tests", "sim", "gemini-live-sim")
    args.plugin_path = os.path.join(args.build, "gst", "geminilive")
    args.slope_from, args.slope_to = (int(x) for x in args.slope.split(","))
    if args.ab:
        return ab(args)
    if args.from_json:
        with open(args.from_json) as f:
            data = json.load(f)
        rows = data["runs"]
        if args.merge_json:
            # more runs (a second session of repeats): numbered after these
            with open(args.merge_json) as f:
                more = json.load(f)["runs"]
            shift = max(r["repeat"] for r in rows) + 1
            for r in more:
                r["repeat"] += shift
            rows += more
        summary = summarize(rows, args)
        write_outputs(rows, summary, data["meta"], args)
        plot(rows, summary, args)
        return 0

    ns = [int(x) for x in (args.sessions or ("2,6" if q else "10,50,100,200")).split(",") if x]
    lns = [int(x) for x in (args.layout_sessions if args.layout_sessions is not None
                            else ("2,6" if q else "10,50,100")).split(",") if x]
    scale = int(args.scale if args.scale is not None else (0 if q else 500))
    dns = [int(x) for x in (args.deflate_sessions if args.deflate_sessions is not None
                            else ("" if q else "10,100")).split(",") if x]
    if q:
        args.slope_from, args.slope_to = ns[0], ns[-1]
    kinds = (args.contenders.split(",") if args.contenders
             else [c for c in CONTENDERS if c not in ON_REQUEST])
    for k in kinds:
        if k not in CONTENDERS:
            sys.exit(f"unknown contender {k}")

    meta = {"started": time.strftime("%Y-%m-%d %H:%M"), "nproc": os.cpu_count(),
            "seconds": args.seconds, "warmup": args.warmup, "repeats": args.repeats,
            "sessions": ns, "layout_sessions": lns, "scale": scale, "deflate_sessions": dns,
            "workload": args.workload, "load_before": loadavg(), "uname": os.uname().release,
            "plugin_commit": git_commit(ROOT)}
    try:
        meta["node"] = subprocess.run([args.node, "--version"], capture_output=True,
                                      text=True).stdout.strip()
    except OSError:
        pass
    print(f"bench: N={ns}, layouts N={lns}, scale {scale}, deflate N={dns}, "
          f"{args.repeats} repeats, window {args.seconds} s after {args.warmup} s, "
          f"load {meta['load_before']}", flush=True)
    t0 = time.monotonic()
    rows = []
    for rep in range(args.repeats):
        print(f"repeat {rep + 1} of {args.repeats}", flush=True)
        for n in sorted(set(ns) | set(lns)):
            for k in kinds:
                pp_or_branches = CONTENDERS[k][3] or CONTENDERS[k][2] == "branches"
                if k in CHECKS_ONLY and n not in (args.slope_from, args.slope_to):
                    continue
                if n in (lns if pp_or_branches else ns):
                    rows.append(run_one(args, k, n, rep))
        for n in dns:
            for k in kinds:
                if k in ("gl", "sdk"):
                    rows.append(run_one(args, k, n, rep, deflate=True))
        if scale:
            secs = args.seconds
            args.seconds = args.scale_seconds
            for k in ("gl", "sdk"):
                if k in kinds:
                    rows.append(run_one(args, k, scale, rep))
            args.seconds = secs
    meta["finished"] = time.strftime("%H:%M")
    meta["load_after"] = loadavg()
    meta["duration_s"] = round(time.monotonic() - t0, 1)
    summary = summarize(rows, args)
    write_outputs(rows, summary, meta, args)
    plot(rows, summary, args)
    print(f"total {meta['duration_s']} s; results in {args.results}", flush=True)
    return 1 if any("error" in r for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
