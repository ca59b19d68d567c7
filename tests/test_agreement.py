"""The feed/page body agreement monitor: the arithmetic on a real stats collector, then real crawls of the offline
site, one of them over a copy whose article pages were broken on purpose, which must raise the drift alarm."""

import re
import shutil

import pytest
from lxml import html as lxml_html
from scrapy.utils.test import get_crawler

from newscrawl.monitoring.agreement import FEED_BODIES_SEEN, FeedAgreement
from newscrawl.monitoring.drift import drift_findings
from newscrawl.items import Article
from testing.chromium import BROWSER_CRAWL_TIMEOUT
from tests.conftest import SITE, run_crawl

BODY = " ".join(f"word{i}" for i in range(60))  # 60 words, 57 distinct 4-grams


@pytest.fixture
def monitor():
    crawler = get_crawler(settings_dict={"NEWSCRAWL_FEED_AGREEMENT_MIN_F1": 0.8})
    crawler.stats.open_spider()
    agreement = FeedAgreement.from_crawler(crawler)
    agreement.feed_bodies.limit = agreement.page_bodies.limit = 3  # MAX_PENDING, made small
    return agreement, crawler


def article(article_id: int, body: str) -> Article:
    return Article(url=f"https://www.dawn.com/news/{article_id}", article_id=article_id, body=body)


def test_feed_first_or_article_first_both_compare(monitor):
    agreement, crawler = monitor
    crawler.signals.send_catch_log(FEED_BODIES_SEEN, bodies={1: BODY, 3: "too short to judge"})
    agreement.item_scraped(article(1, BODY))  # feed first
    agreement.item_scraped(article(2, BODY[: len(BODY) // 2]))  # article first, half the body
    crawler.signals.send_catch_log(FEED_BODIES_SEEN, bodies={2: BODY})
    agreement.item_scraped(article(3, "too short to judge"))
    crawler.signals.send_catch_log(FEED_BODIES_SEEN, bodies={1: "another feed lists it again"})  # ignored
    stats = crawler.stats.get_stats()
    assert stats["newscrawl/feed_agreement/compared"] == 2
    assert stats["newscrawl/feed_agreement/min"] < 0.8 < stats["newscrawl/feed_agreement/median"] < 1.0
    assert stats["newscrawl/feed_agreement/below"] == 1 and stats["newscrawl/feed_agreement/below_share"] == 0.5
    assert stats["newscrawl/feed_agreement/not_comparable"] == 1


def test_waiting_copies_are_bounded(monitor):
    agreement, crawler = monitor
    crawler.signals.send_catch_log(FEED_BODIES_SEEN, bodies={i: BODY for i in range(10)})
    assert len(agreement.feed_bodies) == 3 and set(agreement.feed_bodies) == {7, 8, 9}  # the newest stay
    for i in range(20, 30):
        agreement.item_scraped(article(i, BODY))
    assert len(agreement.page_bodies) == 3
    assert crawler.stats.get_value("newscrawl/feed_agreement/evicted") == 7 + 7
    agreement.spider_closed(None, "finished")
    assert crawler.stats.get_value("newscrawl/feed_agreement/feed_only") == 3


def test_disagreement_above_its_share_is_a_drift_finding():
    stats = {"newscrawl/coverage_articles": 40, "newscrawl/feed_agreement/compared": 30,
             "newscrawl/feed_agreement/below_share": 0.1}
    [finding] = drift_findings(stats, {}, 1.0, 10, max_disagreement=0.05)
    assert (finding.field, finding.share) == ("feed_agreement", 0.1)
    assert not drift_findings({**stats, "newscrawl/feed_agreement/below_share": 0.03}, {}, 1.0, 10, max_disagreement=0.05)
    assert not drift_findings({**stats, "newscrawl/feed_agreement/compared": 9}, {}, 1.0, 10, max_disagreement=0.05)  # too few


def feed_ids() -> set[int]:
    """Every article id in the fixture feeds, read from their guids (no slug) with a regular expression."""
    ids = set()
    for feed in (SITE / "feeds").glob("*.xml"):
        ids |= {int(i) for i in re.findall(r"<guid>https://www\.dawn\.com/news/(\d+)</guid>", feed.read_text())}
    return ids


def test_every_article_of_a_feed_is_compared_on_the_offline_site(tmp_path):
    result = run_crawl(tmp_path / "out", timeout=BROWSER_CRAWL_TIMEOUT)
    emitted = {a["article_id"] for a in result.articles}
    in_feeds = feed_ids()
    # 28 in latest-news, 2 more in home (1918045, 1918052), 4 more in the editorial feed
    assert len(in_feeds) == 34 and in_feeds <= emitted
    # the live page's feed item holds only a link to it, as the real feed's live item does: not comparable
    assert result.stats["newscrawl/feed_agreement/not_comparable"] == 1
    assert result.stats["newscrawl/feed_agreement/compared"] == len(in_feeds) - 1
    # the fixture feeds carry the same body blocks as the pages: every extraction agrees
    assert result.stats["newscrawl/feed_agreement/min"] == 1.0
    assert result.stats["newscrawl/feed_agreement/below"] == 0
    assert "newscrawl/feed_agreement/feed_only" not in result.stats
    assert not result.stats.get("newscrawl/unhealthy")


BROKEN_IDS = (1918124, 1918140, 1918168)  # news stories of three and more paragraphs, in the feeds


def break_body(page) -> None:
    """Keep only the first paragraph of the story body: what a selector that stops too early would extract."""
    doc = lxml_html.fromstring(page.read_bytes())
    [content] = doc.xpath("//*[contains(concat(' ', normalize-space(@class), ' '), ' story__content ')]")
    for paragraph in content.xpath(".//p")[1:]:
        paragraph.drop_tree()
    page.write_bytes(lxml_html.tostring(doc, encoding="utf-8", doctype="<!DOCTYPE html>"))


def test_broken_page_bodies_raise_the_drift_alarm(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    for article_id in BROKEN_IDS:
        break_body(site / "news" / f"{article_id}.html")
    result = run_crawl(tmp_path / "out", mirror=site, timeout=BROWSER_CRAWL_TIMEOUT)
    stats = result.stats
    assert stats["newscrawl/feed_agreement/below"] == len(BROKEN_IDS)
    assert stats["newscrawl/feed_agreement/below_share"] > 0.05  # NEWSCRAWL_DRIFT_MAX_FEED_DISAGREEMENT
    assert stats["newscrawl/unhealthy"] is True
    # the only alarm is this one: the broken bodies are not empty, and came from Dawn's selectors
    assert [k for k in stats if k.startswith("newscrawl/drift/")] == ["newscrawl/drift/feed_agreement"]
    assert re.search(r"ERROR: Extraction drift: .* disagree with the feed's copy of their body", result.log)
    for article_id in BROKEN_IDS:
        assert re.search(rf"WARNING: Body of https://www\.dawn\.com/news/{article_id} agrees with its feed copy at F1 0\.\d\d",
                         result.log)
