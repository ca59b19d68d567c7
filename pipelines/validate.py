"""Pipeline 4: drop an item that is not valid: a required field missing (newscrawl.items.REQUIRED_FIELDS), a URL
that is no web address, a body longer than any article, or text garbled by a wrong charset (mojibake)."""

from __future__ import annotations

import re

from ftfy.badness import BADNESS_RE
from itemadapter import ItemAdapter

from newscrawl.crawl.drops import drop
from newscrawl.items import MAX_BODY_CHARS, REQUIRED_FIELDS, Article
from newscrawl.urls import web_url_problem

# U+FFFD is what a decoder leaves for bytes it could not read: one in a title, body or excerpt means the page was
# decoded with the wrong charset, or its text was damaged before it was published (docs/OUTPUT.md promises none).
# In any other field the sanitation step left the value out (pipelines/sanitize_text.py).
REPLACEMENT_CHARACTER = "\ufffd"
# ftfy's mojibake pattern: every match is at most this long and holds a character outside ASCII (both checked
# against the pattern by tests/test_pipelines.py). So it is searched only around those characters: the same answer
# as ftfy's is_bad, a tenth of the time on an English article (1.2 ms on 6,000 characters for the whole text).
MOJIBAKE_MAX_CHARS = 7
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")


def is_mojibake(text: str) -> bool:
    """ftfy.badness.is_bad(text), searching only the stretches of text around non-ASCII characters."""
    if text.isascii():
        return False
    start = end = -1  # the stretch being grown: runs closer than a match's length are searched together
    for run in _NON_ASCII_RUN.finditer(text):
        left, right = max(0, run.start() - MOJIBAKE_MAX_CHARS + 1), run.end() + MOJIBAKE_MAX_CHARS - 1
        if left <= end:
            end = right
            continue
        if end >= 0 and BADNESS_RE.search(text, start, end):
            return True
        start, end = left, right
    return end >= 0 and BADNESS_RE.search(text, start, end) is not None


def missing_fields(adapter: ItemAdapter) -> list[str]:
    required = REQUIRED_FIELDS.get(type(adapter.item), ())
    return [name for name in required if adapter.get(name) in (None, "", [], {})]


def bad_urls(adapter: ItemAdapter) -> list[str]:
    """The item's URLs (its own, its images') that are not absolute http(s) URLs with a host and clean characters."""
    urls = [adapter.get("url")] + [image.get("url") for image in adapter.get("images") or []
                                   if isinstance(image, dict)]
    return [str(url)[:200] for url in urls if url is not None and web_url_problem(url) is not None]


def garbled_fields(adapter: ItemAdapter) -> list[str]:
    """Text fields that read as mojibake (ftfy's detector: UTF-8 read as cp1252 and the like) or hold
    replacement characters: the page was decoded with the wrong charset. Dropped, not repaired: a repair is a
    guess, and the page is checked again after NEWSCRAWL_RECHECK_HOURS (newscrawl/state/incremental.py)."""
    garbled = []
    for name in ("title", "body", "excerpt"):
        text = adapter.get(name)  # None for a field the item class has not
        if isinstance(text, str) and (REPLACEMENT_CHARACTER in text or is_mojibake(text)):
            garbled.append(name)
    return garbled


class ValidatePipeline:
    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item):
        adapter = ItemAdapter(item)  # one per item, for all the checks
        if missing := missing_fields(adapter):
            # the first missing field names the reason, so a page with no body and no title counts once
            raise drop(self.stats, f"missing_{missing[0]}", item, f"missing {', '.join(missing)}")
        if urls := bad_urls(adapter):
            raise drop(self.stats, "bad_url", item, f"not a web URL: {', '.join(urls)}")
        body = adapter.get("body")
        if isinstance(body, str) and len(body) > MAX_BODY_CHARS:
            raise drop(self.stats, "body_too_long", item, f"body of {len(body):,} characters (> {MAX_BODY_CHARS:,})")
        if garbled := garbled_fields(adapter):
            raise drop(self.stats, "mojibake", item, f"garbled text (wrong charset?) in {', '.join(garbled)}",
                       lost=isinstance(item, Article))
        return item
