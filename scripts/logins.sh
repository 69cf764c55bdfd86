#!/usr/bin/env bash
# Complete logins per second (./bench.sh logins): each stage in its own
# process at its default settings, against the standalone mock in another
# (approving at once, with its rate limit raised), driven by login-load:
# 10,000 logins, 64 at a time. First the mock's own capacity for its share
# of a login, to show that neither it nor the load generator is the limit.
# Sourced by bench.sh, after scripts/setup.sh and start_postgres.
set -euo pipefail

cargo build --release -q -p mock-discord --bins -p basic -p sessions -p permissions
bin=target/release
work="$(mktemp -d /tmp/oauth2-workshop-logins.XXXXXX)"
pids=()
cleanup_logins() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap 'cleanup_logins; [ -z "${pg_dir:-}" ] || stop_postgres' EXIT

stage_port=$(free_port)
mock_port=$(free_port)
cat > "$work/mock.toml" <<TOML
# The default client, with this run's callback; the default users. One
# user logs in 64 times at once: no rate limit, and more live grants than
# the 100 a user keeps by default (or the oldest logins in flight lose
# theirs).
rate_limit = 1000000
grants_per_user = 1000000
[[clients]]
client_id = "mock-client-id"
client_secret = "mock-client-secret"
name = "OAuth2 Workshop"
redirect_uris = ["http://127.0.0.1:$stage_port/auth", "http://127.0.0.1:$stage_port/auth/discord"]
TOML
"$bin/mock-discord" --port "$mock_port" --auto-approve ada.lovelace --config "$work/mock.toml" >/dev/null &
pids+=($!)
wait_for_port "$mock_port"

echo "complete logins, 64 at a time, on $(nproc) cores; the stages at their default settings:"
"$bin/login-load" --mock-only "http://127.0.0.1:$mock_port" --logins 10000

peak_mb() { awk '/VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }

run_stage() {
    local name=$1 database=${2:-}
    env -i PATH="$PATH" PORT="$stage_port" \
        DISCORD_BASE_URL="http://127.0.0.1:$mock_port" \
        DISCORD_CLIENT_ID=mock-client-id DISCORD_CLIENT_SECRET=mock-client-secret \
        GOOGLE_ISSUER="http://127.0.0.1:$mock_port/google" \
        GOOGLE_CLIENT_ID=mock-google-client-id.apps.googleusercontent.com \
        GOOGLE_CLIENT_SECRET=mock-google-client-secret \
        SESSION_SECRET=a-load-test-secret-of-more-than-32-bytes \
        ${database:+DATABASE_URL="$database"} \
        "$bin/$name" >/dev/null 2>&1 &
    local pid=$!
    pids+=("$pid")
    wait_for_port "$stage_port"
    # Stage 3's /login is a page of providers; its Discord login starts at
    # /login/discord.
    local login_path=/login
    [ "$name" = permissions ] && login_path=/login/discord
    "$bin/login-load" "http://127.0.0.1:$stage_port" --logins 10000 --login-path "$login_path"
    echo "  peak RSS of $name${database:+ (${database%%:*})}: $(peak_mb "$pid") MB"
    kill "$pid"
    wait "$pid" 2>/dev/null || true
}

run_stage basic
run_stage sessions
run_stage permissions "sqlite://$work/permissions.db"
server=${PERMISSIONS_TEST_POSTGRES%/*}
"$(pg_bin)/psql" -q "$PERMISSIONS_TEST_POSTGRES" -c "CREATE DATABASE logins_$$" >/dev/null
run_stage permissions "$server/logins_$$"
