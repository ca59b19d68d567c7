"""Fuzzed Dawn pages: the fixture pages of the offline site, mutated the way hostile or broken pages are.

`mutated_page(rng)` picks a page of fixtures/site and applies a few mutations (cut, repeat, byte flips, and
hostile snippets: deep nesting, malformed or huge links, JSON-LD of any shape, overflowing dates, mojibake).
`parse_everything(page)` runs every parser the spider has on it, as the spider would; the caller checks that no
exception escapes. Used by tests/test_hostile_fuzz.py (hypothesis picks the seeds) and bench/hostile.py.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from parsel import Selector

from newscrawl.extraction import (
    feed_bodies,
    feed_links,
    listing_links,
    listing_teasers,
    parse_article,
    sidebar_teasers,
    sitemap_index_locations,
    sitemap_links,
)
from newscrawl.crawl.render_policy import render_reasons
from spiders.dawn import page_kind

SITE = Path(__file__).resolve().parent.parent / "fixtures" / "site"
HUGE = "9" * 30

SNIPPETS = [
    "<div>" * 1200 + "<p>deep</p>" + "</div>" * 1200,
    "<ul>" + "<li><ul>" * 800 + "</ul></li>" * 800 + "</ul>",
    "<a href='http://[oops/'>x</a>",
    f"<a href='/news/{HUGE}/x'>x</a>",
    f"<link rel='canonical' href='https://www.dawn.com/news/{HUGE}'>",
    "<article class='story'><h2 class='story__title'><a href='http://[::1'>x</a></h2></article>",
    "<script type='application/ld+json'>" + "[" * 5000 + "]" * 5000 + "</script>",
    "<script type='application/ld+json'>{\"@type\": \"NewsArticle\", \"author\": {\"name\": [\"a\"]}, \"keywords\": 7,"
    " \"image\": {\"url\": 5}, \"datePublished\": 12, \"headline\": [1]}</script>",
    "<script type='application/ld+json'>{\"@type\": [{\"x\": 1}], \"@graph\": 3}</script>",
    "<span class='timestamp--time' title='99999-99-99T99:99:99+99:99'>x</span>",
    "<span class='timestamp--time' title='2025-06-19T10:00:00+05:00'>x</span><span class='timestamp--label'>Updated</span>",
    "<pubDate>Thu, 19 Jun 2025 99999999999999999999:00:00 +0500</pubDate>",
    f"<item><link>https://www.dawn.com/news/{HUGE}</link><pubDate>x</pubDate></item>",
    f"<url><loc>https://www.dawn.com/news/{HUGE}</loc><lastmod>9999999999-01-01</lastmod></url>",
    "<figure class='media'><img src='\x05ttps://i.dawn.com/x.jpg'><figcaption>c</figcaption></figure>",
    "<p>Pakistanâ€™s cafÃ© â€” mojibake</p>",
    "<div class='story__content'></div>",
    "<div class='widget--editorial'><h3>Editorial</h3></div>",
    "<h3 class='badge'>Editorial</h3><article class='story'><h2 class='story__title'><a href='/news/1/x'>t</a></h2></article>",
    "\x00\x01\ufffd\ud7ff",
    "<![CDATA[ unterminated",
    "<!--",
    "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'>]><x>&b;</x>",
]


@dataclass(frozen=True)
class FuzzedPage:
    url: str
    text: str
    mutations: tuple[str, ...]


def site_pages() -> list[tuple[str, str]]:
    """(url, text) of every page of the offline site, each file once."""
    pages, seen = [], set()
    for line in (SITE / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        if entry["file"] not in seen and entry["file"].endswith((".html", ".xml")):
            seen.add(entry["file"])
            pages.append((entry["url"], (SITE / entry["file"]).read_text(encoding="utf-8", errors="replace")))
    return pages


_PAGES: list[tuple[str, str]] = []


def mutated_page(rng: random.Random, mutations: int | None = None) -> FuzzedPage:
    if not _PAGES:
        _PAGES.extend(site_pages())
    url, text = rng.choice(_PAGES)
    applied = []
    for _ in range(mutations if mutations is not None else rng.randint(1, 4)):
        kind = rng.choice(("cut", "repeat", "flip", "snippet", "snippet", "snippet"))
        at = rng.randrange(len(text) + 1)
        if kind == "cut":
            text = text[:at] + text[at + rng.randint(1, 5000):]
        elif kind == "repeat":
            text = text[:at] + text[at:at + rng.randint(1, 3000)] * rng.randint(2, 5) + text[at:]
        elif kind == "flip":
            chars = list(text)
            for _ in range(rng.randint(1, 20)):
                if chars:
                    i = rng.randrange(len(chars))
                    chars[i] = chr(ord(chars[i]) ^ (1 << rng.randrange(7)))
            text = "".join(chars)
        else:
            text = text[:at] + rng.choice(SNIPPETS) + text[at:]
        applied.append(kind)
    return FuzzedPage(url, text, tuple(applied))


def parse_everything(page: FuzzedPage) -> Counter:
    """Every parser the spider would run on this page, as the spider runs it; returns the skipped entries."""
    skipped: Counter = Counter()
    kind = page_kind(page.url)
    if kind in ("sitemap", "feed"):
        selector = Selector(text=page.text, type="xml")
        feed_links(selector, skipped)
        feed_bodies(selector)
        sitemap_links(selector, skipped)
        sitemap_index_locations(selector)
        return skipped
    selector = Selector(text=page.text)
    render_reasons(selector, page.url, kind)
    if kind == "article":
        sidebar_teasers(selector, page.url, skipped)
        parse_article(selector, page.url)
    else:
        listing_teasers(selector, page.url, skipped)
        listing_links(selector, page.url, skipped)
    return skipped

