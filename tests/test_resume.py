"""A real `scrapy crawl` with JOBDIR, killed with SIGKILL at several points and started again, ends with every
item written exactly once, no partial line, and the state store agreeing with the JSON-lines files."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newscrawl.state.sqlite import StateStore
from testing import forked_process
from testing.chromium import require_chromium
from tests.conftest import EXPECTED, SITE

# slow enough to be killed part-way even on a loaded machine (~170 requests: about 9 s a crawl); -s on the
# command line overrides the mirror's speed-up
SLOW = {"DOWNLOAD_DELAY": "0.05", "CONCURRENT_REQUESTS": "1"}
STEP_TIMEOUT = 60


@pytest.fixture(scope="module")
def expected():
    """The article and teaser ids of the whole offline site, as fixtures/expected/site.json lists them (counted by
    hand from the site); its JavaScript pages need the browser."""
    require_chromium()
    site = json.loads((EXPECTED / "site.json").read_text())
    return sorted(site["article_ids"]), sorted(site["teaser_ids"])


def start_crawl(out: Path, settings: dict):
    command = [sys.executable, "-m", "scrapy", "crawl", "dawn", "-s", f"NEWSCRAWL_MIRROR={SITE}",
               "-s", f"NEWSCRAWL_OUTPUT_DIR={out}", "-s", f"NEWSCRAWL_STATE={out / 'state.sqlite'}",
               "-s", f"JOBDIR={out / 'job'}", "-s", "NEWSCRAWL_SUMMARY=0", "-s", "LOG_LEVEL=WARNING"]
    for name, value in settings.items():
        command += ["-s", f"{name}={value}"]
    return forked_process.start(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def kill_after(out: Path, article_lines: int) -> int:
    """Start a slowed crawl, SIGKILL it once articles.jsonl has this many lines (0: as soon as it has started)."""
    crawl = start_crawl(out, SLOW)
    deadline = time.monotonic() + STEP_TIMEOUT
    try:
        while lines(out / "articles.jsonl") < article_lines or not (out / "job").exists():
            assert crawl.poll() is None, "the crawl ended before it could be killed"
            assert time.monotonic() < deadline, "the crawl did not get that far in time"
            time.sleep(0.005)
    finally:
        crawl.send_signal(signal.SIGKILL)
        crawl.wait(timeout=STEP_TIMEOUT)
    return lines(out / "articles.jsonl")


def resume(out: Path) -> None:
    crawl = start_crawl(out, {})
    try:
        assert crawl.wait(timeout=STEP_TIMEOUT) == 0
    finally:
        if crawl.poll() is None:  # timed out: never leave a crawl running after the test
            crawl.kill()
            crawl.wait()
    stats = json.loads((out / "last_crawl.json").read_text())
    assert stats["finish_reason"] == "finished"
    assert stats.get("log_count/ERROR", 0) == 0


def whole_lines(path: Path) -> list[dict]:
    data = path.read_bytes()
    assert not data or data.endswith(b"\n"), f"{path} ends in a partial line"
    return [json.loads(line) for line in data.splitlines()]  # raises on an invalid line


def assert_exactly_once_and_agreeing(out: Path, expected) -> None:
    articles, teasers = whole_lines(out / "articles.jsonl"), whole_lines(out / "editorial_teasers.jsonl")
    assert sorted(a["article_id"] for a in articles) == expected[0]
    assert sorted(t["article_id"] for t in teasers) == expected[1]
    assert all(a["version"] == 1 for a in articles)
    store = StateStore(out / "state.sqlite")
    assert store.emitted_article_ids() == set(expected[0])
    assert store.teaser_ids() == set(expected[1])
    for name in ("articles.jsonl", "editorial_teasers.jsonl"):
        assert store.output_offset(out / name) == (out / name).stat().st_size


def assert_recorded_items_are_in_the_files(out: Path) -> None:
    """Right after a kill: whatever the store holds as emitted is in the files (a line may be there unrecorded)."""
    if not (out / "state.sqlite").exists():
        return
    store = StateStore(out / "state.sqlite")
    for name, recorded in (("articles.jsonl", store.emitted_article_ids()),
                           ("editorial_teasers.jsonl", store.teaser_ids())):
        path = out / name
        data = path.read_bytes() if path.exists() else b""
        whole = data[:data.rfind(b"\n") + 1]
        assert store.output_offset(path) <= len(whole)
        assert recorded <= {json.loads(line)["article_id"] for line in whole.splitlines()}


@pytest.mark.parametrize("share", [0.8])
def test_killed_once_then_resumed(tmp_path, expected, share):
    out = tmp_path / "out"
    killed_at = kill_after(out, max(1, int(len(expected[0]) * share)))
    assert 0 < killed_at < len(expected[0])  # (earlier kill points: the tests below)
    assert_recorded_items_are_in_the_files(out)
    resume(out)
    assert_exactly_once_and_agreeing(out, expected)


def test_killed_at_start_and_again_midway_then_resumed(tmp_path, expected):
    out = tmp_path / "out"
    kill_after(out, 0)
    assert_recorded_items_are_in_the_files(out)
    kill_after(out, lines(out / "articles.jsonl") + len(expected[0]) // 3)
    assert_recorded_items_are_in_the_files(out)
    resume(out)
    assert_exactly_once_and_agreeing(out, expected)


def test_lines_written_but_not_recorded_and_a_torn_line_are_repaired(tmp_path, expected):
    out = tmp_path / "out"
    kill_after(out, len(expected[0]) // 2)
    # the kill fell between the write of the last lines and their commit (at least the last two: the writer records
    # lines in batches, so there may be more), and a third write was cut short
    articles = out / "articles.jsonl"
    data = articles.read_bytes()
    with sqlite3.connect(out / "state.sqlite") as db:
        row = db.execute("SELECT offset FROM outputs WHERE path = ?", (os.path.abspath(articles),)).fetchone()
        offset = min(row[0] if row else 0, len(data) - sum(map(len, data.splitlines(keepends=True)[-2:])))
        unrecorded = data[offset:].splitlines()
        db.execute("INSERT OR REPLACE INTO outputs (path, offset) VALUES (?, ?)", (os.path.abspath(articles), offset))
        db.executemany("DELETE FROM articles WHERE article_id = ?", [(json.loads(u)["article_id"],) for u in unrecorded])
        teasers = out / "editorial_teasers.jsonl"  # its unrecorded lines, as the kill left them
        row = db.execute("SELECT offset FROM outputs WHERE path = ?", (os.path.abspath(teasers),)).fetchone()
        unrecorded_teasers = teasers.read_bytes()[row[0] if row else 0:].splitlines()
    torn = b'{"url": "https://www.dawn.com/news/19'
    articles.write_bytes(data + torn)
    resume(out)
    assert_exactly_once_and_agreeing(out, expected)
    stats = json.loads((out / "last_crawl.json").read_text())
    assert len(unrecorded) >= 2
    assert stats["newscrawl/output/lines_recovered"] == len(unrecorded) + len(unrecorded_teasers)
    assert stats["newscrawl/output/torn_bytes_removed"] == len(torn)
