#!/usr/bin/env bash
# Build times (./bench.sh build): a cold `cargo build -p basic` in an empty
# target directory (what an attendee waits for on first run; the crates
# are already downloaded), then the rebuild after an edit to one file of
# the stage. Sourced by bench.sh.
set -euo pipefail

target="$(mktemp -d /tmp/oauth2-workshop-build.XXXXXX)"
seconds_of() {
    local started
    started=$(date +%s.%N)
    "$@"
    echo "$(date +%s.%N) - $started" | bc
}
cargo fetch -q
cold=$(seconds_of env CARGO_TARGET_DIR="$target" cargo build -q -p basic)
touch basic/src/login.rs
rebuild=$(seconds_of env CARGO_TARGET_DIR="$target" cargo build -q -p basic)
rm -rf "$target"
printf 'cargo build -p basic on %s cores: cold %.1f s (empty target directory), rebuild after editing basic/src/login.rs %.1f s\n' \
    "$(nproc)" "$cold" "$rebuild"
