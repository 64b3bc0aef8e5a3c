#!/usr/bin/env bash
# Runs a command beside a throw-away PostgreSQL cluster: initdb in a temporary directory,
# the server on a free loopback port (its socket in that directory too), stopped and
# removed when the command ends, however it ends. No system service, no main cluster.
# The command finds the server in MOTCUA_TEST_POSTGRES (a URL of its `postgres` database,
# superuser `motcua`, trust authentication on loopback only); the portal's test harnesses
# make a fresh database on it for every portal they start.
#
#   scripts/with-postgres.sh cargo test -p motcua-portal
#
# The binaries are Debian's (apt-get install postgresql; scripts/test.sh installs them)
# or those in MOTCUA_PG_BIN. As root (CI) the server runs as the `postgres` user Debian's
# package creates: PostgreSQL refuses to run as root.
set -euo pipefail

bin="${MOTCUA_PG_BIN:-}"
if [ -z "$bin" ]; then
    bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
fi
[ -x "$bin/initdb" ] || {
    echo "no PostgreSQL server binaries: apt-get install postgresql, or set MOTCUA_PG_BIN" >&2
    exit 1
}

dir="$(mktemp -d "${TMPDIR:-/tmp}/motcua-pg-XXXXXX")"
as_server=()
if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$dir"
    as_server=(runuser -u postgres --)
fi
stop() {
    "${as_server[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap stop EXIT

"${as_server[@]}" "$bin/initdb" -D "$dir/data" -A trust -U motcua -E UTF8 --no-sync >/dev/null
# A free port: bound and released by the kernel's choice (a race with another process
# taking it in between is possible but not likely; pg_ctl then fails clearly).
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
# Durability off: a test cluster is thrown away, and the tests check the portal's
# transactions, not the disk's. Enough connections for every portal of a test binary
# (each pool opens at most --database-connections, on demand).
"${as_server[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start -o \
    "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=400 \
     -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null

export MOTCUA_TEST_POSTGRES="postgres://motcua@127.0.0.1:$port/postgres"
status=0
"$@" || status=$?
if [ "$status" -ne 0 ]; then
    echo "==> the PostgreSQL server's log (the last 40 lines)" >&2
    tail -n 40 "$dir/server.log" >&2 || true
fi
exit "$status"
