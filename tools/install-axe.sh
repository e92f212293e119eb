#!/bin/sh
# Fetch axe-core's script for the browser tests' accessibility checks (tests/e2e/).
#
# Takes the pinned axe-core package from the npm registry with `npm pack` (npm checks the
# package's integrity against the registry) and keeps its axe.min.js as tools/axe/axe.min.js
# (not in git), after checking the file's own SHA-256 against the pin below; nothing is
# fetched at test time. Does nothing when that file is already the pinned version. When it
# cannot fetch it (no npm, no registry), it says so loudly and exits 0: the accessibility
# checks then skip with a loud reason, except under CI=true, where they fail.
set -u

VERSION=4.14.1
SHA256=29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c

HERE=$(cd "$(dirname "$0")" && pwd)
TARGET="$HERE/axe"
SCRIPT="$TARGET/axe.min.js"
STAMP="$TARGET/VERSION"

sha256_of() {
    sha256sum "$1" 2>/dev/null | cut -d ' ' -f 1
}

if [ -f "$SCRIPT" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$VERSION" ] \
    && [ "$(sha256_of "$SCRIPT")" = "$SHA256" ]; then
    exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
    echo "warning: npm is missing, so axe-core $VERSION cannot be fetched;" \
        "the accessibility checks will be skipped (install Node.js and npm)" >&2
    exit 0
fi

work=$(mktemp -d) || exit 0
trap 'rm -rf "$work"' EXIT

echo "fetching axe-core $VERSION for the accessibility checks (npm pack) ..." >&2
if ! (cd "$work" && npm pack --silent "axe-core@$VERSION" >/dev/null) \
    || ! tar -xzf "$work/axe-core-$VERSION.tgz" -C "$work" package/axe.min.js; then
    echo "warning: could not fetch axe-core $VERSION from the npm registry;" \
        "the accessibility checks will be skipped" >&2
    exit 0
fi

got=$(sha256_of "$work/package/axe.min.js")
if [ "$got" != "$SHA256" ]; then
    echo "warning: axe-core $VERSION's axe.min.js has SHA-256 $got, not the pinned $SHA256;" \
        "it is not kept and the accessibility checks will be skipped" >&2
    exit 0
fi

mkdir -p "$TARGET"
mv "$work/package/axe.min.js" "$SCRIPT.part" && mv "$SCRIPT.part" "$SCRIPT"
echo "$VERSION" >"$STAMP"
echo "axe-core $VERSION kept as $SCRIPT" >&2
exit 0
