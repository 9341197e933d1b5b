#!/usr/bin/env python3
"""Summarises Stryker.NET JSON reports (artifacts/mutation/<Folder>/reports/mutation-report.json): per folder the
counts by status and the score (killed + timeout) / (killed + timeout + survived + no coverage), then every surviving
and uncovered mutant with its file, line, mutator and replacement.

    python3 tools/mutation/summary.py artifacts/mutation/*/reports/mutation-report.json
"""
import json
import sys
from collections import Counter

for path in sys.argv[1:]:
    report = json.load(open(path))
    counts = Counter()
    rest = []
    for name, f in sorted(report["files"].items()):
        lines = f["source"].split("\n")
        for m in f["mutants"]:
            counts[m["status"]] += 1
            if m["status"] in ("Survived", "NoCoverage"):
                line = m["location"]["start"]["line"]
                rest.append((m["status"], name.split("/Toolkit/")[-1], line, m["mutatorName"],
                             m.get("replacement", "").replace("\n", " ")[:90], lines[line - 1].strip()[:110]))
    detected = counts["Killed"] + counts["Timeout"]
    valid = detected + counts["Survived"] + counts["NoCoverage"]
    print(f"## {path}")
    print(", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    print(f"score {100 * detected / valid:.1f} % ({detected}/{valid}); covered-only {100 * detected / max(1, detected + counts['Survived']):.1f} %")
    for r in rest:
        print(" | ".join(str(x) for x in r))
