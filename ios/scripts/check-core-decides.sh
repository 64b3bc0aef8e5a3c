#!/usr/bin/env bash
# "The core decides, the apps display" (docs/ARCHITECTURE.md): the iOS presentation code
# (the models, the adapters, the app) never branches on a dossier status or an error code.
# It displays the core's view data (labels, actions, what the desk asks for) and branches
# on the kind and reason of a `Problem`. Fails on, in ios/MotCuaModels/Sources,
# ios/MotCuaKit/Sources (not the generated bindings) and ios/MotCua:
#   - a comparison of a code or status with a string: `code == "…"`, `status != "…"`
#   - a string literal that is a status's wire name ("received", "supplement_requested"…)
#   - `wireName`, the old status-to-string conversion
# The tests may use them (fakes speak the core's codes). Grep only; runs anywhere.
#
# Usage: ios/scripts/check-core-decides.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

statuses='submitted|received|not_accepted|processing|supplement_requested|payment_requested|withdrawal_requested|stopped|result_ready|returned|withdrawn|rejected'
patterns=(
    '(code|status)[[:space:]]*(==|!=)[[:space:]]*"'
    "\"($statuses)\""
    'wireName'
)

files=()
while IFS= read -r -d '' file; do
    files+=("$file")
done < <(find ios/MotCuaModels/Sources ios/MotCuaKit/Sources ios/MotCua -name '*.swift' \
    -not -path 'ios/MotCuaKit/Sources/MotCuaBindings/*' -print0 | sort -z)

failed=0
for pattern in "${patterns[@]}"; do
    if hits=$(grep -EnH -- "$pattern" "${files[@]}"); then
        echo "$hits" | sed 's/^/branches on a string the core should decide: /' >&2
        failed=1
    fi
done
echo "core decides: ${#files[@]} Swift files of the presentation code checked, $([ "$failed" -eq 0 ] && echo "no" || echo "some") status or code strings"
[ "$failed" -eq 0 ]
