"""JavaScript pages (newscrawl/crawl/render_policy.py, newscrawl/downloader/browser.py): which pages are rendered, and real renders in Chromium.

The decision and the routing rules are tested without a browser. The crawls marked `browser` render the
fixture pages that need JavaScript in Debian's Chromium, offline: the browser's requests for www.dawn.com are
answered from the mirror and every other request is blocked.
"""

import json
import re

import pytest
from parsel import Selector

from newscrawl.downloader.browser import BrowserRouter
from newscrawl.fixture_library import article_mismatches
from newscrawl.crawl.render_policy import render_reasons
from spiders.dawn import page_kind
from testing.chromium import BROWSER_CRAWL_TIMEOUT, require_chromium
from tests.conftest import EXPECTED, SITE, documented_hash, write_mirror

JS_EXPECTED = {}
for _path in sorted(EXPECTED.glob("*.json")):
    if _path.stem.isdigit():
        _data = json.loads(_path.read_text(encoding="utf-8"))
        if _data["fixture"].get("needs_render"):
            JS_EXPECTED[int(_path.stem)] = _data
JS_URLS = [data["fixture"]["url"] for data in JS_EXPECTED.values()]
STATIC_URL = "https://www.dawn.com/news/1918062/fed-keeps-rates-steady"


def html_pages():
    """(url, file) of every HTML page of the offline site, each file once."""
    seen, pages = set(), []
    for line in (SITE / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        if entry["file"].endswith(".html") and entry["file"] not in seen:
            seen.add(entry["file"])
            pages.append((entry["url"], entry["file"]))
    return pages


def want_article(expected: dict) -> dict:
    want = dict(expected["article"])
    want["body"] = "\n\n".join(want.pop("body_paragraphs"))
    return want


# ---- the decision, without a browser ----------------------------------------------------------------------
def test_each_javascript_fixture_needs_the_browser_for_its_own_reason():
    # written by hand from what each page lacks in its raw HTML (fixtures/README.md), not read from its JSON
    wanted = {1918200: ["empty_body"], 1918201: ["live_updates"], 1918202: ["empty_sidebar"]}
    assert sorted(JS_EXPECTED) == sorted(wanted)
    for article_id, data in JS_EXPECTED.items():
        url = data["fixture"]["url"]
        selector = Selector(text=(SITE / data["fixture"]["file"]).read_text(encoding="utf-8"))
        assert render_reasons(selector, url, page_kind(url)) == wanted[article_id], url


def test_only_the_javascript_fixtures_need_rendering():
    wanted = {data["fixture"]["file"]: data["fixture"]["render_reasons"] for data in JS_EXPECTED.values()}
    pages = html_pages()
    assert len(pages) > 40
    for url, file in pages:
        selector = Selector(text=(SITE / file).read_text(encoding="utf-8"))
        assert render_reasons(selector, url, page_kind(url)) == wanted.get(file, []), file


def test_patterns_render_html_pages_only():
    patterns = [re.compile(r"/news/1918062\b")]
    html = (SITE / "news/1918062.html").read_text(encoding="utf-8")
    assert render_reasons(Selector(text=html), STATIC_URL, "article", patterns) == ["pattern"]
    assert render_reasons(Selector(text=html), STATIC_URL, "article") == []
    everything = [re.compile(".*")]
    feed = (SITE / "feeds/home.xml").read_text(encoding="utf-8")
    assert render_reasons(Selector(text=feed, type="xml"), "https://www.dawn.com/feeds/home/", "feed", everything) == []
    assert render_reasons(Selector(text="<html></html>"), "https://www.dawn.com/feeds/sitemap", "sitemap", everything) == []


def test_an_empty_popular_widget_is_not_a_reason():
    # the real shell's div.widget-popular is empty in the raw HTML (DAWN_MARKUP.md); no item needs it
    html = (SITE / "latest-news.html").read_text(encoding="utf-8")
    assert "widget-popular" in html
    assert render_reasons(Selector(text=html), "https://www.dawn.com/latest-news", "listing") == []


class _Mirror:
    def answer(self, url):
        return 200, {"Content-Type": "text/html"}, b"<html></html>"


@pytest.mark.parametrize("url, resource_type, mirrored, live", [
    ("https://www.dawn.com/news/1", "document", "mirror", "live"),
    ("https://www.dawn.com/live/1/entries.json", "fetch", "mirror", "live"),
    ("https://www.dawn.com/_img/logo.png", "image", "block_resource", "block_resource"),
    ("https://www.dawn.com/_fonts/a.woff2", "font", "block_resource", "block_resource"),
    ("https://www.dawn.com/_tts/1.mp3", "media", "block_resource", "block_resource"),
    ("https://i.dawn.com/primary/2025/06/a.jpg", "image", "block_resource", "block_resource"),
    ("https://securepubads.g.doubleclick.net/tag/js/gpt.js", "script", "block_host", "block_host"),
    ("https://images.dawn.com/news/1193556", "document", "block_host", "block_host"),
    ("http://www.dawn.com.evil.example/x.js", "script", "block_host", "block_host"),
])
def test_browser_routes(url, resource_type, mirrored, live):
    assert BrowserRouter(_Mirror(), ["www.dawn.com"], ["image", "font", "media"], None).decide(url, resource_type) == mirrored
    assert BrowserRouter(None, ["www.dawn.com"], ["image", "font", "media"], None).decide(url, resource_type) == live


def test_rendering_off_drops_those_pages_and_starts_no_browser(crawl):
    result = crawl("-a", "urls=" + ",".join(JS_URLS + [STATIC_URL]), settings={"NEWSCRAWL_RENDER": "0"})
    stats = result.stats
    assert stats["finish_reason"] == "finished"
    assert [a["article_id"] for a in result.articles] == [1918062]
    assert stats["newscrawl/dropped/needs_render"] == 3
    for url in JS_URLS:
        assert f"Dropped {url}: needs rendering" in result.log
    assert not [k for k in stats if k.startswith("playwright/")]
    assert "newscrawl/render/pages" not in stats
    assert stats["newscrawl/plain/pages"] == 5  # robots.txt + 4 pages


def test_a_static_crawl_starts_no_browser(crawl):
    result = crawl("-a", f"urls={STATIC_URL}")
    assert [a["article_id"] for a in result.articles] == [1918062]
    assert not [k for k in result.stats if k.startswith(("playwright/", "newscrawl/render/"))]
    assert "scrapy-playwright" not in result.log


# ---- real renders in Chromium ---------------------------------------------------------------------------
# the tests share a module fixture (js_crawl): under pytest-xdist (--dist loadgroup) they run in one process
pytestmark = pytest.mark.xdist_group("render")


@pytest.fixture(scope="module")
def js_crawl(tmp_path_factory):
    require_chromium()
    from testing.crawls import run_crawl
    return run_crawl(tmp_path_factory.mktemp("render"), "-a", "urls=" + ",".join(JS_URLS),
                     timeout=BROWSER_CRAWL_TIMEOUT)


def test_javascript_pages_render_to_their_expected_json(js_crawl):
    assert js_crawl.stats["finish_reason"] == "finished", js_crawl.log[-3000:]
    got = {a["article_id"]: a for a in js_crawl.articles}
    assert sorted(got) == sorted(JS_EXPECTED)
    for article_id, expected in JS_EXPECTED.items():
        want = want_article(expected)
        mismatches = article_mismatches(want, got[article_id])
        assert not mismatches, (article_id, json.dumps(mismatches, indent=1, ensure_ascii=False))
        assert got[article_id]["content_hash"] == documented_hash(want["title"], want["body"])
    # the sidebar the script inserted: the June teasers, each written once
    shown = ("item_type", "url", "article_id", "title", "excerpt", "date", "updated", "section")
    teasers = {t["article_id"]: {k: t[k] for k in shown} for t in js_crawl.teasers}
    assert list(teasers.values()) == [t for t in JS_EXPECTED[1918202]["teasers"]
                                      if t["article_id"] in teasers] and len(teasers) == 5


def test_each_javascript_page_rendered_once_for_its_reason(js_crawl):
    stats = js_crawl.stats
    assert stats["newscrawl/render/pages"] == 3
    assert stats.get("newscrawl/render/failures", 0) == 0
    assert stats["newscrawl/plain/pages"] == 4  # robots.txt and each page, plainly first
    for reason in ("empty_body", "live_updates", "empty_sidebar"):
        assert stats[f"newscrawl/render/needed/{reason}"] == 1
    # each render within NEWSCRAWL_RENDER_TIMEOUT (30 s by default), and the browser time adds up
    assert 0 < stats["newscrawl/render/max_seconds"] <= stats["newscrawl/render/seconds"]
    assert stats["newscrawl/render/max_seconds"] < 30
    assert stats.get("log_count/ERROR", 0) == 0


def test_the_browser_loads_only_the_mirror(js_crawl):
    stats = js_crawl.stats
    # the three documents and the live page's entries.json came from the mirror
    assert stats["newscrawl/render/mirror/hit"] >= 4
    assert "newscrawl/render/live_requests" not in stats  # nothing went to the network
    assert stats["newscrawl/render/blocked/image"] > 0  # the shell's images, the lead image
    assert stats["newscrawl/render/blocked/other_host"] > 0  # ads, analytics of the real shell
    hosts = {k.rsplit("/", 1)[1] for k in stats if k.startswith("newscrawl/requests_by_host/")}
    assert hosts == {"www.dawn.com"}


def test_browser_pages_and_browser_are_closed(js_crawl):
    stats = js_crawl.stats
    assert stats["playwright/page_count"] == stats["playwright/page_count/closed"] == 3
    assert stats["playwright/browser_count"] == 1
    assert "Closing browser" in js_crawl.log


def test_a_pattern_renders_a_static_page(crawl):
    require_chromium()
    result = crawl("-a", f"urls={STATIC_URL}", settings={"NEWSCRAWL_RENDER_PATTERNS": r"/news/1918062\b"},
                   timeout=BROWSER_CRAWL_TIMEOUT)
    assert result.stats["newscrawl/render/needed/pattern"] == 1
    assert result.stats["newscrawl/render/pages"] == 1
    [article] = result.articles
    want = want_article(json.loads((EXPECTED / "1918062.json").read_text(encoding="utf-8")))
    assert not article_mismatches(want, article)


ARTICLE_PAGE = """<!DOCTYPE html><html><head><title>{title} - Pakistan - DAWN.COM</title>
<link rel='canonical' href='https://www.dawn.com/news/{id}' />
<meta property='article:published_time' content='2025-06-19T10:00:00+05:00' />
<script src='https://cdn.thirdparty.example/tracker.js'></script>
<link rel='stylesheet' href='https://fonts.googleapis.com/css?family=Georgia' /></head><body>
<article class='story' data-id='{id}' id='{id}'><div class='story__header'>
<h2 class='story__title'><a class='story__link' href='https://www.dawn.com/news/{id}/x'>{title}</a></h2></div>
<figure class='media'><div class='media__item'><img src='https://i.dawn.com/primary/x{id}.jpg' /></div></figure>
<div class='story__content'>{body}</div>{script}</article></body></html>"""


def test_a_hung_or_failing_render_never_stalls_the_crawl(tmp_path, crawl):
    require_chromium()
    pages = {
        # a script that never returns: navigation never reaches DOMContentLoaded
        "https://www.dawn.com/news/9000001": ARTICLE_PAGE.format(
            id=9000001, title="Hung", body="", script="<script>while (true) {}</script>"),
        # a body that never comes: the wait for it times out
        "https://www.dawn.com/news/9000002": ARTICLE_PAGE.format(
            id=9000002, title="Never filled", body="", script="<script>var nothing = 1;</script>"),
        # filled late, within the wait
        "https://www.dawn.com/news/9000003": ARTICLE_PAGE.format(
            id=9000003, title="Filled late", body="", script=(
                "<script>setTimeout(function () { document.querySelector('.story__content')"
                ".insertAdjacentHTML('beforeend', '<p>Late but here.</p>'); }, 300);</script>")),
        "https://www.dawn.com/news/9000004": ARTICLE_PAGE.format(
            id=9000004, title="Static", body="<p>Plain text.</p>", script=""),
    }
    mirror = write_mirror(tmp_path / "mirror", {u: (200, "text/html; charset=utf-8", b.encode()) for u, b in pages.items()})
    result = crawl("-a", "urls=" + ",".join(pages), mirror=mirror, timeout=BROWSER_CRAWL_TIMEOUT,
                   settings={"NEWSCRAWL_RENDER_TIMEOUT": "6", "NEWSCRAWL_RENDER_WAIT": "2"})
    stats = result.stats
    assert stats["finish_reason"] == "finished", result.log[-3000:]
    assert sorted(a["article_id"] for a in result.articles) == [9000003, 9000004]
    assert [a["body"] for a in result.articles if a["article_id"] == 9000003] == ["Late but here."]
    assert stats["newscrawl/render/pages"] == 1
    assert stats["newscrawl/render/failures"] == 2
    # their plain HTML has no body either: dropped and counted, never skipped silently (issue #21)
    assert stats["newscrawl/render/fallback/plain_html"] == 2
    assert stats["newscrawl/dropped/render_failed"] == 2
    assert "Render failed: https://www.dawn.com/news/9000001" in result.log
    assert "Render failed: https://www.dawn.com/news/9000002" in result.log
    # every page closed, even those of failed renders (by scrapy-playwright, or by newscrawl.downloader.browser when the
    # whole-render bound cancelled it)
    closed = stats.get("playwright/page_count/closed", 0) + stats.get("newscrawl/render/pages_closed_after_failure", 0)
    assert stats["playwright/page_count"] == closed
    assert stats["newscrawl/render/blocked/other_host"] >= 3 and stats["newscrawl/render/blocked/image"] >= 3
    # the hung render was cut at NEWSCRAWL_RENDER_TIMEOUT=6 s (plus the bounded page close), not left to hang
    assert stats["newscrawl/render/max_seconds"] < 6 + 10


def test_the_whole_render_is_bounded_and_its_page_closed(tmp_path, crawl):
    require_chromium()
    url = "https://www.dawn.com/news/9000002"
    mirror = write_mirror(tmp_path / "mirror", {url: (200, "text/html; charset=utf-8", ARTICLE_PAGE.format(
        id=9000002, title="Never filled", body="", script="").encode())})
    # waiting for the body may take 60 s, the whole render only 3: the render is abandoned and its page closed
    result = crawl("-a", f"urls={url}", mirror=mirror, timeout=BROWSER_CRAWL_TIMEOUT,
                   settings={"NEWSCRAWL_RENDER_TIMEOUT": "3", "NEWSCRAWL_RENDER_WAIT": "60"})
    stats = result.stats
    assert stats["finish_reason"] == "finished"
    assert stats["newscrawl/render/failures/TimeoutError"] == 1
    assert stats["newscrawl/render/pages_closed_after_failure"] == 1
    assert "longer than NEWSCRAWL_RENDER_TIMEOUT=3s" in result.log
    assert stats["newscrawl/render/max_seconds"] < 20
