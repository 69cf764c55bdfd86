#!/usr/bin/env bash
# The benchmarks, each printing its figures (README.md, "How fast"):
#
#   ./bench.sh              every crate's benchmark, then the logins
#   ./bench.sh permissions  one crate's: mock-discord, basic, sessions, permissions
#   ./bench.sh logins       complete logins per second (scripts/logins.sh)
#   ./bench.sh build        cold build and rebuild times (scripts/build-times.sh)
#
# Installs wrk (the external load generator) from Debian's packages if it
# is missing, and, for stage 3, starts a private PostgreSQL server as
# test.sh does.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/setup.sh

command -v wrk >/dev/null 2>&1 || need wrk
crates=("$@")
[ ${#crates[@]} -gt 0 ] || crates=(mock-discord basic sessions permissions logins build)
for crate in "${crates[@]}"; do
    case "$crate" in
        permissions) start_postgres; cargo bench -p permissions ;;
        logins) start_postgres; source scripts/logins.sh ;;
        build) command -v bc >/dev/null 2>&1 || need bc; source scripts/build-times.sh ;;
        *) cargo bench -p "$crate" ;;
    esac
done
