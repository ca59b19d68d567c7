"""Feeds in other formats, through whole crawls (#20 class 7): an Atom feed gives its links, days and bodies; a
gzipped sitemap (`application/x-gzip`, a `.xml.gz` child of an index) is read, a gzip bomb sitemap is skipped as
too large; a chain of sitemap indexes stops at NEWSCRAWL_SITEMAP_MAX_DEPTH and an index's children at
NEWSCRAWL_SITEMAP_MAX_CHILDREN, each with a counted skip. The mirror is testing/hostile_feeds_site.py."""

from __future__ import annotations

from collections import Counter

from parsel import Selector

from testing.hostile_feeds_site import (ATOM_IDS, CHAIN_ID, ENTRY_POINTS, GZIP_IDS, ROOT_URL, WIDE_IDS, atom_feed,
                                      hostile_feeds_mirror)

ONLY = {"NEWSCRAWL_LISTINGS": "", "NEWSCRAWL_RENDER": "0"}


def test_atom_entries_give_link_days_and_body():
    from newscrawl.extraction import feed_bodies, feed_links  # here: the crawl tests run on code without them

    selector = Selector(text=atom_feed(ATOM_IDS).decode(), type="xml")
    links = feed_links(selector, Counter())
    assert [(link.article_id, link.url) for link in links] == [
        (ATOM_IDS[0], f"{ROOT_URL}/news/{ATOM_IDS[0]}"), (ATOM_IDS[1], f"{ROOT_URL}/news/{ATOM_IDS[1]}")]
    assert str(links[0].published) == "2025-06-19" and links[0].modified == "2025-06-19T11:30:00+05:00"
    bodies = feed_bodies(selector)
    assert sorted(bodies) == sorted(ATOM_IDS) and all(len(text) > 200 and "<p>" not in text for text in bodies.values())


def test_a_crawl_reads_atom_and_gzipped_sitemaps_and_bounds_sitemap_indexes(crawl, tmp_path):
    mirror = hostile_feeds_mirror(tmp_path / "mirror", chain_length=4)
    result = crawl(mirror=mirror, settings={**ONLY, "NEWSCRAWL_FEEDS": ",".join(ENTRY_POINTS)})
    written = {a["article_id"] for a in result.articles}
    assert written == {*ATOM_IDS, *GZIP_IDS}, result.log[-3000:]
    stats = result.stats
    assert stats["newscrawl/feed_agreement/compared"] == len(ATOM_IDS)  # the Atom content was read as the body
    assert stats["newscrawl/skipped/sitemap_too_large"] == 1  # the bomb, cut at DOWNLOAD_MAXSIZE
    assert "newscrawl/skipped/not_text" not in stats
    # chain/1 -> chain/2 -> chain/3 (depth 2, the default limit) -> chain/4: not followed, counted
    assert stats["newscrawl/skipped_entries/sitemap_too_deep"] == 1 and CHAIN_ID not in written
    assert "NEWSCRAWL_SITEMAP_MAX_DEPTH=2" in result.log


def test_a_crawl_follows_at_most_the_child_sitemaps_allowed(crawl, tmp_path):
    mirror = hostile_feeds_mirror(tmp_path / "mirror")
    result = crawl(mirror=mirror, settings={**ONLY, "NEWSCRAWL_FEEDS": f"{ROOT_URL}/feeds/sitemap-wide",
                                            "NEWSCRAWL_SITEMAP_MAX_CHILDREN": 2})
    assert {a["article_id"] for a in result.articles} == set(WIDE_IDS[:2])
    assert result.stats["newscrawl/skipped_entries/sitemap_limit"] == 1
    deeper = crawl(mirror=mirror, settings={**ONLY, "NEWSCRAWL_FEEDS": f"{ROOT_URL}/feeds/sitemap-chain/1",
                                            "NEWSCRAWL_SITEMAP_MAX_DEPTH": 3})
    assert {a["article_id"] for a in deeper.articles} == {CHAIN_ID}
