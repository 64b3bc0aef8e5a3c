#!/usr/bin/env bash
# The Android app's Compose screens (android/app/.../ui) compiled for the JVM and driven
# headless over the real presentation layer, the real core (JNA) and a real portal
# (android/ui-jvm). Needs the generated bindings: runs scripts/bindings.sh when they are
# missing. Screenshots: android/ui-jvm/target/screenshots/.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v mvn >/dev/null || { echo "mvn (Maven) and a JDK 17 are required" >&2; exit 1; }
if [ ! -f bindings/generated/jvm-resources/motcua-test.properties ]; then
    bash scripts/bindings.sh
fi
mvn -B -ntp -f android/ui-jvm/pom.xml test -Djava.awt.headless=true
