"""Hostile transport (#9 items 4-6): pages cut short, gzip bombs and Retry-After values, through a real HTTP
server on 127.0.0.1 (testing/local_site.py) and real crawls."""

import json
import math
import sys

from hypothesis import given, settings, strategies as st

from newscrawl.downloader.backoff import retry_after_seconds
from newscrawl.state.sqlite import StateStore
from testing.files import peak_rss_of
from testing.local_site import HOSTILE_RETRY_AFTER, FaultSite, gzip_bomb
from tests.conftest import ROOT, run_crawl

GOOD = "/news/1918062/fed-keeps-rates-steady"
OTHER = "/news/1918168/greenpeace-warns-of-potential-disaster-after-oil-spill-off-uae"


def local_crawl(site: FaultSite, out, *paths: str, **settings):
    urls = ",".join(f"https://www.dawn.com{p}" for p in paths)
    return run_crawl(out, "-a", f"urls={urls}", mirror=None, timeout=120, settings={
        **site.local_site_settings(),
        "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": 0, "NEWSCRAWL_RETRY_AFTER_MAX": 1, "NEWSCRAWL_RENDER": 0,
        **settings})


def expected_body(article_id: int) -> str:
    expected = json.loads((ROOT / f"fixtures/expected/{article_id}.json").read_text(encoding="utf-8"))
    return "\n\n".join(expected["article"]["body_paragraphs"])


# ---- Retry-After -----------------------------------------------------------------------------------------
def test_hostile_retry_after_values_give_no_exception():
    for value in HOSTILE_RETRY_AFTER:
        assert retry_after_seconds(value) is None, value
    assert retry_after_seconds("120") == 120.0


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_retry_after_value_is_a_finite_pause_or_none(value):
    seconds = retry_after_seconds(value, now=0.0)
    assert seconds is None or (math.isfinite(seconds) and seconds >= 0)


# ---- truncation ------------------------------------------------------------------------------------------
def test_a_page_cut_short_is_retried_and_written_whole(tmp_path):
    with FaultSite(truncate_first={GOOD: 2}) as site:
        result = local_crawl(site, tmp_path / "out", GOOD)
    assert site.answers[GOOD] == ["truncate", "truncate", "whole"]
    assert [a["article_id"] for a in result.articles] == [1918062]
    assert result.articles[0]["body"] == expected_body(1918062)
    assert result.stats["newscrawl/truncated/partial_no_document_end"] == 2


def test_a_page_never_served_whole_is_never_written_and_is_tried_again_next_run(tmp_path):
    out = tmp_path / "out"
    with FaultSite(always_truncated={GOOD}) as site:
        result = local_crawl(site, out, GOOD, OTHER, RETRY_TIMES=1)
        assert [a["article_id"] for a in result.articles] == [1918168]
        assert result.stats["newscrawl/dropped/truncated"] == 1
        assert "newscrawl/dropped/missing_body" not in result.stats
        assert site.answers[GOOD] == ["truncate", "truncate"]
    # nothing recorded: the next run's discovery finds it unseen and fetches it at once, whereas a page dropped
    # for its markup (REJECTED) waits NEWSCRAWL_RECHECK_HOURS
    store = StateStore(out / "state.sqlite")
    assert store.article(1918062) is None and store.article(1918168).status == "emitted"


# ---- size limits ---------------------------------------------------------------------------------------
def test_a_gzip_bomb_costs_no_more_than_the_size_limit(tmp_path):
    bomb = gzip_bomb(256 * 1024 * 1024)  # 256 MiB of zeros in a body of some 250 KB
    path = "/news/1999999/bomb"
    extra = {path: (200, {"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"}, bomb)}
    with FaultSite(extra=extra) as site:
        command = [sys.executable, "-m", "scrapy", "crawl", "dawn", "-a", f"urls=https://www.dawn.com{path}",
                   "-s", f"NEWSCRAWL_OUTPUT_DIR={tmp_path}", "-s", f"NEWSCRAWL_STATE={tmp_path / 'state.sqlite'}",
                   "-s", "NEWSCRAWL_SUMMARY=0"]
        command += [x for name, value in site.local_site_settings().items() for x in ("-s", f"{name}={value}")]
        peak_kib = peak_rss_of(command, timeout=120)
    stats = json.loads((tmp_path / "last_crawl.json").read_text())
    assert site.answers[path] == ["whole"]
    assert not (tmp_path / "articles.jsonl").exists() or (tmp_path / "articles.jsonl").read_text() == ""
    assert stats.get("newscrawl/skipped/IgnoreRequest") == 1
    # a crawl of one page takes some 100 MB; the bomb's 256 MiB would show
    assert peak_kib < 200 * 1024, peak_kib


def test_an_unreadable_retry_after_gives_the_default_pause_bounded_by_the_maximum():
    from scrapy.http import Response
    from scrapy.utils.test import get_crawler

    from newscrawl.downloader.backoff import RetryAfterMiddleware

    middleware = RetryAfterMiddleware(get_crawler(settings_dict={"NEWSCRAWL_RETRY_AFTER_DEFAULT": 30,
                                                                 "NEWSCRAWL_RETRY_AFTER_MAX": 600}))
    for value in HOSTILE_RETRY_AFTER:
        for status in (429, 503):
            response = Response("https://www.dawn.com/", status=status, headers={"Retry-After": value.encode("latin-1")})
            assert middleware.wait_seconds(response) == 30, (status, value)
    huge = Response("https://www.dawn.com/", status=503, headers={"Retry-After": "9999999999"})
    assert middleware.wait_seconds(huge) == 600
    assert middleware.wait_seconds(Response("https://www.dawn.com/", status=503)) == 0
