"""Pipeline 2: drop an item that lacks a required field (see newscrawl.items.REQUIRED_FIELDS)."""

from __future__ import annotations

from itemadapter import ItemAdapter

from newscrawl.drops import drop
from newscrawl.items import REQUIRED_FIELDS


def missing_fields(item) -> list[str]:
    adapter = ItemAdapter(item)
    required = REQUIRED_FIELDS.get(type(item), ())
    return [name for name in required if adapter.get(name) in (None, "", [], {})]


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
        return item
