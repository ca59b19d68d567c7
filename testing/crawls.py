"""A real `scrapy crawl` in a subprocess, as a user runs it: the real settings, spider, middlewares and pipelines,
and a fresh reactor each time. Results are read from what the crawl wrote, and its exit code
(newscrawl/commands/scrapy_commands/crawl.py gives newscrawl-cron's codes). Used by tests/ (conftest's `crawl` fixture) and bench/.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from testing import forked_process
from testing.files import ROOT, SITE, read_jsonl

CRAWL_TIMEOUT = 300  # seconds; a crawl of the offline site takes a few
# Settings every test crawl starts from. No article worker process (NEWSCRAWL_EXTRACT_PROCESSES "auto" starts one
# for an offline crawl on 2+ cores): its start and the items' trip back cost 0.3-1 CPU-s a crawl, which a suite of
# 250 crawls on two cores pays in wall time. The tests about it ask for it: the shared offline-site crawl
# (tests/conftest.py) runs with the defaults, tests/test_article_reader.py with and without. Distributed workers
# (testing/distributed_run.py) start from these too.
TEST_CRAWL_DEFAULTS = {"NEWSCRAWL_EXTRACT_PROCESSES": "0"}


@dataclass
class CrawlResult:
    articles: list[dict]
    teasers: list[dict]
    stats: dict
    log: str
    output_dir: Path
    returncode: int


def crawl_command(output_dir: Path, *args: str, mirror: Path | str | None = SITE, settings: dict | None = None,
                  spider: str = "dawn") -> list[str]:
    """The `scrapy crawl` command line of run_crawl (for a test that runs it itself: to kill it, say)."""
    command = [sys.executable, "-m", "scrapy", "crawl", spider, "-s", f"NEWSCRAWL_OUTPUT_DIR={output_dir}",
               "-s", "NEWSCRAWL_SUMMARY=0", "-s", "TELNETCONSOLE_ENABLED=0", "-s", "LOG_LEVEL=INFO"]
    # each output directory has its own state store, so a crawl into a fresh directory is a first run
    command += ["-s", f"NEWSCRAWL_STATE={output_dir / 'state.sqlite'}"]
    if mirror is not None:
        command += ["-s", f"NEWSCRAWL_MIRROR={mirror}"]
    for name, value in {**TEST_CRAWL_DEFAULTS, **(settings or {})}.items():
        command += ["-s", f"{name}={value}"]
    return command + list(args)


def run_crawl(output_dir: Path, *args: str, mirror: Path | str | None = SITE, settings: dict | None = None,
              spider: str = "dawn", timeout: float = CRAWL_TIMEOUT) -> CrawlResult:
    command = crawl_command(output_dir, *args, mirror=mirror, settings=settings, spider=spider)
    # forked from a process that has imported Scrapy already when tests ask (testing/forkserver.py)
    done = forked_process.run_scrapy(command, cwd=ROOT, timeout=timeout)
    return crawl_result(output_dir, done.stderr, done.returncode)


def crawl_result(output_dir: Path, log: str, returncode: int) -> CrawlResult:
    """What a crawl into output_dir left: its items, its last_crawl.json stats."""
    stats_path = output_dir / "last_crawl.json"
    stats = json.loads(stats_path.read_text()) if stats_path.exists() else {}
    return CrawlResult(read_jsonl(output_dir / "articles.jsonl"), read_jsonl(output_dir / "editorial_teasers.jsonl"),
                       stats, log, output_dir, returncode)
