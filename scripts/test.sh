#!/usr/bin/env bash
# Set up, then run the whole test suite. CI (.ci/run) runs exactly this.
# In parallel (pytest-xdist): NEWSCRAWL_TEST_PROCESSES processes (default 3: the suite waits on sleeping crawls,
# servers and timeouts as much as it computes, so one more process than this 2-core machine's cores pays),
# tests sharing a module fixture kept on one process (--dist loadgroup, xdist_group marks). Extra arguments go
# to pytest and come last: `-n 0` runs it in one process.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m pytest -n "${NEWSCRAWL_TEST_PROCESSES:-3}" --dist loadgroup "$@"
