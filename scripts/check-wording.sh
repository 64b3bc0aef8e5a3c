#!/usr/bin/env bash
# One Vietnamese spelling (CONTRIBUTING.md, "Vietnamese wording"): the modern tone
# placement, "xóa, hòa, khóa, thủy, hủy", never the old "xoá, hoà, khoá, thuỷ, huỷ". Fails,
# naming file and line, on a word that ends in oá/oà/oả/oã/oạ, oé/…/oẹ or uý/…/uỵ (not
# after q: "quý" is right in both). A closed syllable ("hoàn", "thuyền") is the same in
# both placements and is not matched.
#
# Not checked: place names copied as their official source spells them
# (data/admin-units/), and the few places that name the old spelling on purpose: the text
# folding and its tests (which fold both alike), docs/domain.md and CONTRIBUTING.md (which
# describe it), this script.
#
# Usage: bash scripts/check-wording.sh (from any directory); no tool beyond grep.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd -P)"
cd "$repo"
export LC_ALL=C.UTF-8

roots=(protocol core bindings portal cli tests android ios data docs scripts README.md CONTRIBUTING.md CHANGELOG.md)
exempt='^(data/admin-units/|protocol/src/text\.rs:|protocol/src/admin_units\.rs:|protocol/src/validation/tests\.rs:|docs/domain\.md:|CONTRIBUTING\.md:|scripts/check-wording\.sh:)'
old='(?<![qQ])(o[áàảãạéèẻẽẹ]|u[ýỳỷỹỵ])(?!\p{L})'

existing=()
for r in "${roots[@]}"; do [ -e "$r" ] && existing+=("$r"); done
hits="$(grep -rnP "$old" "${existing[@]}" \
    --include='*.rs' --include='*.kt' --include='*.swift' --include='*.xml' \
    --include='*.xcstrings' --include='*.json' --include='*.md' --include='*.sh' \
    --include='*.py' --include='*.toml' --include='*.sql' --include='*.html' --include='*.txt' \
    --exclude-dir=target --exclude-dir=node_modules --exclude-dir=build --exclude-dir=.build \
    | grep -vE "$exempt" || true)"
if [ -n "$hits" ]; then
    echo "Old tone placement (write xóa, hòa, khóa, thủy, hủy; CONTRIBUTING.md, \"Vietnamese wording\"):" >&2
    echo "$hits" >&2
    exit 1
fi
echo "wording: one spelling (modern tone placement)"
