#!/usr/bin/env python3
"""Markdown for docs/mutation.md from Stryker.NET JSON reports: a count line per report; with --by-file, a table of the
counts and score of every file that has mutants to test; with --survivors, a table of the surviving and uncovered
mutants (file, line, mutator, replacement, source line).

    python3 tools/mutation/section.py [--by-file] [--survivors] REPORT.json [...]
"""
import json
import sys
from collections import Counter

show = "--survivors" in sys.argv
by_file = "--by-file" in sys.argv
for path in [a for a in sys.argv[1:] if not a.startswith("--")]:
    report = json.load(open(path))
    counts = Counter()
    rows = []
    files = []
    for name, f in sorted(report["files"].items()):
        lines = f["source"].split("\n")
        here = Counter(m["status"] for m in f["mutants"])
        valid = here["Killed"] + here["Timeout"] + here["Survived"] + here["NoCoverage"]
        if valid:
            files.append(f"| {name.split('/')[-1]} | {here['Killed']} | {here['Timeout']} | {here['Survived']} | {here['NoCoverage']} | "
                         f"{100 * (here['Killed'] + here['Timeout']) / valid:.1f} % |")
        for m in sorted(f["mutants"], key=lambda m: (m["location"]["start"]["line"], m["location"]["start"]["column"])):
            counts[m["status"]] += 1
            if m["status"] in ("Survived", "NoCoverage"):
                line = m["location"]["start"]["line"]
                repl = m.get("replacement", "").replace("\n", " ").replace("|", "\\|")
                src = lines[line - 1].strip().replace("|", "\\|")
                rows.append(f"| {name.split('/')[-1]} | {line} | {m['status']} | {m['mutatorName']}: `{repl[:60]}` | `{src[:90]}` |")
    k, t, s, n = counts["Killed"], counts["Timeout"], counts["Survived"], counts["NoCoverage"]
    print(f"killed {k}, timeout {t}, survived {s}, no coverage {n} (compile error {counts['CompileError']}, ignored {counts['Ignored']}): "
          f"score {100 * (k + t) / max(1, k + t + s + n):.1f} %, {100 * (k + t) / max(1, k + t + s):.1f} % of covered mutants")
    if by_file and files:
        print()
        print("| file | killed | timeout | survived | no coverage | score |")
        print("| --- | --- | --- | --- | --- | --- |")
        print("\n".join(files))
    if show and rows:
        print()
        print("| file | line | status | mutation | source |")
        print("| --- | --- | --- | --- | --- |")
        print("\n".join(rows))
