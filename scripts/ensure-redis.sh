#!/usr/bin/env bash
# Makes `redis-server` available for the @mjgate/redis tests and bench: a no-op when it is already on
# the PATH; otherwise installs Debian's package (as root: CI and the dev machines run as root).
# The tests start their own server on a free port (scripts/redis.mjs); nothing is left running here.
set -euo pipefail

if command -v redis-server >/dev/null 2>&1; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "[mjgate] redis-server is missing and this is not root: run 'sudo apt-get install -y redis-server' to run the Redis tests" >&2
  exit 0
fi

echo "[mjgate] installing redis-server from the Debian packages (for the @mjgate/redis tests)" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends redis-server >/dev/null
# Debian's postinst may have started the system service; the tests never use it.
if command -v service >/dev/null 2>&1; then service redis-server stop >/dev/null 2>&1 || true; fi
command -v redis-server >/dev/null
