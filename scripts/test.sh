#!/usr/bin/env bash
# Set up, then run the whole test suite. CI (.ci/run) runs exactly this.
# In parallel (pytest-xdist): NEWSCRAWL_TEST_PROCESSES processes (default 6 on this 2-core machine: the distributed,
# Common Crawl and kill tests spend most of their 20-65 s waiting on leases, sleeping servers and back-offs, so
# the other processes keep both cores busy meanwhile; measured 185 s with 4, 171 s with 5, 157 s with 6).
# --dist loadgroup: the tests of a module that builds a module fixture run in one process (its xdist_group mark),
# every other test goes wherever a process is free; --no-loadscope-reorder hands the work out in collection
# order, which tests/conftest.py sorts longest first.
# Extra arguments go to pytest and come last: `-n 0` runs the suite in one process.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Python may write bytecode here (__pycache__ is git-ignored): with PYTHONDONTWRITEBYTECODE set, as on some machines,
# every process of the suite, every real `scrapy crawl` among them, would compile the project's sources again.
unset PYTHONDONTWRITEBYTECODE
exec .venv/bin/python -m pytest -n "${NEWSCRAWL_TEST_PROCESSES:-6}" --dist loadgroup --no-loadscope-reorder "$@"
