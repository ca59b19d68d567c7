"""What the spider yields for one article page: one page object, teasers before their Article, and no teaser the
deduplicate pipeline let through already."""

from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from newscrawl.extraction import article as article_module
from newscrawl.items import Article, EditorialTeaser
from newscrawl.stats_keys import TEASERS_ALREADY_EMITTED
from pipelines.deduplicate import DeduplicatePipeline
from spiders.dawn import DawnSpider

SITE = Path(__file__).resolve().parent.parent / "fixtures" / "site"


def response_for(article_id: int) -> HtmlResponse:
    url = f"https://www.dawn.com/news/{article_id}"
    body = (SITE / "news" / f"{article_id}.html").read_bytes()
    return HtmlResponse(url=url, body=body, encoding="utf-8", request=Request(url))


@pytest.fixture
def spider() -> DawnSpider:
    crawler = get_crawler(DawnSpider)
    crawler.stats.open_spider()
    return DawnSpider.from_crawler(crawler)


def test_teasers_come_before_their_article(spider):
    items = list(spider.parse(response_for(1532195), follow=False))
    kinds = [type(item) for item in items]
    # the strip-sidebar pipeline relies on this order; then the sidebar's stories, followed (the ledger's "sidebar")
    assert kinds == [EditorialTeaser] * 6 + [Article] + [Request] * 6
    assert [r.url for r in items[7:]] == [f"https://www.dawn.com/news/{t.article_id}" for t in items[:6]]


def test_one_page_object_per_response(spider, monkeypatch):
    made = []
    original = article_module.DawnArticlePage.__init__

    def counting_init(self, *args, **kwargs):
        made.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(article_module.DawnArticlePage, "__init__", counting_init)
    items = list(spider.parse(response_for(1917668), follow=False))
    assert any(isinstance(item, Article) for item in items)
    assert len(made) == 1  # the render decision and the Article share it


def test_teasers_let_through_already_are_not_built_again(spider):
    dedupe = DeduplicatePipeline.from_crawler(spider.crawler)
    first = list(spider.parse(response_for(1917668), follow=False))
    for item in first:
        dedupe.process_item(item)
    # both pages show the same five editorials in their sidebar (fixtures/expected/1917668.json, 1917670.json)
    teaser_ids = {item.article_id for item in first if isinstance(item, EditorialTeaser)}
    assert teaser_ids == {1918045, 1918046, 1918047, 1918049, 1918050}
    second = list(spider.parse(response_for(1917670), follow=False))
    assert [type(item) for item in second] == [Article]
    assert spider.crawler.stats.get_value(TEASERS_ALREADY_EMITTED) == 5


def test_a_parsed_page_is_freed_without_the_garbage_collector(spider):
    """Scrapy's cached Selector and its response refer to each other; the spider cuts that cycle once the page is
    parsed, so a page and its tree go as soon as Scrapy lets go of the response (peak RSS, docs/PERFORMANCE.md)."""
    import gc
    import weakref

    response = response_for(1917668)
    gc.disable()
    try:
        items = list(spider.parse(response, follow=False))
        assert any(isinstance(item, Article) for item in items)
        tree = weakref.ref(response.selector.root)
        gone = weakref.ref(response)
        del response
        assert gone() is None and tree() is None
    finally:
        gc.enable()
