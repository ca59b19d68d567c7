"""Scheduled reruns over the offline site: only what is new or changed is fetched and emitted.

Three crawls share one output directory and state store: a first run, a rerun over the unchanged site, and a rerun
over a copy of the site in which three articles were updated (story "Updated" with a new time; sitemap lastmod,
RSS pubDate and listing "Updated" times moved with it).
"""

import json
import re
import shutil
from datetime import datetime
from email.utils import format_datetime

import pytest
from parsel import Selector

from newscrawl import settings as project_settings
from newscrawl.extraction import listing_links, rss_links, sitemap_links
from tests.conftest import SITE, read_jsonl, run_crawl

UPDATED_AT = "2025-06-20T11:45:00+05:00"
# every non-article page a discovery crawl fetches: robots.txt, the feeds and the listings
ENTRY_PAGES = 1 + len(project_settings.NEWSCRAWL_FEEDS) + len(project_settings.NEWSCRAWL_LISTINGS)


def manifest(site) -> dict[str, str]:
    return {e["url"]: e["file"] for e in map(json.loads, (site / "manifest.jsonl").read_text().splitlines()) if e}


def retime_story_box(html: str, article_id: int, when: str) -> tuple[str, int]:
    """Every story box of `article_id` shows "Updated" at `when` (its first timestamp after the box opens)."""
    pattern = re.compile(r"(data-id='%d'.*?timestamp--label'>)(?:Published|Updated)(</span>\s*<span class='timestamp--time\s+"
                         r"timeago' title=')[^']*(')" % article_id, re.S)
    return pattern.subn(lambda m: f"{m[1]}Updated{m[2]}{when}{m[3]}", html)


def update_articles(site, article_ids: list[int], when: str = UPDATED_AT, body_changed: int | None = None) -> None:
    """Edit a copy of the site as Dawn would show an update of these articles."""
    files = manifest(site)
    stamp = datetime.fromisoformat(when)
    for article_id in article_ids:
        page = site / files[f"https://www.dawn.com/news/{article_id}"]
        html, count = retime_story_box(page.read_text(), article_id, when)
        assert count, f"no story timestamp on {page}"
        html = re.sub(r"(article:modified_time' content=')[^']*", lambda m: m[1] + when, html)
        if article_id == body_changed:
            # a paragraph after the first (which holds the dateline)
            html = re.sub(r"(<div[^>]*class='story__content.*?</p>)", r"\1<p>Update: officials later revised the figures.</p>",
                          html, count=1, flags=re.S)
        page.write_text(html)
    for url, name in files.items():
        path = site / name
        if name.endswith(".html") and "/news/" not in url:  # listings
            html = path.read_text()
            for article_id in article_ids:
                html, _ = retime_story_box(html, article_id, when)
            path.write_text(html)
        elif name.endswith(".xml"):
            xml = path.read_text()
            for article_id in article_ids:
                # sitemap: a lastmod after the loc; RSS: the item's pubDate
                xml = re.sub(r"(<loc>https://www\.dawn\.com/news/%d[/<][^<]*(?:</loc>)?)" % article_id,
                             lambda m: m[1] + (f"<lastmod>{when}</lastmod>" if m[1].endswith("</loc>") else ""), xml)
                xml = re.sub(r"(<item[^>]*>(?:(?!</item>).)*?<link>https://www\.dawn\.com/news/%d\b(?:(?!</item>).)*?<pubDate>)[^<]*" % article_id,
                             lambda m: m[1] + format_datetime(stamp), xml, flags=re.S)
            path.write_text(xml)


# the tests share a module fixture (reruns): under pytest-xdist (--dist loadgroup) they run in one process
pytestmark = pytest.mark.xdist_group("incremental")


@pytest.fixture(scope="module")
def reruns(tmp_path_factory):
    """(first run, unchanged rerun, rerun over the site with three updated articles, their ids, lines of the first
    run, a refresh=1 run over that same changed site)."""
    out = tmp_path_factory.mktemp("incremental") / "out"
    first = run_crawl(out)
    teaser_ids = {t["article_id"] for t in first.teasers}
    sitemap_ids = {link.article_id for link in sitemap_links(Selector((SITE / "feeds/sitemap.xml").read_text(), type="xml"))}
    candidates = sorted(a["article_id"] for a in first.articles
                        if a["article_id"] in sitemap_ids and a["article_id"] not in teaser_ids)
    updated_ids = candidates[:3]
    lines_before = len(first.articles)
    unchanged = run_crawl(out)
    changed_site = tmp_path_factory.mktemp("site") / "site"
    shutil.copytree(SITE, changed_site)
    update_articles(changed_site, updated_ids, body_changed=updated_ids[0])
    changed = run_crawl(out, mirror=changed_site)
    refresh = run_crawl(out, "-a", "refresh=1", mirror=changed_site)
    return first, unchanged, changed, updated_ids, lines_before, refresh


def test_first_run_emits_every_article_as_version_1(reruns):
    first = reruns[0]
    assert first.articles and all(a["version"] == 1 for a in first.articles)
    assert first.stats["newscrawl/incremental/unseen"] > len(first.articles)  # 404 links included


def test_unchanged_rerun_downloads_no_article_page_and_emits_nothing(reruns):
    first, unchanged = reruns[:2]
    stats = unchanged.stats
    assert stats["finish_reason"] == "finished"
    assert "newscrawl/incremental/article_requests" not in stats
    assert stats["response_received_count"] == ENTRY_PAGES
    assert "newscrawl/skipped/http_404" not in stats  # every entry point is in the offline site (/sport was not)
    assert not any(k.startswith("newscrawl/written/") for k in stats)
    assert stats["newscrawl/incremental/skipped_known"] > 0


def test_rerun_with_three_updated_articles_emits_exactly_those_as_version_2(reruns):
    first, _, changed, updated_ids, lines_before = reruns[:5]
    stats = changed.stats
    assert stats["newscrawl/incremental/article_requests"] == 3
    assert stats["response_received_count"] == ENTRY_PAGES + 3
    new_lines = changed.articles[lines_before:]
    assert sorted(a["article_id"] for a in new_lines) == updated_ids
    assert all(a["version"] == 2 and a["updated_at"] == UPDATED_AT for a in new_lines)
    assert len(changed.teasers) == len(first.teasers)  # the sidebars of those pages had not changed
    assert stats["newscrawl/versioning/updated/Article"] == 3
    before = {a["article_id"]: a for a in first.articles}
    rewritten = next(a for a in new_lines if a["article_id"] == updated_ids[0])
    assert rewritten["content_hash"] != before[updated_ids[0]]["content_hash"]  # its body changed too
    assert "officials later revised" in rewritten["body"]


def test_refresh_downloads_every_article_again_but_emits_only_changes(reruns):
    first, refresh = reruns[0], reruns[5]
    stats = refresh.stats
    assert stats["newscrawl/incremental/refresh"] == first.stats["newscrawl/incremental/unseen"]  # 404s too
    assert not any(k.startswith("newscrawl/written/") for k in stats)
    assert stats["newscrawl/versioning/unchanged/Article"] == len(first.articles)


def test_without_a_state_store_a_crawl_emits_everything_as_version_1(tmp_path):
    result = run_crawl(tmp_path, settings={"NEWSCRAWL_STATE": ""})
    assert result.articles and all(a["version"] == 1 for a in result.articles)
    assert "newscrawl/versioning/new/Article" not in result.stats
    assert not (tmp_path / "state.sqlite").exists()


# ---- discovery reports when an article changed --------------------------------------------------------
def test_listing_links_carry_the_updated_time_of_their_story_box():
    html = """<article class='story' data-id='11'><h2 class='story__title'><a href='/news/11/x'>X</a></h2>
      <span class='story__time'><span class='timestamp--label'>Updated</span>
      <span class='timestamp--time timeago' title='2025-06-19T15:02:09+05:00'>19 Jun</span></span></article>
      <article class='story' data-id='12'><h2 class='story__title'><a href='/news/12/y'>Y</a></h2>
      <span class='story__time'><span class='timestamp--label'>Published</span>
      <span class='timestamp--time timeago' title='2025-06-19T10:00:00+05:00'>19 Jun</span></span></article>"""
    links = {link.article_id: link.modified for link in listing_links(Selector(html), "https://www.dawn.com/")}
    assert links == {11: "2025-06-19T15:02:09+05:00", 12: None}


def test_sitemap_modified_is_the_later_of_lastmod_and_publication_date():
    xml = """<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9' xmlns:news='http://www.google.com/schemas/sitemap-news/0.9'>
      <url><loc>https://www.dawn.com/news/11/x</loc><lastmod>2025-06-20T08:00:00+05:00</lastmod>
        <news:news><news:publication_date>2025-06-19T10:00:00+05:00</news:publication_date></news:news></url>
      <url><loc>https://www.dawn.com/news/12/y</loc><lastmod>2025-06-21</lastmod></url></urlset>"""
    links = {link.article_id: link for link in sitemap_links(Selector(xml, type="xml"))}
    assert links[11].modified == "2025-06-20T08:00:00+05:00" and str(links[11].published) == "2025-06-19"
    assert links[12].modified == "2025-06-21T00:00:00+00:00"


def test_rss_modified_is_the_pubdate():
    xml = """<rss><channel><item><link>https://www.dawn.com/news/11/x</link>
      <pubDate>Thu, 19 Jun 2025 16:30:21 +0500</pubDate></item></channel></rss>"""
    assert rss_links(Selector(xml, type="xml"))[0].modified == "2025-06-19T16:30:21+05:00"


def test_the_update_helper_changes_what_discovery_sees(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    files = manifest(site)
    some_id = next(link.article_id for link in sitemap_links(Selector((SITE / "feeds/sitemap.xml").read_text(), type="xml"))
                   if f"https://www.dawn.com/news/{link.article_id}" in files)
    update_articles(site, [some_id])
    links = sitemap_links(Selector((site / "feeds/sitemap.xml").read_text(), type="xml"))
    assert next(link.modified for link in links if link.article_id == some_id) == UPDATED_AT
    assert read_jsonl(site / "manifest.jsonl") == read_jsonl(SITE / "manifest.jsonl")
