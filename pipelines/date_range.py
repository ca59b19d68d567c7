"""Pipeline 5: drop an Article published outside the crawl's date range (-a since/until). A day's archive page
also links stories of earlier days; a user who asks for a day expects that day's articles. Counted as
`newscrawl/dropped/published_outside_range`. An undated crawl, and teasers (what a page showed), pass."""

from __future__ import annotations

from itemadapter import ItemAdapter

from newscrawl.crawl.drops import NotAsked, drop
from newscrawl.extraction.text import parse_datetime
from newscrawl.items import Article

REASON = "published_outside_range"


class DateRangePipeline:
    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        arguments = getattr(self.crawler.spider, "arguments", None)
        if not isinstance(item, Article) or arguments is None or not arguments.dated:
            return item
        published = parse_datetime(ItemAdapter(item).get("published_at"))
        # the day in the page's own offset (Pakistan time), as Dawn's archives date it
        if published is not None and not arguments.in_range(published.date()):
            raise drop(self.crawler.stats, REASON, item,
                       f"published {published.date()}, outside {arguments.since}..{arguments.until}", "INFO", NotAsked)
        return item
