#!/usr/bin/env python3
"""Prints which Core folders (stages) use which, from the `using KaizalaBatch.X` lines and fully qualified
`KaizalaBatch.X.` references in src/KaizalaBatch.Core, and flags every cycle. Exit 1 when there is one.

Usage: scripts/core-graph.py [--dot]"""
import os, re, sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "KaizalaBatch.Core")
ref = re.compile(r"\bKaizalaBatch\.([A-Z][A-Za-z]+)\b")
namespace = re.compile(r"^namespace\s+KaizalaBatch(?:\.([A-Z][A-Za-z]+))?\s*;", re.M)

def folder_of(path):
    rel = os.path.relpath(path, ROOT).split(os.sep)
    return rel[0] if len(rel) > 1 else "(root)"

stages, edges, why = set(), {}, {}
for dirpath, dirnames, files in os.walk(ROOT):
    dirnames[:] = [d for d in dirnames if d not in ("bin", "obj")]
    for name in files:
        if not name.endswith(".cs"):
            continue
        path = os.path.join(dirpath, name)
        stage = folder_of(path)
        stages.add(stage)
        text = open(path, encoding="utf-8").read()
        # Comments (/// <see cref=...>) do not make a dependency.
        code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))
        for target in set(ref.findall(code)):
            if target != stage and os.path.isdir(os.path.join(ROOT, target)):
                edges.setdefault(stage, set()).add(target)
                why.setdefault((stage, target), []).append(os.path.relpath(path, ROOT))

def cycles():
    found, seen = [], set()
    def walk(node, stack):
        for nxt in sorted(edges.get(node, ())):
            if nxt in stack:
                cycle = stack[stack.index(nxt):] + [nxt]
                key = frozenset(zip(cycle, cycle[1:]))
                if key not in seen:
                    seen.add(key)
                    found.append(cycle)
            elif len(stack) < 12:
                walk(nxt, stack + [nxt])
    for start in sorted(stages):
        walk(start, [start])
    return found

if "--dot" in sys.argv:
    print("digraph core {")
    for a in sorted(edges):
        for b in sorted(edges[a]):
            print(f'  "{a}" -> "{b}";')
    print("}")
    sys.exit(0)

for a in sorted(stages):
    print(f"{a:10} -> {', '.join(sorted(edges.get(a, ()))) or '(nothing)'}")
found = cycles()
if found:
    print()
    for cycle in found:
        print("cycle: " + " -> ".join(cycle))
        for a, b in zip(cycle, cycle[1:]):
            print(f"   {a} -> {b}: {', '.join(sorted(set(why[(a, b)]))[:4])}")
    sys.exit(1)
print("\nno cycle")
