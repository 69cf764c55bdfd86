#!/usr/bin/env bash
# The test command (README.md, .ci/run): installs what the tests need,
# then runs every test of the workspace, offline.
#
# * The real-browser tests drive Debian's Chromium through ChromeDriver.
# * "The flow by hand" (mock-discord/README.md) runs with curl and openssl.
# * Stage 3 is tested against oidc-provider, an OpenID Certified provider,
#   and the mock against openid-client, an OpenID Certified client: both
#   pinned in interop/package-lock.json and installed with `npm ci`, with
#   Node 20 or newer (installed if missing or too old; see
#   scripts/setup.sh).
# * Stage 3's tests run against SQLite and PostgreSQL: a private
#   PostgreSQL server (Debian's `postgresql` package) is started on a free
#   port in a temporary directory for the run, and stopped at the end.
#
# What is missing is installed from Debian's packages (as root, or with
# sudo). Elsewhere, install Chromium, ChromeDriver and PostgreSQL yourself,
# set CHROMIUM and CHROMEDRIVER, and set PERMISSIONS_TEST_POSTGRES to a
# server's URL (postgres://user@127.0.0.1:PORT/postgres).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/setup.sh

missing=()
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || missing+=(chromium)
[ -x "${CHROMEDRIVER:-/usr/bin/chromedriver}" ] || missing+=(chromium-driver)
# The mock's README walks through the flow by hand with curl and openssl,
# and a test runs those commands as written.
command -v curl >/dev/null || missing+=(curl)
command -v openssl >/dev/null || missing+=(openssl)
need "${missing[@]}"
install_outside_implementations
start_postgres

cargo test --workspace "$@"
