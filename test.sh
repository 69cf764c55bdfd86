#!/usr/bin/env bash
# The test command (README.md, .ci/run): installs what the tests need,
# then runs every test of the workspace, offline.
#
# The real-browser test drives Debian's Chromium through ChromeDriver. If
# they are missing, they are installed from Debian's packages (as root, or
# with sudo). Elsewhere, install Chromium and ChromeDriver yourself and
# point CHROMIUM and CHROMEDRIVER at them.
set -euo pipefail
cd "$(dirname "$0")"

missing=()
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || missing+=(chromium)
[ -x "${CHROMEDRIVER:-/usr/bin/chromedriver}" ] || missing+=(chromium-driver)
if [ ${#missing[@]} -gt 0 ]; then
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "test.sh: the browser test needs ${missing[*]}; install Chromium and ChromeDriver and set CHROMIUM and CHROMEDRIVER" >&2
        exit 1
    fi
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "test.sh: installing ${missing[*]} from Debian's packages"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

exec cargo test --workspace "$@"
