"""Pages that are not one plain story (issue #21), one small page per case, and the same classes on the real
captures: bodies split over several containers, navigation lines, AMP URLs and copies, live pages whose server
sent their entries (times in another offset: tests/test_page_times.py). The fixture pages of each class are in tests/test_variants.py."""

import re

import pytest
from parsel import Selector

from newscrawl.archive.index import Capture, CaptureIndex
from newscrawl.crawl.render_policy import render_reasons
from newscrawl.extraction import ParsedArticlePage, listing_links, parse_article
from newscrawl.extraction.navigation import navigation_blocks
from newscrawl.fixture_library import FIXTURES
from newscrawl.urls import is_amp_url, request_url

# the real captures' copies in the repository (fixtures/README.md, fixtures/seed/README.md)
REAL_LISTINGS = {"latest_news.html": FIXTURES / "site" / "latest-news.html",
                 "hello.html": FIXTURES / "site" / "latest-news-2025-06-19.html"}
REAL_FEED = FIXTURES / "seed" / "feeds" / "rss-feeds-multimedia-20260704.excerpt.xml"
REAL_HEADS = FIXTURES / "seed" / "heads"
URL = "https://www.dawn.com/news/1990100/a-story"
OTHER = "https://www.dawn.com/news/1918168/greenpeace-warns"
OTHER2 = "https://www.dawn.com/news/1918149"


def page_html(body: str, head: str = "", header: str = "") -> str:
    return (f"<html><head><link rel='canonical' href='https://www.dawn.com/news/1990100'>{head}</head><body>"
            f"<article class='story' data-id='1990100'><h2 class='story__title'><a href='{URL}'>A story</a></h2>"
            f"{header}{body}</article></body></html>")


BODY = "<div class='story__content'><p>KARACHI: One.</p></div>"


def parsed(body: str, head: str = "", header: str = "") -> dict:
    return parse_article(Selector(text=page_html(body, head, header)), URL)


# ---- 1. a body in several containers ------------------------------------------------------------------------
@pytest.mark.parametrize("second", ["story__content story__content--continued", "story__content--continued",
                                    "story__content"])
def test_every_body_container_is_read_in_document_order(second):
    body = (f"<div class='story__content'><p>KARACHI: One.</p></div><div class='ad__wrapper__slot'></div>"
            f"<figure class='media'><div class='media__item media__item--twitter'><blockquote class='twitter-tweet'>"
            f"<p>A tweet.</p></blockquote></div></figure>"
            f"<div class='{second}'><p>Two.</p><p>Published in Dawn, June 20th, 2025</p></div>")
    article = parsed(body)
    assert article["body"] == "KARACHI: One.\n\nTwo."
    assert article["print_edition"] == {"publication": "Dawn", "date": "2025-06-20"}


def test_a_body_container_of_another_story_is_not_a_continuation():
    related = ("<div class='story__related'><article class='story'><h4 class='story__title'><a href='{0}'>Other</a>"
               "</h4><div class='story__content'><p>Other story text.</p></div></article></div>").format(OTHER)
    article = parsed(f"<div class='story__content'><p>Own text.</p></div>{related}")
    assert article["body"] == "Own text."


# ---- 2. navigation lines --------------------------------------------------------------------------------------
NAVIGATION_LINES = [
    f"<p><strong>Read more:</strong> <a href='{OTHER}'>Oil spill off UAE</a></p>",
    f"<p>Also read: <a href='{OTHER}'>Oil spill off UAE</a></p>",
    f"<p>READ: <a href='{OTHER}'>Oil spill off UAE</a></p>",
    f"<p><a href='{OTHER}'>Read more: Oil spill off UAE</a></p>",
    f"<h3>See also &mdash; <a href='/news/1918168'>Oil spill off UAE</a></h3>",
    f"<p><a href='{OTHER}'>Also read - Oil spill off UAE</a></p>",
    f"<p><em>Read more:</em><br><a href='{OTHER}'>Oil spill</a><br><a href='{OTHER2}'>Congo fever</a></p>",
]
KEPT_LINES = [
    f"<p>The ministry cited <a href='{OTHER}'>an earlier spill</a> in its notice.</p>",  # a sentence of the story
    "<p>Read more: <a href='https://images.dawn.com/news/1193556/x'>A gallery</a></p>",  # not a www.dawn.com story
    f"<p>Read more: <a href='{OTHER}'>One</a> and <a href='{OTHER2}'>two</a></p>",  # text besides the label
    "<p>Read more about the spill below.</p>",  # a label's words, no link
]


@pytest.mark.parametrize("line", NAVIGATION_LINES)
def test_a_navigation_line_is_left_out_and_reported(line):
    html = page_html(f"<div class='story__content'><p>KARACHI: One.</p>{line}<p>Two.</p></div>")
    article = ParsedArticlePage(Selector(text=html), URL)
    assert article.article_fields()["body"] == "KARACHI: One.\n\nTwo."
    assert article.left_out() == {"navigation": 1}


@pytest.mark.parametrize("line", KEPT_LINES)
def test_a_line_of_the_story_that_links_stays(line):
    html = page_html(f"<div class='story__content'><p>KARACHI: One.</p>{line}</div>")
    article = ParsedArticlePage(Selector(text=html), URL)
    assert len(article.article_fields()["body"].split("\n\n")) == 2
    assert article.left_out() == {}


def test_a_label_and_a_list_of_links_are_left_out():
    body = (f"<div class='story__content'><p>KARACHI: One.</p><p><b>Read more:</b></p><ul><li><a href='{OTHER}'>A</a>"
            f"</li><li><a href='{OTHER2}'>B</a></li></ul><ul><li>A list of the story</li></ul></div>")
    article = ParsedArticlePage(Selector(text=page_html(body)), URL)
    assert article.article_fields()["body"] == "KARACHI: One.\n\nA list of the story"
    assert article.left_out() == {"navigation": 3}


def test_the_navigation_fixture_reports_six_blocks():
    # written from the page: two "Read more:" lines with a link or a list, "Also read:", "READ: ", and two items
    html = (FIXTURES / "variants" / "navigation-lines.html").read_text(encoding="utf-8")
    article = ParsedArticlePage(Selector(text=html), "https://www.dawn.com/news/1990022/navigation-lines")
    assert article.left_out() == {"navigation": 6}


def test_a_real_feed_body_links_a_story_inside_a_sentence_and_keeps_it():
    # realpages/excerpts: the multimedia feed's first item links another story on a word of its first sentence
    feed = REAL_FEED.read_text(encoding="utf-8")
    description = re.search(r"<description>(&lt;p&gt;.*?)\n", feed).group(1)
    body = Selector(text=Selector(text=f"<x>{description}</x>").xpath("string(//x)").get())
    assert body.xpath("//a/@href").get().startswith("https://www.dawn.com/news/2010752/")
    assert navigation_blocks(body.root, 2010818, "https://www.dawn.com/news/2010818") == []


# ---- 4. AMP URLs and copies ------------------------------------------------------------------------------------
@pytest.mark.parametrize("url, wanted", [
    ("https://www.dawn.com/news/amp/1894207", "https://www.dawn.com/news/1894207"),
    ("https://www.dawn.com/news/amp/1894207/a-slug?utm_source=x", "https://www.dawn.com/news/1894207"),
    ("https://www.dawn.com/news/1894207/a-slug", "https://www.dawn.com/news/1894207/a-slug"),
    ("https://images.dawn.com/news/amp/1193556", "https://images.dawn.com/news/amp/1193556"),
    ("https://www.dawn.com/latest-news", "https://www.dawn.com/latest-news"),
])
def test_an_amp_url_is_requested_as_its_canonical_article_url(url, wanted):
    assert request_url(url) == wanted


@pytest.mark.parametrize("excerpt", ["cinxe-article-1874409-head.excerpt.txt", "cinxe-article-1894207-head.excerpt.txt"])
def test_real_article_heads_name_an_amp_copy_that_leads_to_their_canonical_url(excerpt):
    head = (REAL_HEADS / excerpt).read_text(encoding="utf-8")
    amp = re.search(r"rel='amphtml' href='([^']+)'", head).group(1)
    canonical = re.search(r"rel='canonical' href='([^']+)'", head).group(1)
    assert is_amp_url(amp) and request_url(amp) == canonical


@pytest.mark.parametrize("capture", ["latest_news.html", "hello.html"])
def test_real_listings_link_no_amp_copy_and_their_links_are_requested_as_they_are(capture):
    html = REAL_LISTINGS[capture].read_text(encoding="utf-8")
    links = listing_links(Selector(text=html), "https://www.dawn.com/latest-news")
    assert len(links) > 100
    assert not [link.url for link in links if is_amp_url(link.url)]
    assert all(request_url(link.url) == link.url for link in links)


def test_an_archive_answers_an_article_with_its_amp_copy_only_when_it_holds_no_other():
    def capture(url, date):
        return Capture(url, date, "response", 200, None, "a.warc.gz", 0, 1)
    index = CaptureIndex([])
    index.by_key["article:1894207"] = [capture("https://www.dawn.com/news/1894207/a-slug", "2025-06-19T10:00:00Z"),
                                       capture("https://www.dawn.com/news/amp/1894207", "2025-06-19T12:00:00Z")]
    index.by_key["article:1874409"] = [capture("https://www.dawn.com/news/amp/1874409", "2025-06-19T12:00:00Z")]
    assert index.choose("https://www.dawn.com/news/1894207").url == "https://www.dawn.com/news/1894207/a-slug"
    assert index.choose("https://www.dawn.com/news/1874409").url == "https://www.dawn.com/news/amp/1874409"


def test_an_amp_copy_is_marked_and_its_amp_images_read():
    html = ("<html amp><head><link rel='canonical' href='https://www.dawn.com/news/1990100'></head><body>"
            f"<article class='story'><h2 class='story__title'><a href='{URL}'>A story</a></h2><figure class='media'>"
            "<amp-img src='https://i.dawn.com/medium/a.jpg' width='4' height='3'></amp-img><figcaption>Cap.</figcaption>"
            "</figure><div class='story__content'><p>One.</p><amp-ad type='doubleclick'><div placeholder>Ad</div>"
            "</amp-ad></div></article></body></html>")
    article = parse_article(Selector(text=html), "https://www.dawn.com/news/amp/1990100")
    assert (article["url"], article["extractor"], article["body"]) == ("https://www.dawn.com/news/1990100", "amp", "One.")
    assert article["images"] == [{"url": "https://i.dawn.com/medium/a.jpg", "caption": "Cap."}]
    assert parsed(BODY)["extractor"] == "dawn"


# ---- 5. which live page needs the browser ---------------------------------------------------------------------
LIVE = ("<div class='story__content'><p>Intro.</p><div class='live-updates'>{}</div></div>")


@pytest.mark.parametrize("entries, reasons", [
    ("", ["live_updates"]),  # a script adds every entry
    ("<script>load()</script>", ["live_updates"]),
    ("<div class='live-updates__entry live-updates__entry--placeholder'><p>Loading</p></div>", ["live_updates"]),
    ("<div class='skeleton-card'></div><div class='skeleton-card'></div>", ["live_updates"]),
    ("<div class='live-updates__entry'><h3>Begins</h3><p>It began.</p></div>", []),
    ("<article class='live-updates__post'><p>It began.</p></article>", []),  # another entry markup: still text
    ("<div class='update'><p>It began.</p></div>", []),  # entries named nothing this project knows
    ("Loading updates&hellip;", ["live_updates"]),
    ("<span class='spinner'></span><p class='live-updates__placeholder'>Loading...</p>", ["live_updates"]),
])
def test_a_live_page_is_rendered_only_when_its_entries_are_missing(entries, reasons):
    html = page_html(LIVE.format(entries))
    assert render_reasons(Selector(text=html), URL, "article") == reasons


def test_a_live_entrys_heading_is_body_text_and_its_clock_is_not():
    entry = ("<div class='live-updates__entry'><p class='live-updates__time'>04:20pm</p><h3 class='live-updates__title'>"
             "Begins</h3><p><span class='live-updates__timestamp'>04:20pm</span> It began.</p>"
             "<p><time datetime='2025-06-19T16:20:00+05:00'>04:20pm</time></p><p>At <time>4pm</time> it rained.</p>"
             "</div>")
    assert parsed(LIVE.format(entry))["body"] == "Intro.\n\nBegins\n\nIt began.\n\nAt 4pm it rained."


def test_entries_beside_an_empty_live_block_need_no_browser():
    body = ("<div class='story__content'><p>Intro.</p><div class='live-updates'></div><div class='live-updates__list'>"
            "<div class='live-updates__entry'><span class='live-updates__time'>04:20pm</span><p>Begins.</p></div>"
            "</div></div>")
    assert render_reasons(Selector(text=page_html(body)), URL, "article") == []
    clocks_only = body.replace("<p>Begins.</p>", "")
    assert render_reasons(Selector(text=page_html(clocks_only)), URL, "article") == ["live_updates"]


def test_the_server_rendered_live_fixture_needs_no_browser():
    html = (FIXTURES / "variants" / "live-updates-server-rendered.html").read_text(encoding="utf-8")
    assert render_reasons(Selector(text=html), "https://www.dawn.com/news/1990027/by-election-live-updates",
                          "article") == []
