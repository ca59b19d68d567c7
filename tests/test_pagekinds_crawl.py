"""Pages that are not one plain story (issue #21), through the real spider and pipelines on a small offline site:
AMP links requested as their canonical article (one request per id) from `-a urls`, url_file, listings and feeds;
an article whose only copy is AMP read and marked; navigation lines counted; a live page whose server sent its
entries emitted without a browser."""

from newscrawl.fixture_library import FIXTURES
from tests.conftest import SITE, write_mirror

HTML = "text/html; charset=utf-8"
OIL = "https://www.dawn.com/news/1918168"  # offline-site articles (fixtures/site)
RETURNING = "https://www.dawn.com/news/1918162"


def site_page(article_id: int) -> bytes:
    return (SITE / "news" / f"{article_id}.html").read_bytes()


def variant(name: str) -> bytes:
    return (FIXTURES / "variants" / f"{name}.html").read_bytes()


def amp(url: str) -> str:
    return url.replace("/news/", "/news/amp/")


def test_amp_urls_given_are_requested_once_as_their_canonical_article(crawl, tmp_path):
    url_file = tmp_path / "urls.txt"
    url_file.write_text(f"{amp(RETURNING)}\n{RETURNING}/returning-relieved-pakistanis\n", encoding="utf-8")
    given = crawl("-a", f"urls={amp(OIL)},{OIL}/greenpeace-warns,{amp(OIL)}/a-slug")
    from_file = crawl("-a", f"url_file={url_file}")
    for result, article_id in ((given, 1918168), (from_file, 1918162)):
        assert [(a["article_id"], a["extractor"]) for a in result.articles] == [(article_id, "dawn")], result.log[-2000:]
        assert result.stats["downloader/request_count"] == 2  # robots.txt and the canonical page: no AMP request
        assert "newscrawl/mirror/miss" not in result.stats  # the offline site holds no AMP page: none was asked for


def test_amp_links_in_listings_and_feeds_lead_to_the_canonical_article(crawl, tmp_path):
    listing = (f"<html><body><div class='tabs'><article class='story'><h2 class='story__title'>"
               f"<a href='{amp(OIL)}'>Oil spill</a></h2></article><a href='{OIL}/greenpeace-warns'>again</a>"
               f"</div></body></html>").encode()
    feed = (f"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title><item><title>Returning</title>"
            f"<link>{amp(RETURNING)}</link><guid>{amp(RETURNING)}</guid>"
            f"<pubDate>Thu, 19 Jun 2025 10:00:00 +0500</pubDate></item></channel></rss>").encode()
    mirror = write_mirror(tmp_path / "mirror", {
        "https://www.dawn.com/test-listing": (200, HTML, listing),
        "https://www.dawn.com/feeds/test/": (200, "application/rss+xml; charset=utf-8", feed),
        OIL: (200, HTML, site_page(1918168)), RETURNING: (200, HTML, site_page(1918162))})
    result = crawl(mirror=mirror, settings={"NEWSCRAWL_LISTINGS": "https://www.dawn.com/test-listing",
                                            "NEWSCRAWL_FEEDS": "https://www.dawn.com/feeds/test/"})
    assert sorted((a["article_id"], a["extractor"]) for a in result.articles) == [(1918162, "dawn"), (1918168, "dawn")]
    # robots.txt, listing, feed, two canonical pages, and no AMP page; plus the stories of their Opinion sidebars
    # (each emitted as a teaser), which a discovery crawl follows too (not in this mirror: 404)
    sidebar_stories = {t["article_id"] for t in result.teasers} - {1918162, 1918168}
    assert result.stats["downloader/request_count"] == 5 + len(sidebar_stories)
    assert result.stats.get("newscrawl/mirror/miss", 0) == len(sidebar_stories)  # no AMP page was asked for


def test_an_article_whose_only_copy_is_amp_is_read_and_marked(crawl, tmp_path):
    # as an archive holding only the AMP copy answers the article's canonical URL (archives are keyed by id)
    url = "https://www.dawn.com/news/1990026"
    mirror = write_mirror(tmp_path / "mirror", {url: (200, HTML, variant("amp-copy"))})
    result = crawl("-a", f"urls={amp(url)}", mirror=mirror)
    [article] = result.articles
    assert (article["url"], article["extractor"]) == (url, "amp")
    assert [image["url"] for image in article["images"]] == ["https://i.dawn.com/medium/2025/06/19081500ab12cd3.jpg",
                                                             "https://i.dawn.com/medium/2025/06/19081500ef45ab6.jpg"]
    assert result.stats["newscrawl/extractor/amp"] == 1


def test_navigation_lines_are_counted_and_a_server_rendered_live_page_needs_no_browser(crawl, tmp_path):
    navigation, live = "https://www.dawn.com/news/1990022", "https://www.dawn.com/news/1990027"
    mirror = write_mirror(tmp_path / "mirror", {navigation: (200, HTML, variant("navigation-lines")),
                                                live: (200, HTML, variant("live-updates-server-rendered"))})
    result = crawl("-a", f"urls={navigation},{live}", mirror=mirror, settings={"NEWSCRAWL_RENDER": "0"})
    stats = result.stats
    assert sorted(a["article_id"] for a in result.articles) == [1990022, 1990027], result.log[-2000:]
    # written from the page: two "Read more:" lines (one with a list of two links), "Also read:", "READ: "
    assert stats["newscrawl/left_out/blocks/navigation"] == 6
    assert stats["newscrawl/left_out/articles/navigation"] == 1
    assert "newscrawl/dropped/needs_render" not in stats
    assert not [k for k in stats if k.startswith("newscrawl/render/needed")]
    [live_article] = [a for a in result.articles if a["article_id"] == 1990027]
    assert "Polling began on time at most stations." in live_article["body"]
