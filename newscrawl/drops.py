"""One way to drop an item: counted in the stats under its reason, logged with the URL, then raised."""

from __future__ import annotations

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from .stats_keys import DROPPED


def item_type(item) -> str:
    return type(item).__name__


def drop(stats, reason: str, item, detail: str, log_level: str = "WARNING") -> DropItem:
    """Count the drop as `newscrawl/dropped/<reason>` and return the DropItem to raise.

    Scrapy logs the DropItem message (at `log_level`) with the item; the message names the URL.
    """
    stats.inc_value(f"{DROPPED}/{reason}")
    url = ItemAdapter(item).get("url") or ItemAdapter(item).get("first_seen_on")
    return DropItem(f"{item_type(item)} {url}: {detail} [{reason}]", log_level=log_level)
