#!/bin/sh
# Make sure Debian's chromium is installed for the browser tests (tests/e2e/).
#
# Installs `chromium` and `chromium-driver` with apt-get when /usr/bin/chromium is missing,
# as root or through sudo when that needs no password. When it cannot, it says so and exits 0:
# the browser tests then skip with a loud reason, except under CI=true, where they fail.
set -u

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    as_root=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root="sudo -n"
else
    echo "warning: $CHROMIUM is missing and installing it needs root;" \
        "the browser tests will be skipped (run: apt-get install chromium chromium-driver)" >&2
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "warning: $CHROMIUM is missing and there is no apt-get here;" \
        "the browser tests will be skipped" >&2
    exit 0
fi

echo "installing Debian's chromium for the browser tests (apt-get) ..." >&2
if $as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
    && $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        chromium chromium-driver >/dev/null; then
    echo "installed $($CHROMIUM --version 2>/dev/null || echo chromium)" >&2
else
    echo "warning: apt-get could not install chromium;" \
        "the browser tests will be skipped" >&2
fi
exit 0
