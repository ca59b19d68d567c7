"""RSS feeds as Dawn serves them: the fixture feeds follow the real feeds' item format, discovery reads links and
days from them, and the feed body text (the feed/page agreement monitor's second copy) is the article's body."""

import json
import re
from datetime import date

import pytest
from lxml import etree
from parsel import Selector

from newscrawl.extraction import rss_links
from newscrawl.extraction.feeds import feed_body_text, rss_bodies
from tests.conftest import EXPECTED, FIXTURES, SITE

REAL = FIXTURES / "seed" / "feeds"
FEEDS = {"home.xml": "https://www.dawn.com/feeds/home/", "latest-news.xml": "https://www.dawn.com/feeds/latest-news/",
         "newspaper-editorial.xml": "https://www.dawn.com/feeds/newspaper/editorial"}
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
MEDIA_NS = "http://search.yahoo.com/mrss/"
# the children of the one complete item of the real /feeds/ excerpt, in order (read from the file by eye)
REAL_ITEM_CHILDREN = ["title", "link", "description", f"{{{CONTENT_NS}}}encoded", "category", "guid", "pubDate", "author",
                      f"{{{MEDIA_NS}}}content"]


def items(xml: str) -> list:
    root = etree.fromstring(xml.encode("utf-8"))
    return root.findall("./channel/item")


def test_the_real_item_is_what_the_fixture_items_copy():
    raw = (REAL / "rss-feeds-root-20260513.excerpt.xml").read_text(encoding="utf-8")
    first = raw[raw.index("<item "):raw.index("</item>") + len("</item>")]
    item = etree.fromstring(f"<rss xmlns:media='{MEDIA_NS}' xmlns:content='{CONTENT_NS}'>{first}</rss>".encode())[0]
    assert [child.tag for child in item] == REAL_ITEM_CHILDREN


@pytest.mark.parametrize("name", sorted(FEEDS))
def test_fixture_feed_items_are_in_the_real_format(name):
    xml = (SITE / "feeds" / name).read_text(encoding="utf-8")
    assert "RECONSTRUCTED" in xml.split("\n")[1]  # provenance comment
    assert "xmlns:dc" not in xml and "atom:link" not in xml and "isPermaLink" not in xml
    assert xml.count('<item xmlns:default="http://purl.org/rss/1.0/modules/content/">') == len(items(xml)) > 0
    assert xml.count(f'<content:encoded xmlns="{CONTENT_NS}"><![CDATA[') == len(items(xml))
    for item in items(xml):
        children = [child.tag for child in item]
        if children[-1] != f"{{{MEDIA_NS}}}content":  # an article without a picture
            children.append(f"{{{MEDIA_NS}}}content")
            assert item.findtext("guid").endswith(("/1918140", "/1918062", "/1918201", "/1918202", "/1918210", "/1918211"))
        assert children == REAL_ITEM_CHILDREN
        assert re.fullmatch(r"https://www\.dawn\.com/news/\d+", item.findtext("guid"))  # no slug
        assert re.fullmatch(r"https://www\.dawn\.com/news/\d+/[a-z0-9-]+", item.findtext("link"))
        assert item.find("category").text is None and len(item.find("category")) == 0
        assert item.findtext("author") == "none@none.com ()"
        # the whole body twice: escaped in description, as CDATA in content:encoded
        assert item.findtext("description") == item.findtext(f"{{{CONTENT_NS}}}encoded")
        if (media := item.find(f"{{{MEDIA_NS}}}content")) is not None:
            assert [c.tag for c in media] == [f"{{{MEDIA_NS}}}thumbnail", f"{{{MEDIA_NS}}}title"]
            assert media.get("medium") == "image" and "/thumbnail/" in media[0].get("url")


def test_a_title_can_end_in_a_newline():
    xml = (SITE / "feeds" / "newspaper-editorial.xml").read_text(encoding="utf-8")
    assert "<title>Heat and health\n</title>" in xml


def test_real_feed_links_and_days():
    """Discovery on the real /feeds/ beginning: the link with its slug, the pubDate's day (a truncated item too)."""
    xml = (REAL / "rss-feeds-root-20260513.excerpt.xml").read_text(encoding="utf-8")
    first, second = rss_links(Selector(text=xml, type="xml"))
    assert first.url == ("https://www.dawn.com/news/1976395/no-us-weapons-will-transit-the-strait-of-hormuz-en-route-"
                         "to-regional-bases-iranian-military-vows")
    assert (first.published, first.modified) == (date(2026, 5, 13), "2026-05-13T19:46:42+05:00")
    assert second.article_id == 1999895


@pytest.mark.parametrize(("name", "ids"), [
    ("home.xml", [1918168, 1918162, 1918149, 1918124, 1918120, 1917670, 1918013, 1918063, 1918045, 1918052, 1917668,
                  1917703]),
    ("newspaper-editorial.xml", [1918045, 1918046, 1918047, 1918049, 1918050]),
])
def test_fixture_feed_links(name, ids):
    links = rss_links(Selector(text=(SITE / "feeds" / name).read_text(encoding="utf-8"), type="xml"))
    assert [link.article_id for link in links] == ids
    assert all(link.url.startswith(f"https://www.dawn.com/news/{link.article_id}/") for link in links)
    days = {link.article_id: link.published for link in links}
    if 1917668 in days:
        assert days[1917668] == date(2025, 6, 17) and days[1918168] == date(2025, 6, 19)


def test_feed_body_text_is_the_body_without_figures_and_print_line():
    html = ("<figure class='media'><div class='media__item'><picture><img src='x.webp' alt=' A caption ' /></picture>"
            "</div><figcaption class='media__caption'>A caption</figcaption></figure>\n<p>ISLAMABAD: One, <em>two</em>."
            "</p>\n<p>• Three<br>• Four</p>\n<p>Published in Dawn, June 19th, 2025</p>\n")
    assert feed_body_text(html) == "ISLAMABAD: One, two. • Three • Four"
    assert feed_body_text("") == feed_body_text(None) == ""


def test_real_feed_bodies():
    xml = (REAL / "rss-feeds-root-20260513.excerpt.xml").read_text(encoding="utf-8")
    assert rss_bodies(Selector(text=xml, type="xml"))[1976395] == "https://www.dawn.com/live/iran-israel-war"
    xml = (REAL / "rss-feeds-multimedia-20260704.excerpt.xml").read_text(encoding="utf-8")
    body = rss_bodies(Selector(text=xml, type="xml"))[2010818]
    assert body.startswith("Mourners wearing black took part in processions on Thursday")
    assert "PPI Images" not in body  # the figure's caption


@pytest.mark.parametrize("name", sorted(FEEDS))
def test_fixture_feed_bodies_are_the_article_bodies(name):
    """Each item's body text is the hand-written expected body of its article page (a live page's item holds only
    a link to it, as the real feed's live item does)."""
    bodies = rss_bodies(Selector(text=(SITE / "feeds" / name).read_text(encoding="utf-8"), type="xml"))
    assert bodies
    for article_id, text in bodies.items():
        want = json.loads((EXPECTED / f"{article_id}.json").read_text(encoding="utf-8"))["article"]
        if article_id == 1918201:
            assert text.startswith("https://www.dawn.com/live/")
            continue
        assert text == " ".join(want["body_paragraphs"]), article_id
