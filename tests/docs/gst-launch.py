#!/usr/bin/python3
"""gst-launch-1.0 as the docs-commands test runs it (check-docs.py).

The pipeline description is parsed exactly as gst-launch-1.0 parses it
(gst_parse_launchv on the shell's words), then run for a moment:

- a pipeline with a camera, a network source or a named sound server's
  sink (PARSE_ONLY) is only parsed;
- every geminilive whose uri is not on this machine is pointed at the
  simulator the test started ($DOCS_SIM_PORT), on the path the element
  would use for its backend, and given a key when it has none: nothing
  ever reaches Google;
- a loopback uri (a simulator the block started with `&`) is waited for
  until it accepts connections;
- autoaudiosrc finds a live audiotestsrc (there is no sound card);
- it runs until every geminilive has posted setup-complete, then 1 s more
  (or until EOS); an ERROR, or no setup-complete within 15 s, fails.

-m prints the bus messages in gst-launch-1.0's format, so that a `| grep`
after the command sees them. Exit status 0 on success, 1 on a failure,
as gst-launch-1.0.
"""
import os
import socket
import sys
import time
from urllib.parse import urlsplit

# autoaudiosrc's choice: audiotestsrc above every real source.
os.environ["GST_PLUGIN_FEATURE_RANK"] = ",".join(
    filter(None, [os.environ.get("GST_PLUGIN_FEATURE_RANK"), "audiotestsrc:MAX"])
)

import gi  # noqa: E402

gi.require_version("Gst", "1.0")
from gi.repository import Gst  # noqa: E402

PARSE_ONLY = {
    "v4l2src": "needs a camera",
    "rtspsrc": "needs a network camera",
    "pulsesink": "needs a sound server",
}
SETUP_TIMEOUT = 15.0
RUN_AFTER_SETUP = 1.0


def say(*args):
    print("[gst-launch-1.0]", *args, file=sys.stderr, flush=True)


def walk(bin_):
    it = bin_.iterate_recurse()
    out = []
    while True:
        res, elem = it.next()
        if res == Gst.IteratorResult.OK:
            out.append(elem)
        elif res == Gst.IteratorResult.RESYNC:
            it.resync()
            out = []
        else:
            return out


def is_loopback(host):
    return host in ("127.0.0.1", "localhost", "::1") or host.startswith("127.")


def sim_path(gemini):
    """The path the element would use on Google for its settings."""
    backend = gemini.get_property("backend").value_nick
    version = gemini.get_property("api-version").value_nick
    if backend == "vertex-ai":
        return "/ws/google.cloud.aiplatform.%s.LlmBidiService/BidiGenerateContent" % (
            "v1" if version == "v1" else "v1beta1"
        )
    return "/ws/google.ai.generativelanguage.%s.GenerativeService.BidiGenerateContent" % version


def wait_for_port(host, port, seconds=10.0):
    deadline = time.monotonic() + seconds
    while True:
        try:
            with socket.create_connection((host, port), timeout=1):
                return True
        except OSError:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.1)


def main(argv):
    messages = eos_on_shutdown = False
    args = []
    for a in argv:
        if not args and a in ("-m", "--messages"):
            messages = True
        elif not args and a in ("-e", "--eos-on-shutdown"):
            eos_on_shutdown = True
        elif not args and a.startswith("-"):
            pass  # -q, -v, -t, --no-fault ...: nothing to check here
        else:
            args.append(a)
    Gst.init(None)
    try:
        pipeline = Gst.parse_launchv(args)
    except Exception as e:  # GLib.Error: what gst-launch-1.0 prints
        print("WARNING: erroneous pipeline: %s" % e.message, file=sys.stderr)
        return 1
    if not isinstance(pipeline, Gst.Pipeline):
        bin_ = Gst.Pipeline.new(None)
        bin_.add(pipeline)
        pipeline = bin_

    elements = walk(pipeline)
    factories = {e.get_factory().get_name() for e in elements if e.get_factory()}
    hardware = sorted(f for f in factories if f in PARSE_ONLY)
    if hardware:
        say("parsed; not run: %s" % ", ".join("%s %s" % (f, PARSE_ONLY[f]) for f in hardware))
        return 0

    geminis = [e for e in elements if e.get_factory() and e.get_factory().get_name() == "geminilive"]
    for g in geminis:
        uri = g.get_property("uri")
        parts = urlsplit(uri) if uri else None
        if parts and parts.scheme in ("ws", "wss") and is_loopback(parts.hostname or ""):
            if not wait_for_port(parts.hostname, parts.port or 80):
                say("nothing listens at %s" % uri)
                return 1
            continue
        if uri and not os.environ.get("DOCS_SIM_PORT"):
            say("refusing to connect to %s" % uri)
            return 1
        new = "ws://127.0.0.1:%s%s" % (os.environ["DOCS_SIM_PORT"], sim_path(g))
        say("%s: uri %s instead of %s" % (g.get_name(), new, uri or "Google's"))
        g.set_property("uri", new)
        if not (os.environ.get("GEMINI_API_KEY") or os.environ.get("GOOGLE_API_KEY")):
            # write-only: cannot tell whether the command set one; set it
            # only when neither the command nor the environment can have.
            if "api-key=" not in " ".join(args) and "access-token=" not in " ".join(args):
                g.set_property("api-key", "docs-test-key")

    def on_deep_added(_bin, _sub, elem):
        f = elem.get_factory()
        if f and f.get_name() == "audiotestsrc":
            parent = elem.get_parent()
            if parent and parent.get_factory() and parent.get_factory().get_name() == "autoaudiosrc":
                elem.set_property("is-live", True)

    pipeline.connect("deep-element-added", on_deep_added)

    bus = pipeline.get_bus()
    ready = set()
    count = 0
    status = 0
    start = time.monotonic()
    setup_done_at = None if geminis else start
    if pipeline.set_state(Gst.State.PLAYING) == Gst.StateChangeReturn.FAILURE:
        status = 1
    while True:
        now = time.monotonic()
        if setup_done_at is not None and now >= setup_done_at + RUN_AFTER_SETUP:
            break
        if setup_done_at is None and now >= start + SETUP_TIMEOUT:
            say("no setup-complete from %s within %.0f s" % (
                ", ".join(g.get_name() for g in geminis if g.get_name() not in ready), SETUP_TIMEOUT))
            status = 1
            break
        msg = bus.timed_pop(int(0.1 * Gst.SECOND))
        if msg is None:
            continue
        count += 1
        s = msg.get_structure()
        if messages:
            src = msg.src.get_name() if msg.src else "(NULL)"
            print('Got message #%u from %s "%s" (%s): %s' % (
                count, "element" if isinstance(msg.src, Gst.Element) else "object", src,
                Gst.MessageType.get_name(msg.type), s.to_string() if s else "no message details"),
                flush=True)
        if msg.type == Gst.MessageType.ERROR:
            err, dbg = msg.parse_error()
            print("ERROR: from element %s: %s" % (msg.src.get_path_string(), err.message), file=sys.stderr)
            if dbg:
                print("Additional debug info:\n%s" % dbg, file=sys.stderr)
            status = 1
            break
        if msg.type == Gst.MessageType.EOS:
            say("EOS")
            break
        if msg.type == Gst.MessageType.ELEMENT and s and s.get_name() == "geminilive/setup-complete":
            ready.add(msg.src.get_name())
            if setup_done_at is None and ready >= {g.get_name() for g in geminis}:
                setup_done_at = time.monotonic()
    if eos_on_shutdown and status == 0:
        pipeline.send_event(Gst.Event.new_eos())
    pipeline.set_state(Gst.State.NULL)
    if status == 0:
        say("ran %.1f s%s" % (time.monotonic() - start, ", setup complete" if geminis else ""))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
