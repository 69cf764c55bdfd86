#!/usr/bin/env bash
# The test command (README.md, .ci/run): installs what the tests need,
# then runs every test of the workspace, offline.
#
# * The real-browser tests drive Debian's Chromium through ChromeDriver.
# * Stage 3's tests run against SQLite and PostgreSQL. This script starts a
#   private PostgreSQL server (Debian's `postgresql` package) on a free port
#   in a temporary directory, points the tests at it, and stops it at the
#   end. As root it runs the server as the `postgres` user, since
#   PostgreSQL refuses to run as root.
#
# What is missing is installed from Debian's packages (as root, or with
# sudo). Elsewhere, install Chromium, ChromeDriver and PostgreSQL yourself,
# set CHROMIUM and CHROMEDRIVER, and set PERMISSIONS_TEST_POSTGRES to a
# server's URL (postgres://user@127.0.0.1:PORT/postgres).
set -euo pipefail
cd "$(dirname "$0")"

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

missing=()
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || missing+=(chromium)
[ -x "${CHROMEDRIVER:-/usr/bin/chromedriver}" ] || missing+=(chromium-driver)
if [ -z "${PERMISSIONS_TEST_POSTGRES:-}" ] && [ -z "$(pg_bin)" ]; then
    missing+=(postgresql)
fi
if [ ${#missing[@]} -gt 0 ]; then
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "test.sh: the tests need ${missing[*]}; install them (see the comment at the top of test.sh)" >&2
        exit 1
    fi
    echo "test.sh: installing ${missing[*]} from Debian's packages"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ -z "${PERMISSIONS_TEST_POSTGRES:-}" ]; then
    bin="$(pg_bin)"
    dir="$(mktemp -d /tmp/oauth2-workshop-pg.XXXXXX)"
    chmod 755 "$dir"
    as_postgres=()
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres: "$dir"
        as_postgres=(runuser -u postgres --)
    fi
    # A free port: one nothing answers on.
    port=""
    for _ in $(seq 50); do
        candidate=$((20000 + RANDOM % 20000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then
            port=$candidate
            break
        fi
    done
    [ -n "$port" ] || { echo "test.sh: no free port for PostgreSQL" >&2; exit 1; }
    "${as_postgres[@]}" "$bin/initdb" -D "$dir/data" -U postgres -A trust --no-sync >/dev/null
    "${as_postgres[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" start >/dev/null
    stop_postgres() {
        "${as_postgres[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
        rm -rf "$dir"
    }
    trap stop_postgres EXIT
    export PERMISSIONS_TEST_POSTGRES="postgres://postgres@127.0.0.1:$port/postgres"
    echo "test.sh: a private PostgreSQL server listens on 127.0.0.1:$port"
fi

cargo test --workspace "$@"
