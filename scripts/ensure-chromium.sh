#!/usr/bin/env bash
# Installs Debian's Chromium once per machine, for the HTML report's browser test. Checks first:
# a machine that already has it pays nothing. Needs root (CI runs as root, with no stdin).
set -euo pipefail

CHROMIUM="${SHARDWISE_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
  echo "chromium: already installed at $CHROMIUM" >&2
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "chromium: $CHROMIUM is missing and this is not root; run: sudo apt-get install -y chromium" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "chromium: $CHROMIUM is missing and there is no apt-get; install Chromium and set SHARDWISE_CHROMIUM" >&2
  exit 1
fi
# Two processes (parallel test files, CI steps) must not run apt at once: dpkg's own lock would
# fail the second; flock makes it wait, then the check above short-cuts it.
exec 9>/tmp/shardwise-ensure-chromium.lock
flock 9
if [ -x "$CHROMIUM" ]; then exit 0; fi
started=$(date +%s)
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq </dev/null >&2
apt-get install -y -qq --no-install-recommends chromium </dev/null >&2
echo "chromium: installed in $(( $(date +%s) - started ))s" >&2
"$CHROMIUM" --version >&2
