#!/usr/bin/env python3
"""Counts test cases from meson's testlog.json: gst-check programs report
"Checks: N, Failures: F, Errors: E"; any other test counts as one case."""
import json
import re
import sys

CHECKS = re.compile(r"Checks: (\d+), Failures: (\d+), Errors: (\d+)")
passed = failed = skipped = 0
with open(sys.argv[1]) as log:
    for line in log:
        t = json.loads(line)
        out = t.get("stdout") or ""
        m = CHECKS.findall(out)
        if t["result"] == "SKIP":
            skipped += 1
        elif m:
            n, f, e = (int(x) for x in m[-1])
            passed += n - f - e
            failed += f + e
            if t["result"] != "OK" and f + e == 0:
                failed += 1  # crashed or timed out after its last report
        elif t["result"] == "OK":
            passed += 1
        else:
            failed += 1
# Skipped tests (the real-service suite without a key) on their own line,
# so that the last line is exactly "N passed, N failed".
print(f"{skipped} skipped")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
