#!/usr/bin/env bash
# Validates deploy/docker-compose.yml against compose's own schema (`docker-compose config`):
# keys, types, anchors, interpolation. Needs no Docker engine. Uses Debian's docker-compose
# package, installed here when missing if this is root with apt-get (as in CI), else
# `docker compose` if present; otherwise it says why it skips. Run by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
file=deploy/docker-compose.yml

if ! command -v docker-compose >/dev/null 2>&1 && ! docker compose version >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
    echo "check-compose: installing Debian's docker-compose to validate $file"
    log=$(mktemp)
    # --no-install-recommends: the package recommends docker.io, a whole Docker engine.
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends docker-compose; } >"$log" 2>&1; then
      tail -n 20 "$log"
      echo "check-compose: SKIPPED: apt-get could not install docker-compose (output above)"
      exit 0
    fi
  else
    echo "check-compose: SKIPPED: neither docker-compose nor 'docker compose' is installed," \
      "and installing needs apt-get as root"
    exit 0
  fi
fi

if command -v docker-compose >/dev/null 2>&1; then
  docker-compose -f "$file" config --quiet
  echo "check-compose: $file is valid (docker-compose $(docker-compose version --short))"
else
  docker compose -f "$file" config --quiet
  echo "check-compose: $file is valid (docker compose $(docker compose version --short))"
fi
