#!/usr/bin/env bash
# Set up, then run the whole test suite. CI (.ci/run) runs exactly this.
# In parallel (pytest-xdist): NEWSCRAWL_TEST_PROCESSES processes (default 3: the suite waits on sleeping crawls,
# servers and timeouts as much as it computes, so one process more than this 2-core machine's cores pays).
# --dist loadfile: a module's tests run in one process, one after the other, as they were written (module
# fixtures built once, no two tests of a module at the same time); --no-loadscope-reorder hands the modules out
# in collection order, which tests/conftest.py sorts longest first.
# Extra arguments go to pytest and come last: `-n 0` runs the suite in one process.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m pytest -n "${NEWSCRAWL_TEST_PROCESSES:-3}" --dist loadfile --no-loadscope-reorder "$@"
