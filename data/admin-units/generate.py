#!/usr/bin/env python3
"""Builds data/admin-units/*.json from the two public copies of the NSO code list
(see SOURCES.md). Usage: gen.py VP_NESTED_JSON TLQ_SIMPLIFIED_JSON PRE2025_CSV OUT_DIR"""
import json, sys, unicodedata, csv

vp_path, tlq_path, pre_path, out = sys.argv[1:5]
vp = json.load(open(vp_path))
tlq = json.load(open(tlq_path))

def nfc(s):
    return unicodedata.normalize("NFC", s).replace("\u2019", "'")

# Communes: VietnamProvinces (NSO names) cross-checked code by code with thanglequoc.
vp_w = {"%05d" % w["code"]: (nfc(w["name"]), "%02d" % p["code"]) for p in vp for w in p["wards"]}
tlq_w = {w["Code"]: (nfc(w["FullName"]), w["ProvinceCode"]) for p in tlq for w in p["Wards"]}
assert len(vp_w) == 3321, len(vp_w)
# The July-2026 thanglequoc snapshot still carried 06978 for Ba Chẽ; its v4.2.1/v5.0.0 patch
# corrected it back to 06970 (the code of the signed Decision 19/2025/QĐ-TTg).
tlq_w["06970"] = tlq_w.pop("06978")
assert set(vp_w) == set(tlq_w)
for code in vp_w:
    assert vp_w[code][1] == tlq_w[code][1], code

# Corrections and changes after 1 July 2025 (all keep the codes):
rename = {
    "06325": "Xã Bắc Sơn",  # lower-case "xã" in the NSO copy
}
# 237/NQ-UBTVQH16 (Đồng Nai, from 30/04/2026) and 388/NQ-UBTVQH16 (Bắc Ninh, 20/09/2026):
to_ward = ["25270", "25357", "25363", "26116", "26170", "26248", "26326", "26368", "26425", "26485",
           "07294", "07375", "07399", "07444", "07840", "09193", "09292", "09313", "09319", "09454",
           "09475", "09496"]
communes = {}
for code, (name, prov) in vp_w.items():
    name = rename.get(code, name)
    if code in to_ward:
        assert name.startswith("Xã "), (code, name)
        name = "Phường " + name[3:]
        assert tlq_w[code][0].startswith("Phường ") or prov == "24", (code, tlq_w[code])
    communes[code] = (name, prov)

# The Đồng Nai wards must now agree with thanglequoc (which has them); compare folded names.
def fold(s):
    s = unicodedata.normalize("NFD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    return s.replace("đ", "d").replace("Đ", "D").lower()
for code, (name, prov) in communes.items():
    t = tlq_w[code][0]
    if prov != "24":
        assert fold(name) == fold(t), (code, name, t)

# Provinces
city_codes = {"01", "31", "46", "48", "79", "92",  # Resolution 202/2025/QH15
              "75",  # 30/2026/QH16 Thành phố Đồng Nai
              "22",  # 36/2026/QH16 Thành phố Quảng Ninh
              "24"}  # 39/2026/QH16 Thành phố Bắc Ninh
pre = {}
with open(pre_path, encoding="utf-8") as f:
    for row in csv.reader(f):
        if len(row) > 1 and len(row[1]) == 2 and row[1].isdigit():
            pre[row[1]] = nfc(row[0]).replace("Hoà Bình", "Hòa Bình")
assert len(pre) == 63, len(pre)
# Resolution 202/2025/QH15, Article 1 (which pre-2025 provinces form each new one).
merged = {
    "01": ["01"], "04": ["04"], "08": ["08", "02"], "11": ["11"], "12": ["12"], "14": ["14"],
    "15": ["10", "15"], "19": ["19", "06"], "20": ["20"], "22": ["22"], "24": ["27", "24"],
    "25": ["25", "26", "17"], "31": ["31", "30"], "33": ["33", "34"], "37": ["37", "35", "36"],
    "38": ["38"], "40": ["40"], "42": ["42"], "44": ["44", "45"], "46": ["46"], "48": ["48", "49"],
    "51": ["51", "62"], "52": ["64", "52"], "56": ["56", "58"], "66": ["66", "54"],
    "68": ["68", "67", "60"], "75": ["75", "70"], "79": ["79", "74", "77"], "80": ["72", "80"],
    "82": ["87", "82"], "86": ["86", "83", "84"], "91": ["89", "91"], "92": ["92", "93", "94"],
    "96": ["96", "95"],
}
all_old = sorted(c for v in merged.values() for c in v)
assert all_old == sorted(pre), (all_old, sorted(pre))
provinces = []
for p in vp:
    code = "%02d" % p["code"]
    short = nfc(p["name"]).split(" ", 1)[1] if p["name"].startswith("Tỉnh ") else nfc(p["name"])[len("Thành phố "):]
    kind = "city" if code in city_codes else "province"
    name = ("Thành phố " if kind == "city" else "Tỉnh ") + short
    provinces.append({
        "code": code, "name": name, "kind": kind,
        "merged_from": [{"code": c, "name": pre[c]} for c in merged[code]],
    })
assert len(provinces) == 34 and {p["code"] for p in provinces} == set(merged)
assert {c[1] for c in communes.values()} == set(merged)
provinces.sort(key=lambda p: p["code"])

with open(f"{out}/provinces.json", "w", encoding="utf-8") as f:
    f.write('{\n  "as_of": "2026-11-23",\n  "provinces": [\n')
    lines = [json.dumps(p, ensure_ascii=False) for p in provinces]
    f.write(",\n".join("    " + l for l in lines))
    f.write("\n  ]\n}\n")

with open(f"{out}/communes.json", "w", encoding="utf-8") as f:
    f.write('{\n  "as_of": "2026-11-23",\n  "communes": [\n')
    rows = sorted(communes.items())
    lines = [json.dumps([code, name, prov], ensure_ascii=False) for code, (name, prov) in rows]
    f.write(",\n".join("    " + l for l in lines))
    f.write("\n  ]\n}\n")

# ID-number province codes (Circular 07/2016/TT-BCA, appendix I): 0 + the pre-2025 NSO code.
id_names = {c: n.replace("Thành phố ", "").replace("Tỉnh ", "") for c, n in pre.items()}
id_names["46"] = "Thừa Thiên Huế"  # the name in the circular (a city only since 1 Jan 2025)
with open(f"{out}/id-province-codes.json", "w", encoding="utf-8") as f:
    f.write('{\n  "codes": {\n')
    lines = [f'    "0{c}": {json.dumps(id_names[c], ensure_ascii=False)}' for c in sorted(id_names)]
    f.write(",\n".join(lines))
    f.write("\n  }\n}\n")
import collections
print(collections.Counter(n.split(" ")[0] + (" khu" if n.startswith("Đặc") else "") for n, _ in communes.values()))
print(collections.Counter(p["kind"] for p in provinces))
