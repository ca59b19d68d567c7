"""Pipeline 2: drop an item that is not valid: a required field missing (newscrawl.items.REQUIRED_FIELDS), a URL
that is no web address, a body longer than any article, or text garbled by a wrong charset (mojibake)."""

from __future__ import annotations

from ftfy.badness import is_bad
from itemadapter import ItemAdapter

from newscrawl.drops import drop
from newscrawl.items import MAX_BODY_CHARS, REQUIRED_FIELDS
from newscrawl.urls import web_url_problem

# U+FFFD is what a decoder leaves for bytes it could not read. One in a title, or a few in a body, means the
# page was decoded with the wrong charset (a body may quote one stray character).
REPLACEMENT_CHARACTER = "\ufffd"
MAX_REPLACEMENTS_IN_BODY = 2


def missing_fields(item) -> list[str]:
    adapter = ItemAdapter(item)
    required = REQUIRED_FIELDS.get(type(item), ())
    return [name for name in required if adapter.get(name) in (None, "", [], {})]


def bad_urls(item) -> list[str]:
    """The item's URLs (its own, its images') that are not absolute http(s) URLs with a host and clean characters."""
    adapter = ItemAdapter(item)
    urls = [adapter.get("url")] + [image.get("url") for image in adapter.get("images") or []
                                   if isinstance(image, dict)]
    return [str(url)[:200] for url in urls if url is not None and web_url_problem(url) is not None]


def garbled_fields(item) -> list[str]:
    """Text fields that read as mojibake (ftfy's detector: UTF-8 read as cp1252 and the like) or hold
    replacement characters: the page was decoded with the wrong charset. Dropped, not repaired: a repair is a
    guess, and the page is checked again after NEWSCRAWL_RECHECK_HOURS (newscrawl/incremental.py)."""
    adapter = ItemAdapter(item)
    garbled = []
    for name, limit in (("title", 0), ("body", MAX_REPLACEMENTS_IN_BODY), ("excerpt", 0)):
        text = adapter.get(name) if name in adapter.field_names() else None
        if isinstance(text, str) and (text.count(REPLACEMENT_CHARACTER) > limit or is_bad(text)):
            garbled.append(name)
    return garbled


class ValidatePipeline:
    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item):
        if missing := missing_fields(item):
            # the first missing field names the reason, so a page with no body and no title counts once
            raise drop(self.stats, f"missing_{missing[0]}", item, f"missing {', '.join(missing)}")
        if urls := bad_urls(item):
            raise drop(self.stats, "bad_url", item, f"not a web URL: {', '.join(urls)}")
        body = ItemAdapter(item).get("body") if "body" in ItemAdapter(item).field_names() else None
        if isinstance(body, str) and len(body) > MAX_BODY_CHARS:
            raise drop(self.stats, "body_too_long", item, f"body of {len(body):,} characters (> {MAX_BODY_CHARS:,})")
        if garbled := garbled_fields(item):
            raise drop(self.stats, "mojibake", item, f"garbled text (wrong charset?) in {', '.join(garbled)}")
        return item
