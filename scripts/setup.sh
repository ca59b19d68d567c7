#!/usr/bin/env bash
# Install everything newscrawl needs (idempotent): the Python packages into ./.venv, and Debian's Chromium
# for the pages that need JavaScript (scrapy-playwright cannot download a browser of its own here).
# Used by the other scripts and, through scripts/test.sh, by CI.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
  echo "setup: installing Debian's chromium (apt-get)" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  log=$(mktemp)
  if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "setup: FAILED to install chromium with apt-get (log above)" >&2
    exit 1
  fi
  rm -f "$log"
  [ -x /usr/bin/chromium ] || { echo "setup: FAILED: /usr/bin/chromium is missing after apt-get" >&2; exit 1; }
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
