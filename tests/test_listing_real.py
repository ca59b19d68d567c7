"""The two real /latest-news captures: article links found equal the ids counted by hand (grep) from the page."""

import pytest
from parsel import Selector

from newscrawl.extraction import listing_links, listing_teasers
from tests.conftest import EXPECTED, SITE

CAPTURES = [("latest-news.html", "latest_news_ids.txt", "https://www.dawn.com/latest-news"),
            ("latest-news-2025-06-19.html", "hello_ids.txt", "https://www.dawn.com/latest-news/2025-06-19")]


@pytest.mark.parametrize("page, ids_file, url", CAPTURES)
def test_real_listing_article_ids(page, ids_file, url):
    selector = Selector(text=(SITE / page).read_text(encoding="utf-8"))
    expected = {int(line) for line in (EXPECTED / ids_file).read_text().split()}
    links = listing_links(selector, url)
    assert {link.article_id for link in links} == expected
    assert len(links) == len(expected) == 142  # each id once
    assert all(link.url.startswith("https://www.dawn.com/news/") and "?" not in link.url for link in links)


def test_slideshow_data_id_trap_takes_the_id_from_the_href():
    selector = Selector(text=(SITE / "latest-news.html").read_text(encoding="utf-8"))
    ids = {link.article_id for link in listing_links(selector, "https://www.dawn.com/latest-news")}
    assert 1918051 in ids and 1918080 not in ids  # data-id='1918080' wraps a link to /news/1918051


def test_latest_news_is_not_an_editorial_listing():
    selector = Selector(text=(SITE / "latest-news.html").read_text(encoding="utf-8"))
    assert listing_teasers(selector, "https://www.dawn.com/latest-news") == []
