#!/usr/bin/python3
"""tools.py: the function-calling example (tools.c) in Python (PyGObject).

    python3 examples/tools.py [--uri URI] [--timeout S]
    bash examples/run.sh tools.py          # against the simulator

Declares get_weather and book_table with the `tools` property. get_weather
is answered synchronously (the `tool-call` handler returns the JSON);
book_table asynchronously: the handler returns None and the main loop
emits `send-tool-response` 300 ms later. The prompts are typed with
`send-text`, one per turn, the next when the bus says the turn is complete.

`tool-call` runs in the element's network thread: the handler only
schedules work on the main loop (GLib.timeout_add is thread-safe).

Needs python3-gi and gir1.2-gstreamer-1.0 (Debian), and the plugin on
GST_PLUGIN_PATH. GEMINILIVE_EXAMPLE_TEST=1 plays into fakesink.

SPDX-License-Identifier: LGPL-2.1-or-later
"""
import argparse
import json
import os
import sys

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GLib, Gst  # noqa: E402

TOOLS = [
    {
        "name": "get_weather",
        "description": "Current weather in a city",
        "parameters": {
            "type": "OBJECT",
            "properties": {"city": {"type": "STRING"}},
            "required": ["city"],
        },
    },
    {
        "name": "book_table",
        "description": "Book a restaurant table",
        "parameters": {
            "type": "OBJECT",
            "properties": {
                "restaurant": {"type": "STRING"},
                "time": {"type": "STRING"},
            },
        },
    },
]

# The simulator calls a function when the prompt names it; the real model
# decides from the descriptions.
PROMPTS = [
    "What is the weather in Paris? Please use get_weather.",
    "Book a table for two at Chez Gemini at eight, with book_table.",
]


class App:
    def __init__(self, uri, timeout):
        sink = "fakesink sync=true" if os.environ.get(
            "GEMINILIVE_EXAMPLE_TEST") else "autoaudiosink"
        self.pipeline = Gst.parse_launch(
            "audiotestsrc is-live=true wave=silence "
            "! geminilive name=gemini output-transcription=true "
            f"! audioconvert ! audioresample ! {sink}")
        self.gemini = self.pipeline.get_by_name("gemini")
        self.gemini.set_property("tools", json.dumps(TOOLS))
        self.gemini.set_property(
            "system-instruction",
            "You are a concise concierge. Use the functions you are given.")
        if uri:
            self.gemini.set_property("uri", uri)
        self.gemini.connect("tool-call", self.on_tool_call)

        self.loop = GLib.MainLoop()
        self.turn = 0
        self.answered = 0
        self.cancelled = set()  # main loop only
        self.status = 0
        bus = self.pipeline.get_bus()
        bus.add_signal_watch()
        bus.connect("message", self.on_message)
        GLib.timeout_add_seconds(timeout, self.on_timeout)

    # Network thread: answer at once, or hand over to the main loop.
    def on_tool_call(self, gemini, call_id, name, args_json):
        if name == "get_weather":
            return json.dumps({"temperature_c": 21, "sky": "sunny"})
        if name == "book_table":
            GLib.timeout_add(300, self.answer_later, call_id, name)
            return None
        return json.dumps({"error": "unknown function"})

    # Main loop: the slow service has answered.
    def answer_later(self, call_id, name):
        if call_id in self.cancelled:
            print(f"tool: {name} ({call_id}) was cancelled, not answering")
            return GLib.SOURCE_REMOVE
        queued = self.gemini.emit(
            "send-tool-response", call_id, name,
            json.dumps({"confirmation": "CG-1234", "table_for": 2}), None)
        print(f"tool: answered {name} asynchronously "
              f"({'queued' if queued else 'refused'})")
        self.answered += 1
        return GLib.SOURCE_REMOVE

    def next_prompt(self):
        if self.turn >= len(PROMPTS):
            print(f"done: {self.turn} turns, {self.answered} tool calls answered")
            self.loop.quit()
            return
        print(f"you (typed): {PROMPTS[self.turn]}")
        self.gemini.emit("send-text", PROMPTS[self.turn])
        self.turn += 1

    def on_message(self, bus, msg):
        if msg.type == Gst.MessageType.ELEMENT:
            s = msg.get_structure()
            name = s.get_name()
            if name == "geminilive/setup-complete":
                self.next_prompt()
            elif name == "geminilive/tool-call":
                fn = s.get_string("name")
                print(f"tool: model called {fn}({s.get_string('args')}) "
                      f"id={s.get_string('id')}")
                if fn == "get_weather":
                    print("tool: answered get_weather synchronously")
                    self.answered += 1
            elif name == "geminilive/tool-call-cancellation":
                self.cancelled.update(s.get_value("ids") or [])
            elif name == "geminilive/output-transcription":
                print(f"gemini: {s.get_string('text')}")
            elif name == "geminilive/text":
                print(f"gemini (text): {s.get_string('text')}")
            elif name == "geminilive/turn-complete":
                print("-- turn complete")
                self.next_prompt()
        elif msg.type == Gst.MessageType.ERROR:
            err, _ = msg.parse_error()
            print(f"error: {err.message}", file=sys.stderr)
            self.status = 1
            self.loop.quit()
        elif msg.type == Gst.MessageType.WARNING:
            err, _ = msg.parse_warning()
            print(f"warning: {err.message}", file=sys.stderr)

    def on_timeout(self):
        print("timed out", file=sys.stderr)
        self.status = 1
        self.loop.quit()
        return GLib.SOURCE_REMOVE

    def run(self):
        if self.pipeline.set_state(Gst.State.PLAYING) == \
                Gst.StateChangeReturn.FAILURE:
            self.status = 1
        else:
            self.loop.run()
        self.pipeline.set_state(Gst.State.NULL)
        return self.status


def main():
    ap = argparse.ArgumentParser(description="function calling example")
    ap.add_argument("--uri", help="Live API endpoint")
    ap.add_argument("--timeout", type=int, default=60,
                    help="give up after this many seconds")
    args = ap.parse_args()
    Gst.init(None)
    if Gst.ElementFactory.find("geminilive") is None:
        print("geminilive not found: set GST_PLUGIN_PATH", file=sys.stderr)
        return 1
    return App(args.uri, args.timeout).run()


if __name__ == "__main__":
    sys.exit(main())
