#!/usr/bin/env sh
# Makes `python3 -m pytest` work for the command runner's parity test (command-adapter.spec.ts).
# Does nothing when it already works; otherwise installs Debian's python3-pytest.
set -eu

if python3 -m pytest --version >/dev/null 2>&1; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-pytest: python3 -m pytest is missing and there is no apt-get to install it" >&2
  exit 1
fi
sudo=''
if [ "$(id -u)" -ne 0 ]; then sudo='sudo'; fi
$sudo apt-get update
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-pytest
# Fails loudly if the python3 on PATH is not the one apt installed pytest for (pyenv, venv).
python3 -m pytest --version
