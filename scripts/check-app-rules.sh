#!/usr/bin/env bash
# The apps display what the core decides (docs/ARCHITECTURE.md, "The core decides, the apps
# display"): presentation code in Kotlin and Swift must not decide by a dossier status or
# an error code. Fails, naming file and line, when such code compares a status or an
# error code with a string, names a status by its wire name, or turns the status enum back
# into a wire name. Tests are not checked (they may name codes to assert on them).
#
# Usage: bash scripts/check-app-rules.sh (from any directory); no tool beyond grep.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd -P)"
cd "$repo"

roots=(
    android/presentation/src/main
    android/app/src/main
    android/ui-jvm/src/main
    ios/MotCuaModels/Sources
    ios/MotCuaKit/Sources
    ios/MotCua
)
statuses='submitted|received|not_accepted|processing|supplement_requested|payment_requested|withdrawal_requested|stopped|result_ready|returned|withdrawn|rejected'
rules=(
    # `problem.code == "catalog_not_downloaded"`, `d.status != "received"`
    '(\bcode|\bstatus)\s*(==|!=)\s*"'
    # `"supplement_requested"` anywhere: a status by its wire name
    "\"(${statuses})\""
    # turning the enum back into the portal's names
    'wireName'
)

found=0
for rule in "${rules[@]}"; do
    # -I: skip binary files; only the apps' source files.
    if hits=$(grep -rnIE --include='*.kt' --include='*.swift' "$rule" "${roots[@]}" 2>/dev/null); then
        echo "$hits" | sed 's/^/check-app-rules: /' >&2
        found=1
    fi
done
if [ "$found" -ne 0 ]; then
    echo "check-app-rules: presentation code decides by a status or an error code (above);" \
        "use the core's view data (actions, reasons, kinds) instead" >&2
    exit 1
fi
echo "check-app-rules: no status or error-code decision in the apps' presentation code"
