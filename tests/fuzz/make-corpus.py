#!/usr/bin/env python3
"""Writes the seed corpus of the fuzz targets (tests/fuzz/corpus/<target>/).

  parse/  rec-*    every server frame of the recorded real sessions
                   (tests/data/*.websocket.log), verbatim, and compacted
          edge-*   hand-written hostile frames: deep nesting, huge numbers,
                   invalid UTF-8, bad base64, odd byte counts, wrong types
  setup/  seed-*   property sets in fuzz-setup.c's layout (flags byte, then
                   NUL-separated fields)

Run it again after changing the seeds; it only rewrites files whose name
starts with rec-, edge- or seed-. Reproducers of findings (crash-*, leak-*,
slow-*) are kept as they are.
"""
import base64
import hashlib
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data")
OUT = os.path.join(HERE, "corpus")
HEADER = re.compile(rb"^([<>])(\d+) ", re.M)


# Seeds that reproduce a known finding (docs/robustness.md) are written as
# crash-<name>: the replay test fails on them until the finding is fixed,
# and run.sh leaves them out so the search goes past them. Once fixed, drop
# the entry here and run this script again: the seed becomes edge-<name>.
KNOWN_FINDINGS = {
    # F1: json-glib parses 1e400 as inf; json_to_string() writes "inf.0",
    # which is not JSON, into tool-call args and usage.
    "parse/number-in-args": "crash-",
    "parse/huge-numbers": "crash-",
    "setup/tools-huge-number": "crash-",
    "setup/response-huge-number": "crash-",
    # F2: json-glib skips /* */ and // comments; check_depth() does not, so
    # a quote in a comment hides the nesting that follows: stack overflow.
    "parse/comment-depth-bypass": "crash-",
    "setup/tools-comment-depth-bypass": "crash-",
    "setup/response-comment-depth-bypass": "crash-",
    # F4: json-glib turns \uD800-\uDFFF escapes into invalid UTF-8 (event
    # text, tools, responses) or, malformed, leaks its string buffer.
    "parse/escape-lone-surrogate-text": "crash-",
    # F3: json-glib 1.6 accepts several top-level values, keeps the last
    # and leaks the others: every such frame leaks.
    "parse/two-objects": "leak-",
    "setup/tools-two-values": "leak-",
}


def write(target, name, payload):
    if isinstance(payload, str):
        payload = payload.encode("utf-8")
    path = os.path.join(OUT, target, name)
    with open(path, "wb") as f:
        f.write(payload)


def clean(target, prefixes):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    for n in os.listdir(d):
        if n.startswith(prefixes):
            os.unlink(os.path.join(d, n))


def server_frames(path):
    raw = open(path, "rb").read()
    heads = list(HEADER.finditer(raw))
    for i, m in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(raw)
        body = raw[m.end():end].rstrip(b"\n")
        if m.group(1) == b"<":
            yield body


def recorded():
    seen = set()
    for name in sorted(os.listdir(DATA)):
        if not name.endswith(".websocket.log"):
            continue
        short = name.replace(".websocket.log", "").replace("live_", "")
        short = short.replace("_should_", "-")[:48]
        for i, frame in enumerate(server_frames(os.path.join(DATA, name))):
            for variant, data in (("", frame),
                                  ("-compact", json.dumps(
                                      json.loads(frame),
                                      separators=(",", ":")).encode())):
                h = hashlib.sha1(data).hexdigest()
                if h in seen:
                    continue
                seen.add(h)
                write("parse", f"rec-{short}-{i}{variant}", data)


def b64(data):
    return base64.b64encode(data).decode()


def audio_frame(data_field, mime="audio/pcm;rate=24000", interrupted=None):
    sc = {"modelTurn": {"parts": [{"inlineData": {"mimeType": mime,
                                                  "data": data_field}}]}}
    if interrupted is not None:
        sc["interrupted"] = interrupted
    return json.dumps({"serverContent": sc})


def edge_parse():
    e = {}
    e["empty-object"] = "{}"
    e["empty"] = ""
    e["not-object-array"] = "[1,2,3]"
    e["not-object-string"] = '"setupComplete"'
    e["not-object-number"] = "42"
    e["null"] = "null"
    e["trailing-garbage"] = '{"setupComplete":{}} x'
    e["two-objects"] = '{"setupComplete":{}}{"goAway":{}}'
    e["all-members"] = json.dumps({
        "setupComplete": {"sessionId": "s"},
        "serverContent": {"interrupted": False, "generationComplete": True,
                          "turnComplete": True,
                          "turnCompleteReason": "NEED_MORE_INPUT",
                          "inputTranscription": {"text": "hi",
                                                 "finished": True},
                          "outputTranscription": {"text": "yo"},
                          "modelTurn": {"parts": [{"text": "t"},
                                                  {"text": "x",
                                                   "thought": True}]}},
        "toolCall": {"functionCalls": [{"id": "1", "name": "f",
                                        "args": {"a": [1, {"b": None}]}}]},
        "toolCallCancellation": {"ids": ["1", "2"]},
        "usageMetadata": {"promptTokenCount": 1, "responseTokenCount": 2,
                          "totalTokenCount": 3},
        "sessionResumptionUpdate": {"newHandle": "h", "resumable": True,
                                    "lastConsumedClientMessageIndex": "7"},
        "goAway": {"timeLeft": "9.5s"}})
    e["null-members"] = json.dumps({k: None for k in (
        "setupComplete", "serverContent", "toolCall", "toolCallCancellation",
        "usageMetadata", "sessionResumptionUpdate", "goAway")})
    e["wrong-types"] = json.dumps({
        "setupComplete": [], "serverContent": "x", "toolCall": 1,
        "toolCallCancellation": {"ids": [1, None, {}, "ok"]},
        "usageMetadata": [], "sessionResumptionUpdate": {"newHandle": 5,
                                                         "resumable": "yes"},
        "goAway": {"timeLeft": 50}})
    e["duplicate-members"] = ('{"goAway":{"timeLeft":"1s"},'
                              '"goAway":{"timeLeft":"2s"}}')
    # Nesting: at the limit, one past it, and thousands deep.
    e["deep-64"] = '{"a":' * 63 + "{}" + "}" * 63
    e["deep-65"] = '{"a":' * 64 + "{}" + "}" * 64
    e["deep-arrays-5000"] = "[" * 5000 + "]" * 5000
    e["deep-unclosed-100000"] = "[" * 100000
    e["deep-in-args"] = json.dumps({"toolCall": {"functionCalls": [
        {"name": "f", "args": {}}]}}).replace(
            '"args": {}', '"args": ' + '{"a":' * 60 + "1" + "}" * 60)
    # Frames stay under libsoup's default 128 KiB incoming payload limit.
    e["comment-depth-bypass"] = "/*\"*/" + "[" * 120000
    e["line-comment-depth-bypass"] = '{"a"://"\n' + "[" * 120000
    e["brackets-in-strings"] = json.dumps({"serverContent": {"modelTurn": {
        "parts": [{"text": "[" * 1000 + "{" * 1000}]}}})
    e["escaped-quote-brackets"] = '{"a":"\\"[[[[","b":"\\\\"}'
    # Numbers.
    e["huge-numbers"] = ('{"usageMetadata":{"promptTokenCount":1e999,'
                         '"responseTokenCount":-1e999,'
                         '"totalTokenCount":123456789012345678901234567890}}')
    e["int64-edges"] = ('{"usageMetadata":{"promptTokenCount":'
                        '"9223372036854775807","responseTokenCount":'
                        '"-9223372036854775808","totalTokenCount":'
                        '"9223372036854775808"}}')
    e["fractional-numbers"] = ('{"usageMetadata":{"promptTokenCount":1.5,'
                               '"candidatesTokenCount":2.0,'
                               '"totalTokenCount":9.2e18},'
                               '"sessionResumptionUpdate":'
                               '{"lastConsumedClientMessageIndex":-0.0}}')
    e["number-in-args"] = ('{"toolCall":{"functionCalls":[{"name":"f",'
                           '"args":{"big":1e400,"neg":-1e400,"x":1e-400}}]}}')
    # UTF-8.
    e["utf8-invalid-byte"] = b'{"serverContent":{"modelTurn":{"parts":[{"text":"\xff"}]}}}'
    e["utf8-overlong-nul"] = b'{"setupComplete":{"sessionId":"\xc0\x80"}}'
    e["utf8-truncated"] = b'{"serverContent":{"inputTranscription":{"text":"\xe2\x82"}}}'
    e["utf8-surrogate-bytes"] = b'{"serverContent":{"outputTranscription":{"text":"\xed\xa0\x80"}}}'
    e["nul-byte"] = b'{"setupComplete":{}}\x00{"goAway":{}}'
    e["escape-lone-surrogate"] = '{"serverContent":{"outputTranscription":{"text":"\\ud800"}}}'
    e["escape-lone-surrogate-text"] = ('{"serverContent":{"outputTranscription"'
                                       ':{"text":"a\\ud800b"}}}')
    e["escape-low-surrogate"] = '{"toolCall":{"functionCalls":[{"name":"\\udc00"}]}}'
    e["escape-pair"] = '{"serverContent":{"modelTurn":{"parts":[{"text":"\\ud83d\\ude00"}]}}}'
    e["escape-nul"] = '{"toolCall":{"functionCalls":[{"name":"a\\u0000b","id":"\\u0000"}]}}'
    e["bom"] = "\ufeff" + '{"setupComplete":{}}'
    # Base64 and audio.
    e["audio-ok"] = audio_frame(b64(bytes(range(256)) * 4))
    e["audio-odd-3-bytes"] = audio_frame(b64(b"\x01\x02\x03"))
    e["audio-odd-1-byte"] = audio_frame(b64(b"\x01"))
    e["audio-empty"] = audio_frame("")
    e["audio-unpadded"] = audio_frame(b64(b"\x01\x02\x03\x04").rstrip("="))
    e["audio-urlsafe"] = audio_frame("-_-_")
    e["audio-bad-char"] = audio_frame("AAA!")
    e["audio-bad-length"] = audio_frame("AAAAA")
    e["audio-bad-padding"] = audio_frame("AA=")
    e["audio-padding-middle"] = audio_frame("AA==AAAA")
    e["audio-triple-padding"] = audio_frame("A===")
    e["audio-nonzero-trailing-bits"] = audio_frame("AB==")
    e["audio-whitespace"] = audio_frame("AAAA\nAAAA")
    e["audio-not-string"] = audio_frame(12)
    e["audio-interrupted"] = audio_frame(b64(b"\0" * 64), interrupted=True)
    e["audio-vertex-mime"] = audio_frame(b64(b"\0" * 64), mime="audio/pcm")
    e["audio-other-mime"] = audio_frame(b64(b"\0" * 64), mime="image/png")
    e["many-parts"] = json.dumps({"serverContent": {"modelTurn": {"parts": [
        {"inlineData": {"mimeType": "audio/pcm", "data": "AAAA"}},
        {"text": "x"}, 1, None, []] * 200}}})
    # goAway durations.
    for i, t in enumerate(["50s", "9.5s", "0s", "0.000000001s",
                           "1.0000000001s", "18446744073s", "18446744074s",
                           "99999999999999999999s", "s", ".5s", "5.s", "-1s",
                           "5", "5 s", "1e3s", "\u00e9s"]):
        e[f"goaway-{i:02d}"] = json.dumps({"goAway": {"timeLeft": t}})
    e["goaway-long"] = json.dumps({"goAway": {"timeLeft": "\u00e9" * 40}})
    e["resumption-empty-handle"] = ('{"sessionResumptionUpdate":'
                                    '{"newHandle":"","resumable":false}}')
    e["tool-call-no-name"] = ('{"toolCall":{"functionCalls":[{"id":"1"},'
                              '{"name":""},7,{"name":"f","args":[1]}]}}')
    e["cancellation-empty"] = '{"toolCallCancellation":{"ids":[]}}'
    e["long-string"] = json.dumps({"serverContent": {"modelTurn": {
        "parts": [{"text": "y" * 60000}]}}})
    e["pretty-crlf"] = '{\r\n  "setupComplete": {}\r\n}\r\n'
    e["whitespace-only"] = " \n\t "
    for name, payload in e.items():
        prefix = KNOWN_FINDINGS.get("parse/" + name, "edge-")
        write("parse", prefix + name, payload)


def setup_seed(flags, *fields):
    out = bytes([flags])
    enc = [f.encode("utf-8") if isinstance(f, str) else f for f in fields]
    return out + b"\0".join(enc)


def edge_setup():
    uri = ("ws://127.0.0.1:8765/ws/google.ai.generativelanguage.v1."
           "GenerativeService.BidiGenerateContent")
    tools = ('[{"name":"get_current_weather","description":"Weather",'
             '"parameters":{"type":"OBJECT","properties":{"location":'
             '{"type":"STRING"}},"required":["location"]}}]')
    key = "test-key-5up3r-53cr3t"
    R = 8  # session resumption on
    s = {}
    s["defaults"] = setup_seed(R)
    s["empty-fields"] = setup_seed(R, "", "", "", "", "", "", "", "", "", "",
                                   "")
    s["full"] = setup_seed(R | 6, uri, key, "gemini-live",
                           "Puck", "Be brief.", tools, "handle-1", "id-1",
                           "get_current_weather", '{"temp":21}', "hello")
    s["text-modality"] = setup_seed(1 | R, uri, key, "models/x", "Kore", "",
                                    "", "", "", "f", "[1,2]", "hi")
    s["vertex-model"] = setup_seed(R, uri, key,
                                   "projects/p/locations/l/publishers/google"
                                   "/models/m", "", "", "", "", "", "f",
                                   '"scalar"', "")
    s["no-resumption-with-handle"] = setup_seed(0, uri, key, "m", "", "", "",
                                                "h")
    for i, u in enumerate(["http://example.com/", "wss://", "ws://exa mple",
                           "ws://[::1", "wss://host:99999/x", "ws://h\x7f",
                           "wss://user:pw@host/p?q#f", "WSS://HOST",
                           "ws://%zz/", "ws:///path", "\u00e9://x",
                           "ws://" + key + "@host/"]):
        s[f"uri-{i:02d}"] = setup_seed(R, u, key, "m")
    s["key-in-uri-error"] = setup_seed(R, "http://" + key, key, "m")
    s["key-in-voice-error"] = setup_seed(R, uri, key, "m", key + "!")
    s["key-in-tools-error"] = setup_seed(R, uri, key, "m", "", "",
                                         '[{"name":"' + key + ' x"}]')
    s["short-key"] = setup_seed(R, "http://abc", "abc", "m")
    s["model-space"] = setup_seed(R, uri, key, "gemini live")
    s["voice-unicode"] = setup_seed(R, uri, key, "m", "P\u00fcck")
    s["voice-invalid-utf8"] = setup_seed(R, uri, key, "m", b"P\xffck")
    s["instruction-invalid-utf8"] = setup_seed(R, uri, key, "m", "", b"a\xc0b")
    s["handle-invalid-utf8"] = setup_seed(R, uri, key, "m", "", "", "",
                                          b"h\xfe")
    for i, t in enumerate(["{}", "[]", "[1]", '[{"name":1}]', '[{}]',
                           '[{"name":""}]', '[{"name":"' + "a" * 65 + '"}]',
                           '[{"name":"a b"}]', "[", "not json",
                           '[{"name":"f"}] trailing',
                           '[{"name":"f","d":"\\ud800"}]']):
        s[f"tools-{i:02d}"] = setup_seed(R, uri, key, "m", "", "", t)
    s["tools-invalid-utf8"] = setup_seed(R, uri, key, "m", "", "",
                                         b'[{"name":"f","d":"\xff"}]')
    s["tools-deep-64"] = setup_seed(R, uri, key, "m", "", "",
                                    '[{"name":"f","p":' + "[" * 62 + "]" * 62
                                    + "}]")
    s["tools-comment-depth-bypass"] = setup_seed(R, uri, key, "m", "", "",
                                                 "/*\"*/" + "[" * 120000)
    s["tools-two-values"] = setup_seed(R, uri, key, "m", "", "",
                                       '[{"name":"f"}][{"name":"g"}]')
    s["response-comment-depth-bypass"] = setup_seed(R, uri, key, "m", "", "",
                                                    "", "", "id", "f",
                                                    "/*\"*/" + "[" * 120000)
    s["tools-deep-5000"] = setup_seed(R, uri, key, "m", "", "",
                                      "[" * 5000 + "]" * 5000)
    s["tools-huge-number"] = setup_seed(R, uri, key, "m", "", "",
                                        '[{"name":"f","x":1e999}]')
    s["response-huge-number"] = setup_seed(R, uri, key, "m", "", "", "", "",
                                           "id", "f", '{"n":-1e999}', "")
    for i, r in enumerate(["{}", "[]", "1", "null", '"s"', "{",
                           "[" * 100, '{"a":"\\udfff"}', b'{"a":"\xff"}']):
        s[f"response-{i:02d}"] = setup_seed(R, uri, key, "m", "", "", "", "",
                                            "id", "f", r, "")
    s["response-null-id-null"] = setup_seed(R | 0x30, uri, key, "m", "", "",
                                            "", "", "id", "f", "{}", "")
    s["tool-name-missing"] = setup_seed(R, uri, key, "m", "", "", "", "",
                                        "id")
    s["tool-name-invalid-utf8"] = setup_seed(R, uri, key, "m", "", "", "", "",
                                             b"\xff", b"f\xff", "{}", "")
    s["text-control-chars"] = setup_seed(R, uri, key, "m", "", "", "", "", "",
                                         "", "", "a\x01\x1f\"\\\u2028b")
    s["text-invalid-utf8"] = setup_seed(R, uri, key, "m", "", "", "", "", "",
                                        "", "", b"\xf0\x28\x8c\x28")
    s["text-odd-bytes"] = setup_seed(R, uri, key, "m", "", "", "", "", "", "",
                                     "", "abc")
    s["video-mime-quotes"] = setup_seed(R, uri, key, "m", 'image/"x"\\\x01',
                                        "", "", "", "", "", "", "jpegdata")
    for name, payload in s.items():
        prefix = KNOWN_FINDINGS.get("setup/" + name, "seed-")
        write("setup", prefix + name, payload)


def main():
    known = tuple(p + k.split("/")[1] for k, p in KNOWN_FINDINGS.items())
    clean("parse", ("rec-", "edge-") + known)
    clean("setup", ("seed-",) + known)
    recorded()
    edge_parse()
    edge_setup()
    for t in ("parse", "setup"):
        print(t, len(os.listdir(os.path.join(OUT, t))), "files")


if __name__ == "__main__":
    sys.exit(main())
