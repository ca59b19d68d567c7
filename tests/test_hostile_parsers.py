"""Hostile pages (#9 item 2 and 7): deep trees, untrusted JSON-LD, garbled text and URLs; and what the spider
does with an exception a parser still raises."""

import json

import pytest
from parsel import Selector
from scrapy.exceptions import DropItem
from scrapy.http import HtmlResponse, Request, XmlResponse
from scrapy.utils.test import get_crawler

import newscrawl.extraction
from newscrawl.extraction import DawnArticlePage, parse_article
from newscrawl.extraction.html import text_of
from newscrawl.items import MAX_BODY_CHARS, Article, EditorialTeaser
from pipelines.validate import ValidatePipeline
from spiders.dawn import DawnSpider

URL = "https://www.dawn.com/news/1990100/a-story"


def article_page(head: str = "", content: str = "<p>KARACHI: One paragraph.</p>") -> str:
    return (f"<html><head>{head}</head><body><article class='story'><h2 class='story__title'>Title</h2>"
            f"<div class='story__content'>{content}</div></article></body></html>")


def ld(value) -> str:
    return f"<script type='application/ld+json'>{value if isinstance(value, str) else json.dumps(value)}</script>"


def test_a_body_nested_1500_deep_is_read():
    deep = "<div>" * 1500 + "<p>Deep paragraph.</p>" + "</div>" * 1500
    fields = parse_article(Selector(text=article_page(content=deep)), URL)
    assert fields["body"] == "Deep paragraph." and fields["extractor"] == "dawn"
    assert text_of(Selector(text=article_page(content=deep)).root) == "TitleDeep paragraph."


@pytest.mark.parametrize("node, field, want", [
    ({"@type": "NewsArticle", "author": {"name": ["a"]}}, "authors", []),
    ({"@type": "NewsArticle", "author": [{"name": "Ld One"}, 7, None, {"name": {"x": 1}}]}, "authors", ["Ld One"]),
    ({"@type": "NewsArticle", "keywords": 7}, "tags", []),
    ({"@type": "NewsArticle", "keywords": ["K1", 2, {"name": "K3"}, ["x"]]}, "tags", ["K1", "K3"]),
    ({"@type": [{"x": 1}, "NewsArticle"], "headline": ["not", "a", "string"]}, "tags", []),
    ({"@type": "NewsArticle", "image": {"url": 5}}, "images", []),
    ({"@type": "NewsArticle", "image": "\x05ttps://i.dawn.com/x.jpg"}, "images", []),
    ({"@graph": {"not": "a list"}}, "authors", []),
    ([[[["deep"]]]], "authors", []),
])
def test_json_ld_of_any_type_gives_no_value_and_no_exception(node, field, want):
    assert getattr(DawnArticlePage(Selector(text=article_page(head=ld(node))), URL), field)() == want


def test_json_ld_nested_100000_deep_is_ignored():
    head = ld("[" * 100_000 + "]" * 100_000) + ld({"@type": "NewsArticle", "keywords": "K"})
    assert DawnArticlePage(Selector(text=article_page(head=head)), URL).tags() == ["K"]


def test_a_canonical_id_beyond_sqlite_integers_is_no_id():
    head = "<link rel='canonical' href='https://www.dawn.com/news/99999999999999999999999'>"
    assert DawnArticlePage(Selector(text=article_page(head=head)), URL).article_id() == 1990100


def test_a_flipped_byte_in_an_image_url_loses_the_image_not_the_article():
    figures = ("<figure class='media'><img src='\x05ttps://i.dawn.com/a.jpg'></figure>"
               "<figure class='media'><img src='https://i.dawn.com/b.jpg'></figure>")
    html = article_page().replace("</article>", figures + "</article>")
    page = DawnArticlePage(Selector(text=html), URL)
    assert [i["url"] for i in page.images()] == ["https://i.dawn.com/b.jpg"]
    assert page.body() == "KARACHI: One paragraph."


# ---- the Validate pipeline ----------------------------------------------------------------------------
@pytest.fixture
def validate():
    crawler = get_crawler()
    crawler.stats.open_spider()
    return ValidatePipeline.from_crawler(crawler), crawler.stats


def valid_article(**overrides) -> Article:
    fields = dict(url="https://www.dawn.com/news/1", article_id=1, title="Pakistan’s café — “quoted”",
                  published_at="2025-06-19T10:00:00+05:00", body="ISLAMABAD: One.\n\nTwo.")
    return Article(**{**fields, **overrides})


@pytest.mark.parametrize("overrides, reason", [
    (dict(title="Pakistanâ€™s cafÃ© â€” â€œquotedâ€\x9d"), "mojibake"),
    (dict(body="ISLAMABAD: The budget was presented â€” again."), "mojibake"),
    (dict(title="Pakistan\ufffds budget"), "mojibake"),
    (dict(images=[{"url": "\x05ttps://i.dawn.com/x.jpg", "caption": None}]), "bad_url"),
    (dict(url="https:///news/1"), "bad_url"),
    (dict(body="x" * (MAX_BODY_CHARS + 1)), "body_too_long"),
])
def test_validate_drops_garbled_text_bad_urls_and_huge_bodies(validate, overrides, reason):
    pipeline, stats = validate
    assert pipeline.process_item(valid_article()) is not None  # the typographic quotes and accents are fine
    with pytest.raises(DropItem, match=reason):
        pipeline.process_item(valid_article(**overrides))
    assert stats.get_value(f"newscrawl/dropped/{reason}") == 1


def test_validate_checks_teaser_excerpts(validate):
    pipeline, stats = validate
    teaser = EditorialTeaser(url="https://www.dawn.com/news/9", article_id=9, title="Afghan strikes",
                             excerpt="The militaryâ€™s option")
    with pytest.raises(DropItem, match="mojibake"):
        pipeline.process_item(teaser)


# ---- an exception left in a parser -------------------------------------------------------------------
def test_a_parser_exception_is_a_counted_drop_with_the_url(monkeypatch, caplog):
    spider = DawnSpider.from_crawler(get_crawler(DawnSpider))
    spider.crawler.stats.open_spider()

    def broken(self):
        raise ZeroDivisionError("a parser bug")

    monkeypatch.setattr(newscrawl.extraction.ParsedArticlePage, "article_fields", broken)
    response = HtmlResponse(URL, body=article_page().encode(), encoding="utf-8", request=Request(URL))
    assert list(spider.parse(response)) == []
    stats = spider.crawler.stats
    assert stats.get_value("newscrawl/dropped/parser_error") == 1
    assert stats.get_value("newscrawl/parser_errors/ZeroDivisionError") == 1
    assert any(URL in r.getMessage() and "parser_error" in r.getMessage() for r in caplog.records)


def test_skipped_entries_are_counted_by_the_spider():
    spider = DawnSpider.from_crawler(get_crawler(DawnSpider))
    spider.crawler.stats.open_spider()
    feed = ("<rss><channel><item><link>https://www.dawn.com/news/99999999999999999999/x</link></item>"
            "<item><link>https://www.dawn.com/news/1918168/x</link></item></channel></rss>")
    response = XmlResponse("https://www.dawn.com/feeds/home/", body=feed.encode(), encoding="utf-8",
                           request=Request("https://www.dawn.com/feeds/home/"))
    requests = list(spider.parse(response))
    assert [r.url for r in requests] == ["https://www.dawn.com/news/1918168/x"]
    assert spider.crawler.stats.get_value("newscrawl/skipped_entries/article_id_out_of_range") == 1
