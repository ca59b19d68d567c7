"""Pipeline (last): field coverage of the Articles written this crawl, as stats `newscrawl/coverage/<field>`:
the share (0..1) of them where the field is non-empty. Kept current after every item, so the figures are in
the stats whenever they are read (last_crawl.json, the cron run record), even after an early end."""

from __future__ import annotations

from collections import Counter
from dataclasses import fields

from itemadapter import ItemAdapter

from .items import Article

STAT_PREFIX = "newscrawl/coverage/"
ARTICLE_FIELDS = [f.name for f in fields(Article)]


def is_filled(value) -> bool:
    return value not in (None, "", [], {})


class FieldCoveragePipeline:
    def __init__(self, stats):
        self.stats = stats
        self.articles = 0
        self.filled: Counter[str] = Counter()

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item):
        if isinstance(item, Article):
            adapter = ItemAdapter(item)
            self.articles += 1
            self.filled.update(name for name in ARTICLE_FIELDS if is_filled(adapter.get(name)))
            for name in ARTICLE_FIELDS:
                self.stats.set_value(STAT_PREFIX + name, round(self.filled[name] / self.articles, 4))
        return item
