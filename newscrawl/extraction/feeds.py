"""What an RSS or Atom feed says about an article besides its link: the body text. Pure functions.

Dawn's feeds carry each article's whole body HTML twice, escaped in `description` and as CDATA in
`content:encoded` (docs/DAWN_MARKUP.md, "RSS feeds"). That text is a second copy of the article, made by the CMS
and not by this project's selectors, which newscrawl.monitoring.agreement compares with the body extracted from the page.
"""

from __future__ import annotations

from lxml import html as lxml_html
from lxml.etree import ParserError
from parsel import Selector

from newscrawl.urls import article_id_from_url
from newscrawl.extraction.discovery import atom_entry_urls, read_each
from newscrawl.extraction.body import SKIPPED_TAGS
from newscrawl.extraction.html import text_of
from newscrawl.extraction.text import clean, parse_print_line


def feed_body_text(body_html: str | None) -> str:
    """The reader-visible text of a feed item's body HTML, as the extracted body holds it: without figures and
    their captions (they go to `images`) and without a closing print-edition line (it goes to `print_edition`)."""
    if not clean(body_html):
        return ""
    try:
        root = lxml_html.fragment_fromstring(body_html, create_parent="div")
    except ParserError:
        return ""
    for element in [el for el in root.iter() if isinstance(el.tag, str) and el.tag in SKIPPED_TAGS]:
        element.drop_tree()
    paragraphs = list(root.iter("p"))
    if paragraphs and parse_print_line(text_of(paragraphs[-1])):
        paragraphs[-1].drop_tree()
    return text_of(root)


def _rss_body(item) -> tuple[int, str] | None:
    url = next((u for u in map(clean, item.xpath("./*[local-name()='link' or local-name()='guid']/text()").getall())
                if article_id_from_url(u) is not None), None)
    if url is None:
        return None
    encoded = item.xpath("./*[local-name()='encoded']/text()").get()
    text = feed_body_text(encoded) or feed_body_text(item.xpath("./*[local-name()='description']/text()").get())
    return (article_id_from_url(url), text) if text else None


def _atom_body(entry) -> tuple[int, str] | None:
    url = next((u for u in atom_entry_urls(entry) if article_id_from_url(u) is not None), None)
    if url is None:
        return None
    text = ""
    for name in ("content", "summary"):
        for element in entry.xpath(f"./*[local-name()='{name}']"):
            # type="xhtml": the body is the element's XHTML child; "html" (escaped) and "text": its text
            markup = element.xpath("./*").get() if element.attrib.get("type") == "xhtml" else element.xpath("text()").get()
            text = text or feed_body_text(markup)
    return (article_id_from_url(url), text) if text else None


def feed_bodies(selector: Selector) -> dict[int, str]:
    """article id -> body text of each entry of a feed: RSS items (rss_bodies) and Atom entries (`content`, else
    `summary`). An entry that cannot be read is left out (feed_links counts it as a skipped entry)."""
    bodies = rss_bodies(selector)
    for article_id, text in read_each(selector.xpath("//*[local-name()='entry']"), _atom_body, None):
        bodies.setdefault(article_id, text)
    return bodies


def rss_bodies(selector: Selector) -> dict[int, str]:
    """article id -> body text of each item of an RSS feed: `content:encoded`, else `description`. An item that
    cannot be read is left out (rss_links counts it as a skipped entry)."""
    bodies: dict[int, str] = {}
    for article_id, text in read_each(selector.xpath("//*[local-name()='item']"), _rss_body, None):
        bodies.setdefault(article_id, text)
    return bodies
