#!/usr/bin/env bash
# Installs SecantusDB (a MongoDB-compatible server on WiredTiger, the last fallback of the database chain
# where MongoDB's own binaries cannot be downloaded) into a private virtualenv, once, in a cache reused
# by later runs. No root needed. Skipped when MONGODB_URI is set.
set -euo pipefail

VERSION="0.7.0b3"
CACHE_DIR="${DESKBELL_CACHE_DIR:-$HOME/.cache/deskbell}/secantusdb/$VERSION"
BIN="$CACHE_DIR/bin/secantusd-py"

if [ -n "${MONGODB_URI:-}" ]; then exit 0; fi
if [ -n "${SECANTUSD_BIN:-}" ] && [ -x "$SECANTUSD_BIN" ]; then echo "SecantusDB: using SECANTUSD_BIN=$SECANTUSD_BIN"; exit 0; fi
if [ -x "$BIN" ] && [ -f "$CACHE_DIR/.complete" ]; then echo "SecantusDB: using cached $BIN"; exit 0; fi

PY="$(command -v python3 || true)"
if [ -z "$PY" ]; then
  echo "SecantusDB: python3 is not installed, so it cannot be installed; set MONGODB_URI to a MongoDB server instead" >&2
  exit 0
fi

echo "SecantusDB: installing $VERSION (beta, GPL-2.0-only; about 145 MB) into $CACHE_DIR"
start=$(date +%s)
# A virtualenv records its own path, so it is built where it will live; the marker says it is complete.
rm -rf "$CACHE_DIR"
mkdir -p "$CACHE_DIR"
"$PY" -m venv "$CACHE_DIR"
"$CACHE_DIR/bin/pip" install --quiet --disable-pip-version-check "SecantusDB==$VERSION"
touch "$CACHE_DIR/.complete"
echo "SecantusDB: installed $VERSION into $CACHE_DIR in $(( $(date +%s) - start )) s"
