# Shared by test.sh and bench.sh (sourced, not run): installs what is
# missing from Debian's packages, and starts a private PostgreSQL server.
#
# need PACKAGE...      installs the packages not yet installed (as root, or
#                      with sudo); elsewhere, says what to install.
# start_postgres       unless PERMISSIONS_TEST_POSTGRES is set, starts a
#                      server on a free port in a temporary directory (as
#                      the postgres user when root: PostgreSQL refuses
#                      root), exports PERMISSIONS_TEST_POSTGRES, and stops
#                      it when the calling script exits.

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

# A port nothing listens on, below the range the kernel hands out to
# outgoing connections (so no client socket holds it either).
free_port() {
    local candidate
    while :; do
        candidate=$((15000 + RANDOM % 15000))
        (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null || { echo "$candidate"; return; }
    done
}

# Waits (up to 10 s) until something answers on 127.0.0.1:$1.
wait_for_port() {
    for _ in $(seq 200); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.05
    done
    echo "$(basename "$0"): nothing listens on 127.0.0.1:$1" >&2
    return 1
}

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

need() {
    local missing=("$@")
    [ ${#missing[@]} -gt 0 ] || return 0
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "$(basename "$0"): needs ${missing[*]}; install them (see the comment at the top of $(basename "$0"))" >&2
        exit 1
    fi
    echo "$(basename "$0"): installing ${missing[*]} from Debian's packages"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

start_postgres() {
    [ -z "${PERMISSIONS_TEST_POSTGRES:-}" ] || return 0
    [ -n "$(pg_bin)" ] || need postgresql
    pg_dir="$(mktemp -d /tmp/oauth2-workshop-pg.XXXXXX)"
    chmod 755 "$pg_dir"
    as_postgres=()
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres: "$pg_dir"
        as_postgres=(runuser -u postgres --)
    fi
    trap stop_postgres EXIT
    "${as_postgres[@]}" "$(pg_bin)/initdb" -D "$pg_dir/data" -U postgres -A trust --no-sync >/dev/null
    # A free port, tried until one works: another program may take it
    # between the look and the start.
    local port="" candidate
    for _ in $(seq 10); do
        candidate=$(free_port)
        if "${as_postgres[@]}" "$(pg_bin)/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w \
            -o "-p $candidate -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" \
            start >/dev/null 2>&1; then
            port=$candidate
            break
        fi
    done
    if [ -z "$port" ]; then
        echo "$(basename "$0"): PostgreSQL did not start; its log:" >&2
        cat "$pg_dir/server.log" >&2
        exit 1
    fi
    export PERMISSIONS_TEST_POSTGRES="postgres://postgres@127.0.0.1:$port/postgres"
    echo "$(basename "$0"): a private PostgreSQL server listens on 127.0.0.1:$port"
}

stop_postgres() {
    if [ -f "$pg_dir/data/postmaster.pid" ]; then
        "${as_postgres[@]}" "$(pg_bin)/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$pg_dir"
}
