"""Shared test helpers: paths, and running a real `scrapy crawl` in a subprocess.

A crawl runs in its own process (as a user runs it): the real settings, spider, middlewares and pipelines,
and a fresh reactor each time. Results are read from what the crawl wrote, and its exit code
(newscrawl/commands/scrapy_commands/crawl.py gives newscrawl-cron's codes). The crawls of run_crawl and of the
distributed Workers are forked from a process that has Scrapy imported already (testing/forkserver.py: 1 CPU-s
less a crawl); NEWSCRAWL_TEST_FORK=0 starts each from a fresh interpreter instead.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("NEWSCRAWL_TEST_FORK", "1")  # testing/forked_process.py reads it

# the paths and file helpers bench/ uses too; importable from here as the tests always did
from testing.files import EXPECTED, FIXTURES, ROOT, SITE, read_jsonl, write_mirror  # noqa: F401
# a real `scrapy crawl` in a subprocess, as bench/ runs it too
from testing.crawls import CRAWL_TIMEOUT, CrawlResult, crawl_command, crawl_result, run_crawl  # noqa: F401


def documented_hash(title: str, body: str) -> str:
    """content_hash as docs/OUTPUT.md documents it: sha256 (hex) of the UTF-8 of title, a blank line, body. Written out
    here, not taken from the code, so a change of the formula (which would re-version every article) fails."""
    return hashlib.sha256(f"{title}\n\n{body}".encode("utf-8")).hexdigest()


@pytest.fixture
def crawl(tmp_path):
    """`crawl(*args, **kw)`: run the dawn spider into a fresh output directory."""
    counter = iter(range(1000))

    def _crawl(*args, **kwargs) -> CrawlResult:
        return run_crawl(tmp_path / f"out{next(counter)}", *args, **kwargs)

    return _crawl


def shared_across_workers(tmp_path_factory) -> Path:
    """A directory every pytest-xdist worker of this run sees (each worker's own tmp dirs are under it); the
    run's own tmp dir when the suite runs in one process."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def rendering() -> bool:
    """Whether a full crawl renders its JavaScript pages: under CI a missing browser fails it, never skips it."""
    from testing.chromium import have_chromium, in_ci

    return have_chromium() or in_ci()


@pytest.fixture(scope="session")
def offline_site_crawl(tmp_path_factory) -> CrawlResult:
    """THE full discovery crawl of the offline site (default settings; JavaScript pages rendered when `rendering()`),
    run once for the whole test run, whatever the number of xdist workers: the first worker to ask runs it
    under a file lock, the others wait and read what it wrote. Tests read it and never write into it."""
    from filelock import FileLock

    from testing.chromium import BROWSER_CRAWL_TIMEOUT

    shared = shared_across_workers(tmp_path_factory)
    out, done = shared / "offline-site-crawl", shared / "offline-site-crawl.json"
    with FileLock(str(shared / "offline-site-crawl.lock")):
        if not done.exists():
            defaults = {"NEWSCRAWL_EXTRACT_PROCESSES": "auto"}  # as a user runs it, not testing/crawls.py's defaults
            result = run_crawl(out, settings=defaults if rendering() else {**defaults, "NEWSCRAWL_RENDER": "0"},
                               timeout=BROWSER_CRAWL_TIMEOUT)
            done.write_text(json.dumps({"log": result.log, "returncode": result.returncode}), encoding="utf-8")
    process = json.loads(done.read_text(encoding="utf-8"))
    stats_path = out / "last_crawl.json"
    return CrawlResult(read_jsonl(out / "articles.jsonl"), read_jsonl(out / "editorial_teasers.jsonl"),
                       json.loads(stats_path.read_text()) if stats_path.exists() else {}, process["log"], out,
                       process["returncode"])


# The slowest modules and tests (pytest --durations), in the order to start them: under pytest-xdist
# (scripts/test.sh: --dist loadgroup --no-loadscope-reorder) work is handed out in collection order, so the long
# ones start first and the run does not end waiting on one handed out last. The distributed tests come first: long
# (20-65 s) but mostly waiting on sleeping servers and leases, so the processes that take the rest keep both cores
# busy meanwhile. An entry is a module or a module::test; what is not named comes after, in its own order.
# Measured with 5 processes (durations of 2026-12-05).
LONGEST_FIRST = ("test_distributed.py::test_three_workers_share_one_crawl_and_one_budget",
                 "test_distributed_seeding.py",
                 "test_distributed.py::test_sigkill_twice_loses_nothing_and_writes_nothing_twice",
                 "test_distributed.py::test_redis_stopped_for_10_seconds_workers_wait_and_go_on",
                 "test_commoncrawl_politeness.py", "test_distributed.py", "test_cron.py", "test_scrapyd.py",
                 "test_commoncrawl.py", "test_commoncrawl_distributed.py", "test_report.py", "test_render.py",
                 "test_incremental.py", "test_ledger_crawl.py", "test_resume.py", "test_render_fallback.py",
                 "test_warc_reextract.py", "test_e2e.py", "test_savefixture.py", "test_hostile_transport.py",
                 "test_export_incremental.py", "test_warc_record.py", "test_browser_isolation.py",
                 "test_exit_codes.py", "test_hostile_text.py", "test_agreement.py", "test_drift.py",
                 "test_warc_crash.py", "test_lock.py", "test_progress.py", "test_export.py", "test_hostile_feeds.py",
                 "test_warc_damage.py", "test_warc_rendered.py", "test_forkserver.py")


def start_rank(item) -> int:
    name = f"{item.path.name}::{item.originalname}"
    return next((n for n, entry in enumerate(LONGEST_FIRST) if entry in (item.path.name, name)), len(LONGEST_FIRST))


def pytest_collection_modifyitems(config, items):
    items.sort(key=start_rank)  # stable: tests of one rank keep their order
    name_xdist_groups(config, items)


def name_xdist_groups(config, items) -> None:
    """`--dist loadgroup` sends the tests of one xdist_group to one worker by a "@<group>" suffix of their nodeid,
    which pytest-xdist 3.8 writes to item._nodeid; pytest 9.2 reads the nodeid from item._id instead, so the
    suffix was lost and a group's tests (and its module fixture) were spread over every worker. Write it there."""
    try:
        from _pytest.nodeid import NodeId  # pytest >= 9.2
    except ImportError:  # an older pytest reads item._nodeid: xdist's own suffix works
        return
    if not getattr(config.option, "loadgroup", False):
        return
    for item in items:
        groups = sorted({str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                         for mark in item.iter_markers("xdist_group")})
        if groups and not item.nodeid.endswith("@" + "_".join(groups)):
            item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(groups)}")
