"""The ledger in both state stores (newscrawl/state/ledger_sqlite.py, newscrawl/state/redis_ledger.py): sources,
claimed days, outcomes and their precedence; a state file of the schema before the ledger, migrated in place; the
completeness of a day (newscrawl/state/completeness.py)."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from newscrawl.state.completeness import completeness
from newscrawl.state.sqlite import StateStore
from testing.distributed_run import RedisServer, require_redis

ARTICLE = {"article_id": 1918062, "url": "https://www.dawn.com/news/1918062", "content_hash": "h1",
           "published_at": "2025-06-19T01:30:00+05:00", "updated_at": None, "version": 1}


def clock():
    """Times one second apart, one per call."""
    ticks = iter(range(3600))
    return lambda: f"2026-12-05T10:{(tick := next(ticks)) // 60:02d}:{tick % 60:02d}+00:00"


@pytest.fixture(params=["sqlite", "redis"])
def store(request, tmp_path):
    if request.param == "sqlite":
        store = StateStore(tmp_path / "state.sqlite", now=clock())
        yield store
        store.close()
        return
    require_redis()
    from newscrawl.distributed.mode import FrontierKeys
    from newscrawl.state.redis import RedisStateStore

    server = RedisServer(tmp_path / "redis").start()
    try:
        yield RedisStateStore(server.client(), "w1", FrontierKeys({"NEWSCRAWL_CRAWL_ID": "dawn"}), 30.0, now=clock())
    finally:
        server.stop()


def test_sources_and_the_first_claimed_day_are_kept(store):
    store.note_listed([(1918062, None), (1918063, None)], "listing")
    store.note_listed([(1918062, "2025-06-19")], "sitemap")
    store.note_listed([(1918062, "2025-06-18")], "feed")  # a later claim does not replace the first
    entry = store.ledger_entry(1918062)
    assert set(entry.sources) == {"listing", "sitemap", "feed"}
    assert entry.claimed_day == "2025-06-19" and entry.outcome == "not_tried"
    assert store.ledger_entry(1918063).sources.keys() == {"listing"}
    assert store.ledger_entry(1) is None


def test_a_listing_the_crawl_told_already_is_not_told_again(store, monkeypatch):
    """Every article page lists the same sidebar: the recorder tells the store each (id, day, source) once, and the
    ledger ends as if it had been told every time; a filtered listing (it sets an outcome) is always told."""
    from newscrawl.state.ledger import LedgerRecorder

    told, note_listed = [], store.note_listed
    monkeypatch.setattr(store, "note_listed", lambda links, source, filtered=False: (
        told.extend((link, source) for link in links), note_listed(links, source, filtered)))
    recorder = LedgerRecorder(None, store)
    for _ in range(3):
        recorder.listed([(1918062, None), (1918063, None)], "sidebar", False)
    recorder.listed([(1918062, "2025-06-19")], "sidebar", False)  # a day now: told
    recorder.listed([(1918062, None)], "feed", False)  # another source: told
    recorder.listed([(1918063, None)], "sidebar", True)  # filtered: told, and its outcome set
    recorder.listed([(1918063, None)], "sidebar", True)
    assert told == [((1918062, None), "sidebar"), ((1918063, None), "sidebar"), ((1918062, "2025-06-19"), "sidebar"),
                    ((1918062, None), "feed"), ((1918063, None), "sidebar"), ((1918063, None), "sidebar")]
    first = store.ledger_entry(1918062)
    assert set(first.sources) == {"sidebar", "feed"} and first.claimed_day == "2025-06-19"
    assert store.ledger_entry(1918063).outcome == "filtered"


def test_start_entries_are_told_to_the_ledger_a_chunk_at_a_time():
    """A url_file's pages reach the ledger in chunks (one store transaction each), every id with its own source,
    each chunk before its first request goes on; the requests come out as they went in."""
    from scrapy import Request
    from scrapy.utils.test import get_crawler

    from newscrawl.crawl.outcomes import ARTICLES_LISTED, announced

    told, handed_on = [], []

    def listed(links, source, filtered):
        told.append((len(handed_on), source, [article_id for article_id, _ in links], filtered))

    crawler = get_crawler()
    crawler.signals.connect(listed, signal=ARTICLES_LISTED)
    entries = [("urls" if n % 2 else "warc", Request(f"https://www.dawn.com/news/{1900000 + n}")) for n in range(5)]
    for request in announced(crawler, entries, chunk=2):
        handed_on.append(request)
    assert handed_on == [request for _, request in entries]
    assert told == [(0, "warc", [1900000], False), (0, "urls", [1900001], False),
                    (2, "warc", [1900002], False), (2, "urls", [1900003], False), (4, "warc", [1900004], False)]


def record_written(store, fields: dict) -> None:
    """An emitted Article recorded as the JSON-lines writer records it with each store (pipelines/jsonl_writer.py):
    in batches with SQLite, line by line (with its claim) with Redis."""
    if store.records_in_batches:
        store.record_items([("Article", fields, None)], {})
    else:
        store.record_item("Article", fields, None, None)


def test_written_stays_filtered_hides_nothing_otherwise_the_latest_wins(store):
    store.note_listed([(1918062, "2025-06-19"), (2, None), (3, None)], "listing")
    store.record_outcome(1918062, "failed", "http_500", "500 Internal Server Error")
    assert (store.ledger_entry(1918062).outcome, store.ledger_entry(1918062).reason) == ("failed", "http_500")
    record_written(store, ARTICLE)  # the writer's record: written, in its own transaction
    entry = store.ledger_entry(1918062)
    assert (entry.outcome, entry.version, entry.published_day, entry.reason) == ("written", 1, "2025-06-19", None)
    record_written(store, {**ARTICLE, "version": 2, "content_hash": "h2"})
    store.record_outcome(1918062, "not_found", "http_404")  # a written story later gone stays written
    assert (store.ledger_entry(1918062).outcome, store.ledger_entry(1918062).version) == ("written", 2)
    store.record_outcome(2, "not_found", "http_404")
    store.note_listed([(2, "2025-01-01")], "feed", filtered=True)  # a date range does not hide a fetch's outcome
    assert store.ledger_entry(2).outcome == "not_found"
    store.note_listed([(3, "2025-01-01")], "feed", filtered=True)
    assert (store.ledger_entry(3).outcome, store.ledger_entry(3).reason) == ("filtered", "listed_outside_range")
    store.record_outcome(3, "moved", "herald.dawn.com")
    assert (store.ledger_entry(3).outcome, store.ledger_entry(3).reason) == ("moved", "herald.dawn.com")
    assert sorted(e.article_id for e in store.ledger_entries()) == [2, 3, 1918062]


def test_archive_pages_keep_their_latest_outcome(store):
    url = "https://www.dawn.com/newspaper/editorial/2025-06-18"
    store.note_archive_page(url, "2025-06-18", "crawled")
    store.note_archive_page(url, "2025-06-18", "failed", "http_500")
    [page] = store.archive_pages()
    assert (page.url, page.day, page.outcome, page.reason) == (url, "2025-06-18", "failed", "http_500")


# the schema of state files made before the ledger (newscrawl/state/sqlite.py at d8c1c6d), written out here
OLD_SCHEMA = """
CREATE TABLE articles (article_id INTEGER PRIMARY KEY, status TEXT NOT NULL, content_hash TEXT, published_at TEXT,
    updated_at TEXT, version INTEGER NOT NULL DEFAULT 0, discovered_modified TEXT, first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL);
CREATE TABLE teasers (article_id INTEGER PRIMARY KEY, date TEXT, updated INTEGER NOT NULL, first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL);
CREATE TABLE outputs (path TEXT PRIMARY KEY, offset INTEGER NOT NULL);
INSERT INTO articles VALUES (1918062, 'emitted', 'h', '2025-06-19T01:30:00+05:00', NULL, 3, NULL,
    '2025-06-19T00:00:00+00:00', '2025-06-20T00:00:00+00:00');
INSERT INTO articles VALUES (1918999, 'missing', NULL, NULL, NULL, 0, NULL, '2025-06-19T00:00:00+00:00',
    '2025-06-19T00:00:00+00:00');
INSERT INTO articles VALUES (1918998, 'rejected', NULL, NULL, NULL, 0, NULL, '2025-06-19T00:00:00+00:00',
    '2025-06-19T00:00:00+00:00');
INSERT INTO outputs VALUES ('/srv/out/articles.jsonl', 1234);
"""


def test_a_state_file_made_before_the_ledger_is_migrated_in_place(tmp_path):
    path = tmp_path / "state.sqlite"
    with sqlite3.connect(path) as db:
        db.executescript(OLD_SCHEMA)
    store = StateStore(path)
    assert store.emitted_article_ids() == {1918062} and store.output_offset("/srv/out/articles.jsonl") == 1234
    found = {e.article_id: (e.outcome, e.version, e.published_day, list(e.sources)) for e in store.ledger_entries()}
    assert found == {1918062: ("written", 3, "2025-06-19", ["earlier_crawl"]),
                     1918999: ("not_found", 0, None, ["earlier_crawl"]),
                     1918998: ("dropped", 0, None, ["earlier_crawl"])}
    store.close()
    reopened = StateStore(path)  # migrated once: opening again adds nothing and loses nothing
    assert len(reopened.ledger_entries()) == 3
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 1
    reopened.close()


def test_a_day_is_incomplete_when_its_archive_failed_or_an_id_is_left_to_fetch(store):
    store.note_listed([(1, "2025-06-18"), (2, "2025-06-18"), (3, "2025-06-19"), (4, "2025-06-19")], "archive")
    store.note_listed([(5, "2025-06-19"), (6, None)], "sitemap")
    store.record_outcome(1, "not_found", "http_404")
    store.record_outcome(2, "moved", "herald.dawn.com")
    record_written(store, {**ARTICLE, "article_id": 3})
    store.record_outcome(4, "failed", "http_503")
    store.record_outcome(5, "dropped", "missing_body")
    archive = "https://www.dawn.com/newspaper/editorial/"
    store.note_archive_page(archive + "2025-06-18", "2025-06-18", "crawled")
    store.note_archive_page(archive + "2025-06-19", "2025-06-19", "failed", "http_500")
    figures = completeness(store.ledger_entries(), store.archive_pages(), ["newspaper/editorial"],
                           date(2025, 6, 17), date(2025, 6, 19))
    day17, day18, day19 = figures["days"]
    assert day17 == {"day": "2025-06-17", "known": 0, "written": 0, "moved": 0, "missing": {}, "complete": False,
                     "incomplete_because": ["date archive not crawled (1 archive page(s) of the day never asked)"],
                     "archive_pages_asked": 0}
    # a gone story is missing, a moved one is not; neither leaves the day incomplete
    assert day18 == {"day": "2025-06-18", "known": 2, "written": 0, "moved": 1, "missing": {"not_found": 1},
                     "complete": True, "incomplete_because": [], "archive_pages_asked": 1}
    assert day19["known"] == 3 and day19["written"] == 1 and not day19["complete"]
    assert day19["missing"] == {"dropped/missing_body": 1, "failed/http_503": 1}
    assert day19["incomplete_because"] == [
        "archive page failed: https://www.dawn.com/newspaper/editorial/2025-06-19 (http_500)",
        "1 article(s) failed (retries exhausted)"]
    assert figures["articles"]["known"] == 5 and figures["articles"]["undated"] == 0  # id 6 has no day in range
    assert completeness(store.ledger_entries(), [], [])["articles"]["undated"] == 1


def box(article_id: int, label: str, stamp: str) -> str:
    return (f"<article class='story'><h2 class='story__title'><a class='story__link' "
            f"href='https://www.dawn.com/news/{article_id}/x'>Story {article_id}</a></h2><span class='story__time'>"
            f"<span class='timestamp--label'>{label}</span> <span class='timestamp--time' title='{stamp}'>"
            f"<span class='timestamp__calendar'>x</span></span></span></article>")


def test_a_listings_published_time_is_the_day_it_claims_in_pakistan_time():
    from parsel import Selector

    from newscrawl.extraction import listing_links

    html = ("<html><body>" + box(1918001, "Published", "2025-06-19T02:00:00+05:00")
            + box(1918002, "Updated", "2025-06-19T10:00:00+05:00") + "<a href='/news/1918003'>no box</a></body></html>")
    links = {link.article_id: link for link in listing_links(Selector(html), "https://www.dawn.com/latest-news")}
    # 02:00 in Karachi on the 19th is 21:00 UTC on the 18th: the day is Karachi's, as Dawn's archives date it
    assert (links[1918001].listed_day, links[1918001].published) == (date(2025, 6, 19), None)
    assert links[1918002].listed_day is None and links[1918002].modified == "2025-06-19T10:00:00+05:00"
    assert links[1918003].listed_day is None
