"""Hostile discovery input (#9 item 1): one bad entry is skipped and counted, every other link is followed;
article ids are bounded wherever they are read."""

import re
from collections import Counter

import pytest
from parsel import Selector

from newscrawl.extraction import listing_links, rss_links, sidebar_teasers, sitemap_links
from newscrawl.state.sqlite import StateStore
from newscrawl.urls import ARTICLE_ID_RANGE, article_id_from_url, checked_article_id, BadUrl, web_url_problem
from tests.conftest import SITE

HUGE_ID = "9999999999999999999999999"  # > 2^63: SQLite INTEGER overflows on it


def inject(text: str, after: str, entry: str) -> str:
    """`entry` placed right after the first `after` in a copy of the page: before every good entry."""
    index = text.index(after) + len(after)
    return text[:index] + entry + text[index:]


def test_article_ids_are_bounded():
    assert article_id_from_url("https://www.dawn.com/news/1918168") == 1918168
    assert article_id_from_url(f"https://www.dawn.com/news/{HUGE_ID}") is None
    assert article_id_from_url("https://www.dawn.com/news/" + "7" * 5000) is None
    assert article_id_from_url("https://www.dawn.com/news/0") is None
    assert article_id_from_url("https://www.dawn.com/news/١٢٣٤") is None  # Arabic-Indic digits are no Dawn id
    assert article_id_from_url("http://[oops/news/1") is None
    assert ARTICLE_ID_RANGE.stop - 1 < 2**63
    with pytest.raises(BadUrl) as raised:
        checked_article_id(f"https://www.dawn.com/news/{HUGE_ID}/slug")
    assert raised.value.reason == "article_id_out_of_range"


def test_web_urls_are_checked_for_scheme_host_and_characters():
    assert web_url_problem("https://i.dawn.com/primary/2025/06/x.jpg") is None
    assert web_url_problem("\x05ttps://i.dawn.com/x.jpg") == "scheme"
    assert web_url_problem("https:///x.jpg") == "host"
    assert web_url_problem("https://i.dawn.com/x\x00.jpg") == "characters"
    assert web_url_problem("javascript:alert(1)") == "scheme"


def test_a_bad_pubdate_costs_no_link_of_the_feed():
    feed = (SITE / "feeds/home.xml").read_text(encoding="utf-8")
    clean = rss_links(Selector(text=feed, type="xml"))
    bad = ("<item><link>https://www.dawn.com/news/1000001/x</link>"
           "<pubDate>Thu, 19 Jun 2025 99999999999999999999:00:00 +0500</pubDate></item>"
           f"<item><link>https://www.dawn.com/news/{HUGE_ID}/x</link></item>")
    skipped = Counter()
    links = rss_links(Selector(text=inject(feed, "<channel>", bad), type="xml"), skipped)
    # the entry with the overflowing date keeps its link (the article page says when it was published)
    assert [link.article_id for link in links] == [1000001] + [link.article_id for link in clean]
    assert links[0].published is None
    assert skipped == Counter({"article_id_out_of_range": 1})


def test_a_huge_id_in_the_sitemap_costs_no_other_link():
    sitemap = (SITE / "feeds/sitemap.xml").read_text(encoding="utf-8")
    clean = sitemap_links(Selector(text=sitemap, type="xml"))
    opening = sitemap[sitemap.index("<urlset"):].split(">", 1)[0] + ">"
    skipped = Counter()
    links = sitemap_links(Selector(text=inject(sitemap, opening, f"<url><loc>https://www.dawn.com/news/{HUGE_ID}"
                                                        "</loc></url>"), type="xml"), skipped)
    assert links == clean and len(clean) > 5
    assert skipped == Counter({"article_id_out_of_range": 1})


def test_a_malformed_href_costs_no_other_link_of_a_listing():
    page = (SITE / "latest-news.html").read_text(encoding="utf-8")
    url = "https://www.dawn.com/latest-news"
    clean = listing_links(Selector(text=page), url)
    bad = ('<article class="story"><h2 class="story__title"><a href="http://[oops/">x</a></h2></article>'
           f'<a href="/news/{"1" * 3000}/x">long</a>')
    skipped = Counter()
    links = listing_links(Selector(text=inject(page, "<body", ">" + bad).replace("<body>>", "<body>")), url, skipped)
    assert [link.article_id for link in links] == [link.article_id for link in clean] and len(clean) > 50
    assert skipped == Counter({"bad_url": 1, "article_id_out_of_range": 1})


def test_a_malformed_teaser_link_costs_no_other_teaser():
    page = (SITE / "news/1918062.html").read_text(encoding="utf-8")
    url = "https://www.dawn.com/news/1918062/fed-keeps-rates-steady"
    clean = sidebar_teasers(Selector(text=page), url)
    assert len(clean) >= 2
    # the first teaser's links made malformed: that teaser goes, the others stay
    first = re.compile(rf'https://www\.dawn\.com/news/{clean[0]["article_id"]}[^\'"]*')
    broken = first.sub("http://[oops/", page)
    skipped = Counter()
    teasers = sidebar_teasers(Selector(text=broken), url, skipped)
    assert [t["article_id"] for t in teasers] == [t["article_id"] for t in clean[1:]]
    assert set(skipped) == {"bad_url"} and skipped["bad_url"] >= 1


def test_the_state_store_refuses_no_line_for_an_id_it_cannot_hold(tmp_path):
    output = tmp_path / "articles.jsonl"
    output.write_text(f'{{"article_id": {HUGE_ID}}}\n{{"article_id": 1918168, "version": 1}}\n', encoding="utf-8")
    store = StateStore(tmp_path / "state.sqlite")
    assert store.catch_up(output, "Article") == 1
    assert store.article(1918168) is not None
