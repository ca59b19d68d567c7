"""Pipeline 6: one Article per article_id and one EditorialTeaser per article_id per crawl. What it let through
is kept in newscrawl.crawl.seen (this pipeline is its only writer; the spider reads it to skip repeated teasers)."""

from __future__ import annotations

from newscrawl.crawl.drops import drop, item_type
from newscrawl.items import Article, EditorialTeaser
from newscrawl.crawl.seen import SeenThisCrawl, seen_for


class DeduplicatePipeline:
    def __init__(self, stats, seen: SeenThisCrawl | None = None):
        self.stats = stats
        self.seen = seen if seen is not None else SeenThisCrawl()

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats, seen_for(crawler))

    def process_item(self, item):
        if not isinstance(item, (Article, EditorialTeaser)):
            return item  # not ours (e.g. a test spider's dicts): not this pipeline's business
        key = (item_type(item), item.article_id)
        if key in self.seen:
            # the sidebar repeats the same teasers on every page: this is routine, not a warning
            raise drop(self.stats, f"duplicate_{key[0]}", item, "already emitted in this crawl", log_level="DEBUG")
        self.seen.add(key)
        return item
