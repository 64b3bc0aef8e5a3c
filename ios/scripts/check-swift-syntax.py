#!/usr/bin/env python3
"""Parses every Swift file under ios/ with tree-sitter's Swift grammar and reports the
lines it cannot parse. A syntax check only, for machines without a Swift toolchain: it
catches unbalanced braces, misplaced keywords and malformed declarations, not type errors,
missing members or wrong API names (only the compiler does that).

Needs: pip install tree-sitter tree-sitter-swift
Usage: python3 ios/scripts/check-swift-syntax.py [paths...]
"""
import pathlib
import sys

try:
    import tree_sitter
    import tree_sitter_swift
except ImportError:
    sys.exit("needs: pip install tree-sitter tree-sitter-swift")

root = pathlib.Path(__file__).resolve().parent.parent
paths = [pathlib.Path(p) for p in sys.argv[1:]] or [root]
files = []
for p in paths:
    files.extend(sorted(p.rglob("*.swift")) if p.is_dir() else [p])
# Generated bindings are uniffi's, not ours.
files = [f for f in files if "MotCuaBindings" not in f.parts and ".build" not in f.parts]

parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_swift.language()))


def problems(node, out):
    if node.is_error or node.is_missing:
        out.append(node)
        return
    if node.has_error:
        for child in node.children:
            problems(child, out)


failed = 0
for f in files:
    tree = parser.parse(f.read_bytes())
    found = []
    problems(tree.root_node, found)
    if found:
        failed += 1
        for n in found[:5]:
            kind = "missing " + n.type if n.is_missing else "cannot parse"
            line = n.start_point[0] + 1
            lines = f.read_text().splitlines()
            text = lines[n.start_point[0]].strip() if n.start_point[0] < len(lines) else "(end of file)"
            print(f"{f.relative_to(root.parent) if root.parent in f.parents else f}:{line}: {kind}: {text[:100]}")
print(f"{len(files) - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
