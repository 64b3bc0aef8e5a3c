#!/usr/bin/env python3
"""Checks the String Catalogs against the code: every key the app looks up with tr("...")
is in Localizable.xcstrings with a non-empty Vietnamese and English text and the same
placeholders in both; every key of the catalog is used; InfoPlist.xcstrings translates
each user-facing Info.plist text that project.yml sets.

Usage: python3 ios/scripts/check-strings.py
"""
import json
import pathlib
import re
import sys

ios = pathlib.Path(__file__).resolve().parent.parent
app = ios / "MotCua"
catalog = json.loads((app / "Resources" / "Localizable.xcstrings").read_text())
used = set()
for swift in app.rglob("*.swift"):
    used |= set(re.findall(r'\btr\("([A-Za-z0-9_.]+)"', swift.read_text()))

problems = []
if catalog.get("sourceLanguage") != "vi":
    problems.append("Localizable.xcstrings: the source language must be vi")
strings = catalog["strings"]
for key in sorted(used):
    entry = strings.get(key)
    if entry is None:
        problems.append(f"{key}: used in code, missing from Localizable.xcstrings")
        continue
    texts = {}
    for lang in ("vi", "en"):
        value = entry.get("localizations", {}).get(lang, {}).get("stringUnit", {}).get("value", "")
        if not value.strip():
            problems.append(f"{key}: no {lang} text")
        texts[lang] = value
    if texts.get("vi", "").count("%@") != texts.get("en", "").count("%@"):
        problems.append(f"{key}: vi and en have different placeholders")
for key in sorted(set(strings) - used):
    problems.append(f"{key}: in the catalog but never used")

info = json.loads((app / "Resources" / "InfoPlist.xcstrings").read_text())["strings"]
spec = (ios / "project.yml").read_text()
for key in ("NSCameraUsageDescription", "NSFaceIDUsageDescription", "CFBundleDisplayName"):
    if key not in spec:
        problems.append(f"project.yml does not set {key}")
    for lang in ("vi", "en"):
        if not info.get(key, {}).get("localizations", {}).get(lang, {}).get("stringUnit", {}).get("value"):
            problems.append(f"InfoPlist.xcstrings: {key} has no {lang} text")

for p in problems:
    print(p)
print(f"{len(used)} keys used, {len(problems)} problems")
sys.exit(1 if problems else 0)
