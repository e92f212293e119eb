#!/bin/sh
# Make sure the browser tests (tests/e2e/) have Debian's chromium and a Japanese font.
#
# Installs with apt-get what is missing: `chromium` and `chromium-driver` when /usr/bin/chromium
# is missing, `fonts-noto-cjk` when fontconfig knows no Japanese font (without one, every
# Japanese name is drawn as empty boxes), as root or through sudo when that needs no password.
# When it cannot, it says so loudly and exits 0: the browser tests then skip with a loud
# reason, except under CI=true, where they fail.
set -u

CHROMIUM=/usr/bin/chromium
# the file fonts-noto-cjk installs, for a machine without fc-list
NOTO_CJK=/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc

has_japanese_font() {
    if command -v fc-list >/dev/null 2>&1; then
        [ -n "$(fc-list :lang=ja family 2>/dev/null)" ]
    else
        [ -f "$NOTO_CJK" ]
    fi
}

packages=""
missing=""
if [ ! -x "$CHROMIUM" ]; then
    packages="chromium chromium-driver"
    missing="$CHROMIUM"
fi
if ! has_japanese_font; then
    packages="${packages:+$packages }fonts-noto-cjk"
    missing="${missing:+$missing and }a Japanese font"
fi

if [ -z "$packages" ]; then
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    as_root=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root="sudo -n"
else
    echo "warning: the browser tests need $missing, and installing needs root;" \
        "the browser tests will be skipped (run: apt-get install $packages)" >&2
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "warning: the browser tests need $missing, and there is no apt-get here;" \
        "the browser tests will be skipped" >&2
    exit 0
fi

echo "installing for the browser tests with apt-get: $packages ..." >&2
# $packages is split into words on purpose
# shellcheck disable=SC2086
if $as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
    && $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        $packages >/dev/null; then
    case "$packages" in
    chromium*) echo "installed $($CHROMIUM --version 2>/dev/null || echo chromium)" >&2 ;;
    esac
    if ! has_japanese_font; then
        echo "warning: fontconfig still knows no Japanese font;" \
            "Japanese names will be drawn as empty boxes" >&2
    fi
else
    echo "warning: apt-get could not install $packages;" \
        "the browser tests will be skipped" >&2
fi
exit 0
