#!/usr/bin/env python3
"""Every shell command shown in README.md and docs/*.md, run as written.

What is a command: the lines of each fenced block marked sh, bash, shell
or console (in a console block, the lines starting with "$ " and their
continuations). Blocks marked text, c, python or nothing are not commands:
pipeline fragments and program output belong in those.

How a block runs: as one bash script (set -eo pipefail) in a scratch
directory that looks like the source tree (its files linked in, `build`
linked to the build under test), beside a question.wav and a q.wav. The
environment is a reader's who followed the README: GST_PLUGIN_PATH names
the build's plugin; GEMINI_API_KEY and GOOGLE_API_KEY are unset, so the
example scripts use the simulator; GEMINILIVE_EXAMPLE_TEST=1 and
GEMINILIVE_BUILD make them use test sources instead of a microphone or
camera and skip their install and build; https_proxy and http_proxy point
at a closed port on this machine, so nothing reaches the network by
accident. Port 8765, where the docs start a simulator, becomes a free
port, so that blocks can run side by side; a block that uses the simulator
on 8765 without starting it (an earlier block did) gets one.

Rules for the commands that cannot run here as they would on a reader's
machine (prelude.sh and gst-launch.py implement them):
  gst-launch-1.0   parsed as gst-launch-1.0 does, then run against a
                   simulator until setup-complete plus 1 s; with v4l2src
                   or rtspsrc (a camera) parsed only
  bash SCRIPT      run for up to DOCS_BRIEF seconds (still running then
                   is fine); TO_THE_END below must end well by itself;
                   SYNTAX_ONLY below: bash -n
  meson test       --list (checks setups and test names); meson install:
                   --dry-run; meson setup: not run; ninja: -n
  valgrind         its program must exist; not run
  sudo, gcloud     run the command as root; a made-up token
  grep after |     no match is fine in a short run
  build/examples/* or examples/*.py run directly without --uri talk to
                   Google: run with --help instead (REAL_SERVICE)
A block passes when its script exits 0 within BLOCK_TIMEOUT seconds.

Usage: check-docs.py --source DIR --build DIR [FILE:LINE ...]
Prints one line per block and gst-check's "Checks: N, Failures: F,
Errors: 0" (tests/summarize.py counts each block).
"""
import argparse
import concurrent.futures
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BLOCK_TIMEOUT = 150
DOCS_BRIEF = 10
# The suite itself, and runs of minutes: syntax only.
SYNTAX_ONLY = [
    "tests/run.sh",
    "tests/bench/run.sh",
    "tests/bench/ab.sh",
    "tests/bench/profile.sh",
    "tests/bench/threads.sh",
    "tests/fuzz/run.sh",
    "tests/stress/run.sh",
]
# Scripts that end by themselves: they must, within 90 s, and well.
TO_THE_END = [
    "examples/demo.sh",
]
# A program that talks to Google when it is not given --uri.
REAL_SERVICE = re.compile(
    r"^(?P<cmd>(?:\S+=\S*\s+)*(?:build/examples/\S+|(?:/usr/bin/)?python3 examples/\S+\.py))(?P<rest>.*)$"
)
FENCE = re.compile(r"^```(\S*)\s*$")
COMMAND_LANGS = {"sh", "bash", "shell", "console"}


def blocks(path, rel):
    """(rel:line, text) of each command block."""
    out = []
    lang = None
    start = 0
    lines = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            m = FENCE.match(line.rstrip("\n"))
            if m and lang is None:
                lang = m.group(1) or "text"
                start = n
                lines = []
            elif line.rstrip("\n") == "```" and lang is not None:
                if lang in COMMAND_LANGS:
                    text = "".join(lines)
                    if lang == "console":
                        text = console_commands(lines)
                    out.append(("%s:%d" % (rel, start), text))
                lang = None
            elif lang is not None:
                lines.append(line)
    return out


def console_commands(lines):
    cmds = []
    cont = False
    for line in lines:
        if line.startswith("$ ") or cont:
            cmd = line[2:] if line.startswith("$ ") and not cont else line
            cmds.append(cmd)
            cont = cmd.rstrip("\n").endswith("\\")
    return "".join(cmds)


def rewrite(text, port):
    """The block as it runs here: the simulator's port, and --help for a
    program that would talk to Google."""
    if re.search(r"\b8765\b", text) and "gemini-live-sim" not in text:
        text = ("build/tests/sim/gemini-live-sim --port 8765 >/dev/null &"
                "  # as an earlier block started it\n" + text)
    text = re.sub(r"\b8765\b", str(port), text)
    out = []
    for line in text.split("\n"):
        code = line.split(" #", 1)[0].rstrip()
        m = REAL_SERVICE.match(code)
        if m and "--uri" not in code and not code.endswith("\\"):
            line = '%s --help >/dev/null && note "%s: talks to Google, --help only"' % (
                m.group("cmd"), m.group("cmd"))
        out.append(line)
    return "\n".join(out)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_workdir(source, build, base):
    work = tempfile.mkdtemp(prefix="docs-", dir=base)
    for name in os.listdir(source):
        if name in ("build", ".git") or name.startswith("build"):
            continue
        os.symlink(os.path.join(source, name), os.path.join(work, name))
    os.symlink(build, os.path.join(work, "build"))
    for wav in ("question.wav", "q.wav"):
        shutil.copy(os.path.join(base, "question.wav"), os.path.join(work, wav))
    return work


def run_block(where, text, args, env, base):
    port = free_port()
    work = make_workdir(args.source, args.build, base)
    script = os.path.join(work, ".block.sh")
    with open(script, "w") as f:
        f.write("set -eo pipefail\n")
        f.write("source %s/prelude.sh\n" % HERE)
        # Background jobs (a simulator started with &) end with the block.
        f.write("trap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n")
        f.write(rewrite(text, port))
        f.write("\n")
    start = time.monotonic()
    try:
        p = subprocess.run(
            ["/bin/bash", script], cwd=work, env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=BLOCK_TIMEOUT,
            start_new_session=True)
        status, output = p.returncode, p.stdout.decode(errors="replace")
    except subprocess.TimeoutExpired as e:
        status, output = "timeout", (e.stdout or b"").decode(errors="replace")
    return where, text, status, output, time.monotonic() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", required=True)
    ap.add_argument("--build", required=True)
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("only", nargs="*", help="FILE:LINE of the blocks to run")
    args = ap.parse_args()
    args.source = os.path.abspath(args.source)
    args.build = os.path.abspath(args.build)

    if subprocess.run(["/usr/bin/python3", "-c", "import gi"],
                      stderr=subprocess.DEVNULL).returncode != 0:
        print("skipped: /usr/bin/python3 has no gi (python3-gi; bash tests/install-deps.sh --tests)")
        return 77
    files = ["README.md"] + sorted(
        os.path.join("docs", f) for f in os.listdir(os.path.join(args.source, "docs"))
        if f.endswith(".md"))
    todo = []
    for rel in files:
        todo += blocks(os.path.join(args.source, rel), rel)
    if args.only:
        todo = [b for b in todo if b[0] in args.only]

    base = tempfile.mkdtemp(prefix="gst-gemini-live-docs-")
    env = {k: v for k, v in os.environ.items()
           if k not in ("GEMINI_API_KEY", "GOOGLE_API_KEY", "GST_PLUGIN_PATH_1_0")}
    env.update({
        "GST_PLUGIN_PATH": os.path.join(args.build, "gst", "geminilive"),
        "GST_REGISTRY": os.path.join(base, "registry.bin"),
        "GEMINILIVE_BUILD": args.build,
        "GEMINILIVE_EXAMPLE_TEST": "1",
        "GSETTINGS_BACKEND": "memory",
        "https_proxy": "http://127.0.0.1:9", "http_proxy": "http://127.0.0.1:9",
        "HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9",
        "no_proxy": "127.0.0.1,localhost", "NO_PROXY": "127.0.0.1,localhost",
        "DOCS_TESTS": HERE,
        "DOCS_BRIEF": str(DOCS_BRIEF),
        "DOCS_SYNTAX_ONLY": " ".join(SYNTAX_ONLY),
        "DOCS_TO_THE_END": " ".join(TO_THE_END),
    })
    sim = None
    try:
        # The question the fixtures are made of: 1.5 s of a tone.
        subprocess.run(
            ["gst-launch-1.0", "-q", "audiotestsrc", "wave=sine", "freq=300", "volume=0.5",
             "samplesperbuffer=1600", "num-buffers=15", "!",
             "audio/x-raw,rate=16000,channels=1", "!", "wavenc", "!", "filesink",
             "location=" + os.path.join(base, "question.wav")], env=env, check=True)
        # The simulator that gst-launch-1.0 commands talking to Google use.
        sim = subprocess.Popen(
            [os.path.join(args.build, "tests", "sim", "gemini-live-sim")],
            stdout=subprocess.PIPE, env=env)
        line = sim.stdout.readline().decode()
        env["DOCS_SIM_PORT"] = line.strip().rsplit(":", 1)[-1]

        failures = 0
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            runs = [pool.submit(run_block, w, t, args, env, base) for w, t in todo]
            for r in runs:
                where, text, status, output, took = r.result()
                if status == 0:
                    print("PASS %s (%.1f s)" % (where, took), flush=True)
                    notes = [l for l in output.splitlines() if l.startswith(("[docs]", "[gst-launch-1.0]"))]
                    for l in notes:
                        print("     " + l)
                else:
                    failures += 1
                    print("FAIL %s (%s, %.1f s)" % (where, status, took))
                    print("---- block ----\n%s---- output ----\n%s----" % (text, output), flush=True)
        print("Checks: %d, Failures: %d, Errors: 0" % (len(todo), failures))
        return 1 if failures else 0
    finally:
        if sim:
            sim.terminate()
            sim.wait()
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
