#!/usr/bin/env bash
# Every test of the project, from a fresh clone: installs what the tests need (the npm
# OpenID provider used as an independent peer), checks formatting, lints and the dependency
# graph (cargo-deny), then runs the whole Rust test suite (unit, portal integration,
# end-to-end), then the Kotlin
# bindings on the JVM (needs JDK 17 and Maven), the iOS side compiled and tested with a
# Swift toolchain in a Debian 13 chroot (scripts/test-ios.sh; needs root), then the Android app's presentation layer on the JVM against the same
# library and a real portal, and last the size gate: the library the apps ship, stripped,
# under its 6 MB budget (scripts/check-library-size.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

# A clean clone gains nothing from incremental compilation, and its caches were a third of
# target/ (1.5 of 4.3 GB): CI runs on a shared disk (docs/benchmarks.md, "Disk").
export CARGO_INCREMENTAL=0

command -v cargo >/dev/null || { echo "cargo is required (rustup)" >&2; exit 1; }
command -v node >/dev/null || { echo "node is required for the oidc-provider tests" >&2; exit 1; }
command -v python3 >/dev/null || { echo "python3 is required for the receipt QR tests (ZXing)" >&2; exit 1; }

echo "==> installing the test OpenID provider (oidc-provider, npm)"
npm ci --prefix tests/oidc-provider --no-audit --no-fund --loglevel=error

# The payment tests read our VietQR codes with a parser nobody here wrote (vietnam-qr-pay).
echo "==> installing the independent VietQR parser for the payment tests (vietnam-qr-pay, npm)"
npm ci --prefix tests/vietqr-parser --no-audit --no-fund --loglevel=error

# The receipt tests read our QR PNGs with decoders nobody here wrote; they fail (never
# skip) when one is missing.
echo "==> installing the QR decoders for the receipt tests (ZXing: zxing-cpp; zbar: zbarimg)"
python3 -m pip install --quiet --disable-pip-version-check "zxing-cpp==3.1.1" "pillow==11.3.0"
if ! command -v zbarimg >/dev/null; then
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq zbar-tools
fi

# The portal's PostgreSQL engine is tested on a throw-away cluster each test makes itself
# (portal/tests/common/postgres.rs: initdb in a temporary directory, a loopback port); only
# Debian's server binaries are needed, never a running service: no main cluster is made.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && [ -z "${MOTCUA_PG_BIN:-}" ]; then
    echo "==> installing PostgreSQL's server binaries (Debian's postgresql; no cluster, no service)"
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo mkdir -p /etc/postgresql-common
    echo "create_main_cluster = false" | $sudo tee /etc/postgresql-common/createcluster.conf >/dev/null
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq postgresql
fi

echo "==> cargo fmt --check"
cargo fmt --all -- --check

echo "==> cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "==> cargo deny: licences, duplicate versions, sources (deny.toml)"
# Built from crates.io once, then reused from ~/.cargo/bin. The advisories check needs the
# RustSec database on GitHub, which this machine cannot reach (deny.toml says so).
if ! cargo deny --version 2>/dev/null | grep -q "^cargo-deny 0.20.2$"; then
    cargo install --locked cargo-deny@0.20.2
fi
# `cargo metadata` (which cargo-deny runs) needs the crates of every target platform, also
# those this host never builds (windows-sys, android_system_properties): fetched first, so a
# cold ~/.cargo passes the offline check too.
cargo fetch --locked
cargo deny --offline check licenses bans sources

echo "==> cargo test"
cargo test --workspace --locked

# The same portal integration suite and end-to-end tests once more with every portal on
# PostgreSQL: a throw-away cluster on loopback for the run (initdb in a temporary
# directory, no service), a fresh database per portal (MOTCUA_TEST_POSTGRES).
echo "==> the portal's suite and the end-to-end tests again, on PostgreSQL (scripts/with-postgres.sh)"
bash scripts/with-postgres.sh cargo test --locked -p motcua-portal -p motcua-tests


echo "==> the apps display, the core decides: no status or error-code comparison in Kotlin or Swift"
bash scripts/check-app-rules.sh

echo "==> one Vietnamese spelling (CONTRIBUTING.md, \"Vietnamese wording\")"
bash scripts/check-wording.sh

echo "==> Kotlin bindings on the JVM"
command -v mvn >/dev/null || { echo "mvn (Maven) and a JDK 17 are required for the Kotlin tests" >&2; exit 1; }
bash scripts/bindings.sh
mvn -B -ntp -f bindings/jvm-tests/pom.xml test

echo "==> iOS on Linux: Swift 6 (Debian 13 swiftlang in a chroot, made once outside the repository)"
bash scripts/test-ios.sh

echo "==> Android presentation layer on the JVM"
mvn -B -ntp -f android/presentation/pom.xml test

echo "==> Android screens on the JVM (Compose desktop)"
bash scripts/test-android-ui.sh

# Last, so that every test above has run when it fails: the shipped library (stripped,
# profile release-mobile) must stay under its 6 MB budget (docs/ARCHITECTURE.md, "Budgets").
# About 5.5 minutes cold, 1 to 2 minutes warm (docs/benchmarks.md, "Library size").
echo "==> size gate: the release library under 6 MB"
bash scripts/check-library-size.sh
