"""One way to drop an item: counted in the stats under its reason, logged with the URL, then raised."""

from __future__ import annotations

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from newscrawl.stats_keys import DROPPED, LOST


class NotAsked(DropItem):
    """A good item this crawl did not ask for (published outside -a since/until): the state store does not
    record its page as rejected, so a crawl that asks for it fetches it."""


def item_type(item) -> str:
    return type(item).__name__


def drop(stats, reason: str, item, detail: str, log_level: str = "WARNING",
         kind: type[DropItem] = DropItem, lost: bool = False) -> DropItem:
    """Count the drop as `newscrawl/dropped/<reason>` and return the DropItem to raise.

    Scrapy logs the DropItem message (at `log_level`) with the item; the message names the URL. The DropItem
    carries the reason (`.reason`) to the ledger (newscrawl/state/ledger.py, which hears Scrapy's item_dropped).
    `lost`: an article lost to hostile input, also counted as `newscrawl/lost/<reason>` (the crawl then exits 10).
    """
    stats.inc_value(f"{DROPPED}/{reason}")
    if lost:
        stats.inc_value(f"{LOST}/{reason}")
    url = ItemAdapter(item).get("url") or ItemAdapter(item).get("first_seen_on")
    exception = kind(f"{item_type(item)} {url}: {detail} [{reason}]", log_level=log_level)
    exception.reason = reason
    return exception
