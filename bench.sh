#!/usr/bin/env bash
# The benchmarks, each printing its figures (README.md, "How fast"):
#
#   ./bench.sh              every crate's benchmark
#   ./bench.sh permissions  one crate's: mock-discord, basic, sessions, permissions
#
# Installs wrk (the external load generator) from Debian's packages if it
# is missing, and, for stage 3, starts a private PostgreSQL server as
# test.sh does.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/setup.sh

command -v wrk >/dev/null 2>&1 || need wrk
crates=("$@")
[ ${#crates[@]} -gt 0 ] || crates=(mock-discord basic sessions permissions)
for crate in "${crates[@]}"; do
    [ "$crate" != permissions ] || start_postgres
    cargo bench -p "$crate"
done
