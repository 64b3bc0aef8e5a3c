#!/usr/bin/env python3
"""Sanity checks for the procedure catalog data (procedures.json, aliases.json, queries.json).

Run from anywhere: `python3 data/catalog/check.py`. Exits non-zero and lists every problem found.
The Rust side parses the same files with serde (protocol/src/catalog.rs); this script checks the
shape that serde expects plus the content rules of the catalog (unique codes, snake_case ids,
select fields with options, known enum values, references that resolve).
"""
import json
import re
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
NATIONAL_CODE = re.compile(r"^[1-9]\.\d{6}$")
LOCAL_CODE = re.compile(r"^local\.[a-z0-9-]+\.\d{2}$")
AGENCY_LEVELS = {"central", "province", "commune"}
SERVICE_LEVELS = {"fully_online", "partly_online"}
KINDS = {"text", "long_text", "number", "date", "select", "checkbox", "phone", "email", "personal_id", "admin_unit"}
RULES = {"length": {"min", "max"}, "range": {"min", "max"}, "not_in_future": set(), "not_in_past": set()}
PREFILLS = {"identity_full_name", "identity_personal_id", "identity_birth_date", "identity_address", "earlier_dossier"}
PROC_KEYS = {"code", "name_vi", "name_en", "field_vi", "field_en", "agency_level", "agency_vi", "service_level",
             "processing_days", "fee", "documents", "required_identity_level", "form", "popularity"}
PROC_OPTIONAL = {"legal_basis", "synthetic"}

errors = []


def err(msg):
    errors.append(msg)


def load(name):
    try:
        with open(HERE / name, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, json.JSONDecodeError) as exc:
        err(f"{name}: cannot load: {exc}")
        return None


def check_fact(where, value, unsigned=True):
    """Fact<T>: a bare value or {"unknown": "why"}."""
    if isinstance(value, dict):
        if set(value) != {"unknown"} or not isinstance(value["unknown"], str) or not value["unknown"].strip():
            err(f"{where}: unknown fact must be exactly {{\"unknown\": \"non-empty reason\"}}")
    elif isinstance(value, bool) or not isinstance(value, int) or (unsigned and value < 0):
        err(f"{where}: must be a non-negative integer or {{\"unknown\": ...}}")


def check_text(where, value, required=True):
    if value is None and not required:
        return
    if not isinstance(value, str) or not value.strip():
        err(f"{where}: must be a non-empty string")
    elif unicodedata.normalize("NFC", value) != value:
        err(f"{where}: not NFC")


def check_field(where, fld):
    allowed = {"id", "kind", "label_vi", "label_en", "required", "rules", "options", "prefill", "help_vi", "help_en"}
    extra = set(fld) - allowed
    if extra:
        err(f"{where}: unknown keys {sorted(extra)}")
    for k in ("id", "kind", "label_vi", "label_en", "required"):
        if k not in fld:
            err(f"{where}: missing {k}")
    if not SNAKE.match(str(fld.get("id", ""))):
        err(f"{where}: id {fld.get('id')!r} is not snake_case")
    kind = fld.get("kind")
    if kind not in KINDS:
        err(f"{where}: kind {kind!r} not allowed")
    if not isinstance(fld.get("required"), bool):
        err(f"{where}: required must be a boolean")
    check_text(f"{where}.label_vi", fld.get("label_vi"))
    check_text(f"{where}.label_en", fld.get("label_en"))
    check_text(f"{where}.help_vi", fld.get("help_vi"), required=False)
    check_text(f"{where}.help_en", fld.get("help_en"), required=False)
    options = fld.get("options", [])
    if kind == "select":
        if not options:
            err(f"{where}: select field without options")
        values = [o.get("value") for o in options]
        if len(values) != len(set(values)):
            err(f"{where}: duplicate option values")
    elif options:
        err(f"{where}: options on a non-select field")
    for i, o in enumerate(options):
        if set(o) != {"value", "label_vi", "label_en"}:
            err(f"{where}.options[{i}]: keys must be value, label_vi, label_en")
        for k in ("value", "label_vi", "label_en"):
            check_text(f"{where}.options[{i}].{k}", o.get(k))
    for i, rule in enumerate(fld.get("rules", [])):
        name = rule.get("rule") if isinstance(rule, dict) else None
        if name not in RULES:
            err(f"{where}.rules[{i}]: unknown rule {name!r}")
            continue
        extra = set(rule) - {"rule"} - RULES[name]
        if extra:
            err(f"{where}.rules[{i}]: unexpected keys {sorted(extra)}")
        for k in RULES[name] & set(rule):
            if isinstance(rule[k], bool) or not isinstance(rule[k], int) or (name == "length" and rule[k] < 0):
                err(f"{where}.rules[{i}].{k}: must be an integer")
        if name in ("not_in_future", "not_in_past") and kind != "date":
            err(f"{where}.rules[{i}]: {name} on a non-date field")
    if "prefill" in fld and fld["prefill"] not in PREFILLS:
        err(f"{where}: prefill {fld['prefill']!r} not allowed")


def check_procedures(data):
    procs = data.get("procedures") if isinstance(data, dict) else None
    if not isinstance(procs, list):
        err("procedures.json: missing list 'procedures'")
        return set()
    if len(procs) < 60:
        err(f"procedures.json: {len(procs)} procedures, need at least 60")
    codes = set()
    for n, p in enumerate(procs):
        code = p.get("code", f"#{n}")
        where = f"procedure {code}"
        missing = PROC_KEYS - set(p)
        if missing:
            err(f"{where}: missing {sorted(missing)}")
        extra = set(p) - PROC_KEYS - PROC_OPTIONAL
        if extra:
            err(f"{where}: unknown keys {sorted(extra)}")
        if code in codes:
            err(f"{where}: duplicate code")
        codes.add(code)
        if not (NATIONAL_CODE.match(code) or LOCAL_CODE.match(code)):
            err(f"{where}: code is neither a national code (x.xxxxxx) nor local.<field>.NN")
        for k in ("name_vi", "name_en", "field_vi", "field_en", "agency_vi"):
            check_text(f"{where}.{k}", p.get(k))
        if p.get("agency_level") not in AGENCY_LEVELS:
            err(f"{where}: agency_level {p.get('agency_level')!r}")
        if p.get("service_level") not in SERVICE_LEVELS:
            err(f"{where}: service_level {p.get('service_level')!r}")
        if p.get("required_identity_level") not in ("1", "2"):
            err(f"{where}: required_identity_level must be the string \"1\" or \"2\"")
        check_fact(f"{where}.processing_days", p.get("processing_days"))
        fee = p.get("fee", {})
        if not isinstance(fee, dict) or "amount_vnd" not in fee:
            err(f"{where}: fee.amount_vnd missing")
        else:
            extra = set(fee) - {"amount_vnd", "online_amount_vnd", "note_vi", "note_en"}
            if extra:
                err(f"{where}.fee: unknown keys {sorted(extra)}")
            check_fact(f"{where}.fee.amount_vnd", fee["amount_vnd"])
            if "online_amount_vnd" in fee:
                check_fact(f"{where}.fee.online_amount_vnd", fee["online_amount_vnd"])
            check_text(f"{where}.fee.note_vi", fee.get("note_vi"), required=False)
            check_text(f"{where}.fee.note_en", fee.get("note_en"), required=False)
        docs = p.get("documents", [])
        if not docs:
            err(f"{where}: no documents")
        doc_ids = [d.get("id") for d in docs]
        if len(doc_ids) != len(set(doc_ids)):
            err(f"{where}: duplicate document ids")
        for d in docs:
            if not SNAKE.match(str(d.get("id", ""))):
                err(f"{where}: document id {d.get('id')!r} is not snake_case")
            extra = set(d) - {"id", "name_vi", "name_en", "required", "note_vi", "note_en"}
            if extra:
                err(f"{where}.documents: unknown keys {sorted(extra)}")
            if not isinstance(d.get("required"), bool):
                err(f"{where}: document {d.get('id')} required must be a boolean")
            check_text(f"{where}.documents.{d.get('id')}.name_vi", d.get("name_vi"))
            check_text(f"{where}.documents.{d.get('id')}.name_en", d.get("name_en"))
        form = p.get("form", [])
        if not 4 <= len(form) <= 12:
            err(f"{where}: form has {len(form)} fields, expected 4-12")
        field_ids = [fld.get("id") for fld in form]
        if len(field_ids) != len(set(field_ids)):
            err(f"{where}: duplicate field ids {sorted({i for i in field_ids if field_ids.count(i) > 1})}")
        for fld in form:
            check_field(f"{where}.form.{fld.get('id')}", fld)
        pop = p.get("popularity")
        if isinstance(pop, bool) or not isinstance(pop, int) or not 0 <= pop <= 2**32 - 1:
            err(f"{where}: popularity must be a u32")
        lb = p.get("legal_basis", [])
        if not isinstance(lb, list) or not all(isinstance(x, str) and x.strip() for x in lb):
            err(f"{where}: legal_basis must be a list of strings")
        if "synthetic" in p and p["synthetic"] is not False:
            err(f"{where}: real catalog entries must not be synthetic")
    return codes


def check_refs(name, items, key_text, key_codes, codes, minimum):
    if len(items) < minimum:
        err(f"{name}: {len(items)} entries, need at least {minimum}")
    seen = set()
    for i, it in enumerate(items):
        if set(it) != {key_text, key_codes}:
            err(f"{name}[{i}]: keys must be {key_text}, {key_codes}")
        text = it.get(key_text)
        check_text(f"{name}[{i}].{key_text}", text)
        if text in seen:
            err(f"{name}[{i}]: duplicate {text!r}")
        seen.add(text)
        refs = it.get(key_codes)
        if not isinstance(refs, list) or not refs:
            err(f"{name}[{i}] {text!r}: no codes")
            continue
        if len(refs) != len(set(refs)):
            err(f"{name}[{i}] {text!r}: duplicate codes")
        for c in refs:
            if c not in codes:
                err(f"{name}[{i}] {text!r}: unknown code {c}")


def main():
    procs = load("procedures.json")
    aliases = load("aliases.json")
    queries = load("queries.json")
    codes = check_procedures(procs) if procs is not None else set()
    if aliases is not None:
        check_refs("aliases", aliases.get("aliases", []), "phrase", "codes", codes, 60)
    if queries is not None:
        check_refs("queries", queries.get("queries", []), "query", "relevant", codes, 80)
    if errors:
        print(f"{len(errors)} problem(s):")
        for e in errors:
            print(" -", e)
        return 1
    n_local = sum(1 for c in codes if c.startswith("local."))
    print(f"ok: {len(codes)} procedures ({len(codes) - n_local} national codes, {n_local} local), "
          f"{len(aliases['aliases'])} aliases, {len(queries['queries'])} queries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
