"""The Common Crawl backfill (-a source=commoncrawl, newscrawl/commoncrawl/) against stub servers on 127.0.0.1
that answer as Common Crawl's do (testing/commoncrawl_stub.py), holding WARC files built from the offline site's
pages (testing/commoncrawl_warcs.py: its docstring tells what the stub holds)."""

from __future__ import annotations

import json
from contextlib import closing
import signal
import sqlite3
import subprocess
import time

import pytest

from newscrawl.fixture_library import article_fixtures, article_mismatches
from testing import forked_process
from testing.commoncrawl_stub import CommonCrawlStub
from testing.commoncrawl_warcs import OUT_OF_RANGE, SINCE, UNTIL, expected_ids
from tests.conftest import crawl_command, run_crawl

# its module fixture (one crawl) is built once: the module's tests run in one xdist process
pytestmark = pytest.mark.xdist_group("commoncrawl")

RANGE = ("-a", "source=commoncrawl", "-a", f"since={SINCE}", "-a", f"until={UNTIL}")
EXPECTED = {int(f.expected_path.stem): f for f in article_fixtures(("site",))}
PROVENANCE = ("source", "cc_crawl", "cc_filename", "cc_offset", "cc_length", "cc_captured_at")


def backfill(stub: CommonCrawlStub, out, *args: str, timeout: float = 240, **settings):
    return run_crawl(out, *RANGE, *args, mirror=None, timeout=timeout,
                     settings={**stub.settings(out.parent / f"{out.name}-cc"), "NEWSCRAWL_RENDER": "0", **settings})


def by_id(articles: list[dict]) -> dict[int, dict]:
    return {article["article_id"]: article for article in articles}


def stub_line(stub: CommonCrawlStub, url: str, timestamp: str) -> dict:
    return next(line for crawl in stub.index.crawls.values() for line in crawl.lines
                if line["url"] == url and line["timestamp"] == timestamp)


@pytest.fixture(scope="module")
def first(tmp_path_factory):
    """One uninterrupted backfill of the range, and the stub that served it."""
    with CommonCrawlStub() as stub:
        result = backfill(stub, tmp_path_factory.mktemp("cc") / "out")
        yield stub, result


def test_every_article_of_the_range_once_exact_with_provenance(first):
    stub, result = first
    assert result.returncode == 0, result.log[-3000:]
    articles = by_id(result.articles)
    assert len(articles) == len(result.articles)  # each once
    assert set(articles) == expected_ids()
    for article_id, article in articles.items():
        assert article_mismatches(EXPECTED[article_id].expected_article(), article) == {}, article_id
        assert article["source"] == "commoncrawl"
    # the update: of two captures inside the range the newer, not the older edition nor July's later one
    chosen = articles[1917388]
    line = stub_line(stub, EXPECTED[1917388].url, "20250619100100")
    assert (chosen["cc_crawl"], chosen["cc_filename"], chosen["cc_offset"], chosen["cc_length"]) == (
        "CC-MAIN-2025-26", line["filename"], int(line["offset"]), int(line["length"]))
    assert chosen["cc_captured_at"] == "2025-06-19T10:01:00+00:00"
    # captured only after the range: July's capture
    assert articles[1918210]["cc_crawl"] == "CC-MAIN-2025-30"
    # the newest capture truncated: the older complete one, from the same crawl
    assert articles[1917703]["cc_captured_at"] == "2025-06-18T10:00:00+00:00"


def test_counted_by_reason(first):
    _, result = first
    stats = {k.removeprefix("newscrawl/commoncrawl/"): v for k, v in result.stats.items()}
    assert stats["captures_redirect_301"] == 1
    assert stats["captures_http_404"] == 1
    assert stats["articles_without_200_capture"] == 1  # /news/1999999: a 404 only
    assert stats["captures_not_article"] == 1  # /news/
    assert stats["rejected/truncated"] == 1
    assert stats["crawls_empty"] == 1  # CC-MAIN-2025-28: 404 No Captures
    assert result.stats["newscrawl/dropped/published_outside_range"] == len(OUT_OF_RANGE)
    assert stats["records_fetched"] == len(expected_ids()) + len(OUT_OF_RANGE)


def test_nothing_but_the_stubs_and_only_what_is_needed(first):
    stub, result = first
    # no download went through the download handler (Dawn, robots.txt, a browser): every page came from a record
    assert not [k for k in result.stats if k.startswith("newscrawl/requests_by_host")]
    assert "newscrawl/commoncrawl/not_sent" not in result.stats  # nothing even tried to go to Dawn
    index_paths = [hit.path for hit in stub.index.log]
    assert not [p for p in index_paths if "CC-MAIN-2025-21" in p]  # ended before the range: never asked
    assert index_paths.count("/collinfo.json") == 1
    assert len(index_paths) == len(set(index_paths))  # no page (nor page count) asked twice
    fetched = stub.data.fetched_records()
    assert len(fetched) == len(set(fetched)) == result.stats["newscrawl/commoncrawl/records_fetched"] + 1
    assert all(hit.range for hit in stub.data.log)  # only Range requests, never a whole file


def test_from_archive_over_the_backfills_archive_gives_the_same_articles(first, tmp_path):
    stub, result = first
    before = len(stub.index.log), len(stub.data.log)
    again = run_crawl(tmp_path / "again", "-a", "from_archive=1", "-a", f"since={SINCE}", "-a", f"until={UNTIL}",
                      mirror=None,
                      settings={"NEWSCRAWL_REPLAY": result.output_dir / "warc", "NEWSCRAWL_RENDER": "0"})
    assert again.returncode == 0, again.log[-3000:]
    assert (len(stub.index.log), len(stub.data.log)) == before
    # every record stored answered (the one miss: robots.txt, which a backfill never asked Dawn for)
    assert again.stats["newscrawl/replay/hit"] == len(expected_ids()) + len(OUT_OF_RANGE)
    keep = ("fetched_at", *PROVENANCE)
    got = {i: {k: v for k, v in a.items() if k not in keep} for i, a in by_id(again.articles).items()}
    want = {i: {k: v for k, v in a.items() if k not in keep} for i, a in by_id(result.articles).items()}
    assert got == want
    assert {a["source"] for a in again.articles} == {"live"}  # read from our archive, not from Common Crawl


def test_provenance_is_in_the_warc_record(first):
    _, result = first
    from warcio.archiveiterator import ArchiveIterator

    sources = []
    for path in (result.output_dir / "warc").glob("*.warc.gz"):
        with open(path, "rb") as stream:
            sources += [r.rec_headers.get_header("WARC-Newscrawl-Source") for r in ArchiveIterator(stream)
                        if r.rec_type == "response"]
    assert len(sources) == len(expected_ids()) + len(OUT_OF_RANGE)
    assert all(source.startswith("commoncrawl CC-MAIN-2025-") for source in sources)
    assert json.dumps(sources)  # plain strings


def kill_when(command: list[str], ready, timeout: float = 120) -> None:
    """Start the crawl, SIGKILL it as soon as `ready()` holds."""
    process = forked_process.start(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + timeout
        while not ready():
            assert process.poll() is None, "the crawl ended before it could be killed"
            assert time.monotonic() < deadline, "the crawl never got there"
            time.sleep(0.02)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)


def test_killed_twice_and_restarted_fetches_nothing_twice_and_gives_the_uninterrupted_output(first, tmp_path):
    _, uninterrupted = first
    out = tmp_path / "out"
    with CommonCrawlStub() as stub:
        # slow enough to be killed half-way through the index, then half-way through the records
        slow = {**stub.settings(tmp_path / "cc"), "NEWSCRAWL_RENDER": "0",
                "NEWSCRAWL_CC_INDEX_DELAY": "0.3", "NEWSCRAWL_CC_DATA_DELAY": "0.3"}
        command = crawl_command(out, *RANGE, mirror=None, settings=slow)
        # between two index requests: each answer noted (collinfo.json cached, page counts and pages stored)
        kill_when(command, lambda: 5 <= index_noted(tmp_path / "cc") == len(stub.index.log))
        index_first = len(stub.index.log)
        # between two records (a record whose bytes are on the way when the crawl dies is fetched again: at most
        # one, the fetches of a worker being one at a time)
        kill_when(command, lambda: 12 <= records_noted(tmp_path / "cc") == len(stub.data.fetched_records()))
        assert len(stub.index.log) > index_first  # the second run went on reading the index
        last = run_crawl(out, *RANGE, mirror=None, settings=slow)
        assert last.returncode == 0, last.log[-3000:]
        index_paths = [hit.path for hit in stub.index.log]
        assert len(index_paths) == len(set(index_paths))  # no page of the index read twice (nor collinfo)
        fetched = stub.data.fetched_records()
        assert len(fetched) == len(set(fetched))  # no record fetched twice
        assert len(fetched) == len(first[0].data.fetched_records())  # as many records as uninterrupted
    # the output of the three runs: every article once, as the uninterrupted run wrote it
    assert len(last.articles) == len({a["article_id"] for a in last.articles})
    # (each stub builds its WARC files afresh: record ids, and so offsets and lengths, differ from the first's)
    varying = ("fetched_at", "cc_offset", "cc_length")
    assert without(last.articles, *varying) == without(uninterrupted.articles, *varying)


def rows(directory, table: str) -> int:
    """Rows of a table of the backfill's progress file (0 before it exists)."""
    path = directory / "progress.sqlite"
    if not path.exists():
        return 0
    with closing(sqlite3.connect(path, timeout=5)) as db:
        try:
            return db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        except sqlite3.OperationalError:  # not created yet
            return 0


def records_noted(directory) -> int:
    """Records the backfill has noted in its progress file (stored or rejected)."""
    return rows(directory, "records")


def index_noted(directory) -> int:
    """Index answers the backfill has kept: collinfo.json in its cache, page counts and pages in its progress file."""
    return (directory / "collinfo.json").exists() + rows(directory, "index_pages")


def without(articles: list[dict], *names: str) -> dict[int, dict]:
    return {a["article_id"]: {k: v for k, v in a.items() if k not in names} for a in articles}


def test_a_rerun_of_a_finished_backfill_asks_nothing_and_writes_nothing(first):
    stub, done = first
    before = len(stub.index.log), len(stub.data.log)
    again = backfill(stub, done.output_dir)  # the same output, state store and progress file
    assert again.returncode == 0, again.log[-3000:]
    assert (len(stub.index.log), len(stub.data.log)) == before  # collinfo cached, pages read, records stored
    assert len(again.articles) == len(done.articles)  # no line added
    stats = {k.removeprefix("newscrawl/commoncrawl/"): v for k, v in again.stats.items()}
    assert stats["articles_held_unchanged"] == len(expected_ids())
    # the article published outside the range is not in the store: read again, from the archive, dropped again
    assert stats["records_from_archive"] == len(OUT_OF_RANGE) and "records_fetched" not in stats
