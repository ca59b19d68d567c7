"""The suite's fork server (testing/forkserver.py) runs a crawl as a fresh `python -m scrapy crawl` does: the same
items, stats and exit code; a bad command line is refused the same way; its crawls can be killed and waited for,
and write their logs as they go."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest

from testing import forked_process
from testing.crawls import crawl_command, run_crawl
from testing.files import ROOT
from testing.generated_site import SiteServer

# what changes from one run to the next whatever runs it
VARYING = ("time", "elapsed", "wall_seconds", "memusage", "_per_minute")


def comparable(stats: dict) -> dict:
    return {key: value for key, value in stats.items() if not any(part in key for part in VARYING)}


def by_id(items: list[dict]) -> dict:
    return {item["article_id"]: {k: v for k, v in item.items() if k != "fetched_at"} for item in items}


def both_ways(monkeypatch, tmp_path, *args, **settings):
    forked = run_crawl(tmp_path / "forked", *args, settings=settings)
    monkeypatch.setenv(forked_process.SWITCH, "0")  # undone after the test
    return forked, run_crawl(tmp_path / "fresh", *args, settings=settings)


def test_a_forked_crawl_writes_what_a_fresh_one_writes(monkeypatch, tmp_path):
    forked, fresh = both_ways(monkeypatch, tmp_path, NEWSCRAWL_RENDER="0")  # the offline site's discovery crawl
    assert forked.returncode == fresh.returncode == 0, forked.log[-3000:]
    assert len(forked.articles) >= 5
    for kind in ("articles", "teasers"):
        assert by_id(getattr(forked, kind)) == by_id(getattr(fresh, kind)), kind
    assert comparable(forked.stats) == comparable(fresh.stats)


def test_a_bad_command_line_is_refused_alike(monkeypatch, tmp_path):
    forked, fresh = both_ways(monkeypatch, tmp_path, "-a", "since=yesterday-ish")
    assert forked.returncode == fresh.returncode == 2
    assert [line for line in forked.log.splitlines() if "since" in line] == \
        [line for line in fresh.log.splitlines() if "since" in line] != []


def test_a_forked_crawl_is_killed_waited_for_and_logs_as_it_goes(tmp_path):
    with SiteServer(10, 20.0) as site:  # a crawl that cannot end by itself within the test: 20 s a page
        command = crawl_command(tmp_path / "out", mirror=None, settings={**site.local_site_settings(),
                                                                         "NEWSCRAWL_RENDER": "0"})
        with open(tmp_path / "log", "wb") as log:
            process = forked_process.popen(command, cwd=ROOT, env=dict(os.environ), stdin=subprocess.DEVNULL,
                                           stdout=log, stderr=subprocess.STDOUT)
        killed_and_reaped(process, tmp_path / "log")


def killed_and_reaped(process, log) -> None:
    assert process.poll() is None
    with pytest.raises(subprocess.TimeoutExpired):
        process.wait(timeout=0.5)
    deadline = time.monotonic() + 60
    while b"Spider opened" not in log.read_bytes() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert b"Spider opened" in log.read_bytes(), "the crawl's log was not written as it went"
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=10) == -signal.SIGKILL and process.poll() == -signal.SIGKILL
    with pytest.raises(ProcessLookupError):
        os.kill(process.pid, 0)  # reaped: no zombie left behind


def test_only_scrapy_commands_are_forked(tmp_path):
    with pytest.raises(ValueError, match="python -m scrapy"):
        forked_process.popen(["python", "-c", "pass"], cwd=tmp_path, env={})
