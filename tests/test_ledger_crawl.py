"""The ledger after real crawls of the offline site (fixtures/site): every id any fetched page listed, each with
the right outcome; a dated crawl whose archive page of one day answers 500 on every try shows that day incomplete;
a crawl killed half-way and resumed loses no outcome and writes no article twice."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from newscrawl.state.sqlite import StateStore
from testing.chromium import require_chromium
from tests.conftest import EXPECTED, SITE, read_jsonl, run_crawl
from tests.test_resume import kill_after, resume

# its module fixture (one crawl) is built once: the module's tests run in one xdist process
pytestmark = pytest.mark.xdist_group("ledger_crawl")

# an article link as the pages write it: href, sitemap <loc>, RSS <link>/<guid>; www.dawn.com or relative only
LINKED_ID = re.compile(r"""(?:href=["']|<loc>|<link>|<guid[^>]*>)\s*(?:https?://www\.dawn\.com)?/news/(?:amp/)?(\d+)""")
DATE_ARCHIVE = re.compile(r"/\d{4}-\d{2}-\d{2}$")  # a date archive page, fetched only by a dated crawl


def listed_ids(site: Path, dated: bool = False) -> set[int]:
    """Every article id linked from a page of the site an undated crawl fetches (date archives too if `dated`),
    read with a plain regex, not with the crawler's parsers."""
    ids = set()
    for line in (site / "manifest.jsonl").read_text().splitlines():
        entry = json.loads(line)
        if entry.get("file") and (dated or not DATE_ARCHIVE.search(entry["url"])):
            ids |= {int(i) for i in LINKED_ID.findall((site / entry["file"]).read_text(errors="replace"))}
    return ids


def ledger_of(out: Path) -> dict:
    store = StateStore(out / "state.sqlite")
    try:
        return {entry.article_id: entry for entry in store.ledger_entries()}
    finally:
        store.close()


@pytest.fixture(scope="module")
def site_articles() -> set[int]:
    require_chromium()  # three of the site's article pages need the browser
    return set(json.loads((EXPECTED / "site.json").read_text())["article_ids"])


def test_after_a_crawl_every_listed_id_has_its_outcome(tmp_path, site_articles):
    result = run_crawl(tmp_path / "out")
    assert result.returncode == 0, result.log[-3000:]
    ledger = ledger_of(result.output_dir)
    listed = listed_ids(SITE)
    assert listed <= set(ledger), f"listed but unknown to the ledger: {sorted(listed - set(ledger))}"
    outcomes = Counter(entry.outcome for entry in ledger.values())
    assert {i for i, e in ledger.items() if e.outcome == "written"} == site_articles and len(site_articles) == 37
    assert {i for i, e in ledger.items() if e.outcome == "not_found"} == set(ledger) - site_articles
    assert outcomes["not_tried"] == 0 and 110 <= outcomes["not_found"] <= 130, outcomes  # ~120 unknown stories
    written = {a["article_id"]: a for a in result.articles}
    assert all(ledger[i].version == written[i]["version"] == 1 for i in site_articles)
    assert all(ledger[i].published_day == written[i]["published_at"][:10] for i in site_articles)
    assert {"sitemap", "feed", "listing", "sidebar"} == set().union(*(e.sources for e in ledger.values()))
    # an id only the Opinion sidebar of an article page lists (the real 2020 capture's editorials)
    assert ledger[1880806].sources.keys() == {"sidebar"} and ledger[1880806].claimed_day == "2024-12-26"


def test_an_archive_page_failing_on_every_try_leaves_its_day_incomplete(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    (site / "error.html").write_text("<html><body>Internal Server Error</body></html>")
    broken = "https://www.dawn.com/newspaper/editorial/2025-06-18"
    with (site / "manifest.jsonl").open("a") as manifest:
        manifest.write(json.dumps({"url": broken, "file": "error.html", "status": 500,
                                   "headers": {"Content-Type": "text/html"}}) + "\n")
    result = run_crawl(tmp_path / "out", "-a", "since=2025-06-18", "-a", "until=2025-06-19", mirror=site,
                       settings={"NEWSCRAWL_ARCHIVES": "newspaper/editorial", "NEWSCRAWL_SUMMARY": 1,
                                 "NEWSCRAWL_RENDER": 0})
    assert result.stats["downloader/response_status_count/500"] == 4  # asked, then retried 3 times
    days = {day["day"]: day for day in result.stats["newscrawl/completeness"]}
    assert sorted(days) == ["2025-06-18", "2025-06-19"]
    assert days["2025-06-18"]["complete"] is False
    assert days["2025-06-18"]["incomplete_because"] == [f"archive page failed: {broken} (http_500)"]
    assert days["2025-06-19"]["complete"] is True and days["2025-06-19"]["incomplete_because"] == []
    assert days["2025-06-19"]["written"] == sum(a["published_at"][:10] == "2025-06-19" for a in result.articles)
    assert "2025-06-18 INCOMPLETE" in result.log and f"archive page failed: {broken} (http_500)" in result.log


def test_a_crawl_killed_half_way_and_resumed_loses_no_outcome(tmp_path, site_articles):
    out = tmp_path / "out"
    assert 0 < kill_after(out, 12) < 37
    half = ledger_of(out)  # its lines may wait for their batch: the resumed crawl records them (catch_up)
    assert half and Counter(e.outcome for e in half.values())["not_tried"] > 0
    resume(out)
    ledger = ledger_of(out)
    articles = read_jsonl(out / "articles.jsonl")
    assert sorted(a["article_id"] for a in articles) == sorted(site_articles)  # each line once
    assert {i for i, e in ledger.items() if e.outcome == "written"} == site_articles
    assert all(ledger[i].version == 1 for i in site_articles)  # none written twice
    assert listed_ids(SITE) <= set(ledger)
    assert Counter(e.outcome for e in ledger.values())["not_tried"] == 0
    assert {i for i, e in ledger.items() if e.outcome == "not_found"} == set(ledger) - site_articles
    for article_id, entry in half.items():  # what the killed crawl recorded is still there
        assert article_id in ledger and set(entry.sources) <= set(ledger[article_id].sources)


def test_a_story_redirected_to_another_property_is_moved_not_missing(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "robots.txt").write_text("User-agent: *\n")
    (site / "listing.html").write_text('<html><body><a href="https://www.dawn.com/news/1918062/a">a</a>'
                                       '<a href="/news/1918063/b">b</a></body></html>')
    (site / "empty.html").write_text("")
    entries = [("https://www.dawn.com/robots.txt", "robots.txt", 200, {"Content-Type": "text/plain"}),
               ("https://www.dawn.com/latest-news", "listing.html", 200, {"Content-Type": "text/html"}),
               ("https://www.dawn.com/news/1918062/a", "empty.html", 301,
                {"Content-Type": "text/html", "Location": "https://herald.dawn.com/news/1918062"}),
               ("https://www.dawn.com/news/1918063/b", "empty.html", 302,
                {"Content-Type": "text/html", "Location": "https://images.dawn.com/news/1918063/b"})]
    (site / "manifest.jsonl").write_text("".join(json.dumps({"url": u, "file": f, "status": s, "headers": h}) + "\n"
                                                 for u, f, s, h in entries))
    result = run_crawl(tmp_path / "out", mirror=site,
                       settings={"NEWSCRAWL_FEEDS": "", "NEWSCRAWL_LISTINGS": "https://www.dawn.com/latest-news"})
    ledger = ledger_of(result.output_dir)
    assert {i: (e.outcome, e.reason) for i, e in ledger.items()} == {
        1918062: ("moved", "herald.dawn.com"), 1918063: ("moved", "images.dawn.com")}


def test_two_workers_keep_one_ledger_in_redis(tmp_path, site_articles):
    """Distributed mode (NEWSCRAWL_REDIS_URL, a real redis-server): two workers crawl the offline site; the ledger
    in Redis has what one process's has, and newscrawl-report reads it."""
    import subprocess
    import sys

    from tests.conftest import ROOT
    from testing.distributed_run import RedisServer, Workers
    from testing.distributed_run import require_redis

    require_redis()
    server = RedisServer(tmp_path / "redis").start()
    try:
        workers = Workers(server.url, tmp_path / "out", {"NEWSCRAWL_MIRROR": SITE}, 2).start_all()
        assert workers.wait(timeout=240), "the workers did not finish in time"
        report = subprocess.run([sys.executable, "-m", "newscrawl.commands.report", "--json", "-s",
                                 f"NEWSCRAWL_REDIS_URL={server.url}", "-s", f"NEWSCRAWL_OUTPUT_DIR={tmp_path / 'out'}"],
                                cwd=ROOT, capture_output=True, text=True, timeout=120)
    finally:
        server.stop()
    assert report.returncode == 0, report.stderr
    articles = json.loads(report.stdout)["articles"]
    assert articles["written"] == len(site_articles) == 37
    assert articles["by_outcome"].get("not_tried", 0) == 0
    assert articles["known"] == articles["written"] + articles["missing"]["not_found"] >= len(listed_ids(SITE))


def test_an_id_sweep_asks_each_id_and_counts_what_it_was(tmp_path):
    result = run_crawl(tmp_path / "out", "-a", "ids=1918060-1918070", settings={"NEWSCRAWL_RENDER": 0})
    assert result.returncode == 0, result.log[-3000:]
    ledger = ledger_of(result.output_dir)
    on_disk = {int(p.stem) for p in (SITE / "news").glob("*.html")}  # the site's article pages, by file name
    assert sorted(ledger) == list(range(1918060, 1918071)) and all("ids" in e.sources for e in ledger.values())
    assert {i for i, e in ledger.items() if e.outcome == "written"} == on_disk & set(range(1918060, 1918071))
    assert {i for i, e in ledger.items() if e.outcome == "not_found"} == set(range(1918060, 1918071)) - on_disk
    assert result.stats["newscrawl/ledger/not_found"] == len(set(range(1918060, 1918071)) - on_disk) == 6
    assert result.stats["newscrawl/written/Article"] == 5


@pytest.mark.parametrize("value, message", [("1918070-1918060", "FROM must not be above TO"), ("12", "FROM-TO"),
                                            ("0-5", "between 1 and"), ("1-200000", "at most 100,000")])
def test_a_bad_id_range_is_one_line(value, message):
    from newscrawl.crawl.arguments import BadArgument, parse_arguments

    with pytest.raises(BadArgument, match=message):
        parse_arguments({"ids": value}, today=None)
