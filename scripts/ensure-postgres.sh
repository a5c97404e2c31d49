#!/usr/bin/env bash
# Makes sure Debian's PostgreSQL server binaries are installed (for @shardwise/db's real-server
# tests and benchmark), and installs them only if they are missing. Starts no server: the tests
# run their own (initdb in a temporary folder) and stop it. Safe to run again and again, as root
# with no terminal (CI=true).
set -euo pipefail

installed() {
  compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null && id postgres >/dev/null 2>&1
}

if installed; then
  echo "ensure-postgres: already installed ($(ls -d /usr/lib/postgresql/*/bin | tail -n 1))"
  exit 0
fi

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "ensure-postgres: PostgreSQL is not installed and this is not root on Debian/Ubuntu; install the postgresql package" >&2
  exit 1
fi

start=$(date +%s)
export DEBIAN_FRONTEND=noninteractive
# Debian's package would create and start a cluster on port 5432; the tests want neither.
mkdir -p /etc/postgresql-common
if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
  echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.conf
fi
policy_added=false
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  policy_added=true
fi
cleanup() { if [ "$policy_added" = true ]; then rm -f /usr/sbin/policy-rc.d; fi; }
trap cleanup EXIT

apt-get update -qq </dev/null
# Keep the createcluster.conf written above (no prompt about it without a terminal).
UCF_FORCE_CONFFOLD=1 apt-get install -y -qq --no-install-recommends \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
  postgresql </dev/null >/dev/null

installed || { echo "ensure-postgres: apt-get finished but no server binaries were found" >&2; exit 1; }
echo "ensure-postgres: installed $(ls -d /usr/lib/postgresql/*/bin | tail -n 1) in $(($(date +%s) - start)) s"
