#!/usr/bin/env bash
# Install everything newscrawl needs (idempotent): the Python packages into ./.venv, Debian's Chromium for the
# pages that need JavaScript (scrapy-playwright cannot download a browser of its own here) and Debian's
# redis-server for distributed mode.
# Used by the other scripts and, through scripts/test.sh, by CI.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: chromium (pages that need JavaScript) and redis-server (distributed mode and its tests,
# docs/SCALING.md); installed together in one apt run when either is missing
missing=""
[ -x /usr/bin/chromium ] || missing="$missing chromium"
[ -x /usr/bin/redis-server ] || missing="$missing redis-server"
if [ -n "$missing" ]; then
  echo "setup: installing Debian's$missing (apt-get)" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  log=$(mktemp)
  if ! { $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq $missing; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "setup: FAILED to install$missing with apt-get (log above)" >&2
    exit 1
  fi
  rm -f "$log"
  for binary in /usr/bin/chromium /usr/bin/redis-server; do
    [ -x "$binary" ] || { echo "setup: FAILED: $binary is missing after apt-get" >&2; exit 1; }
  done
fi

PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3)}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
# reinstall only when pyproject.toml changed since the last install; pip's chatter goes to a log, shown on failure
stamp=.venv/.newscrawl-installed
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  log=.venv/pip-install.log
  if ! { .venv/bin/python -m pip install --disable-pip-version-check --upgrade pip &&
         .venv/bin/python -m pip install --disable-pip-version-check -e '.[test]'; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "setup: FAILED to install the Python packages (log above)" >&2
    exit 1
  fi
  echo "$want" > "$stamp"
fi
