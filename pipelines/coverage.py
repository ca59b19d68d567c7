"""Pipeline 3: field coverage of the Articles the parser produced this crawl (their body made final by Pipeline 2),
as stats `newscrawl/coverage/<field>` for each field the page gives (`page_fields`; not item_type, version,
fetched_at or content_hash, which every Article has whatever its page shows): the share (0..1) of them where the
field is non-empty, and their number as `newscrawl/coverage_articles`. It runs before Validate, so an Article about to be dropped for a missing body
still counts as one without a body: that is what a drift alarm must see. Kept current after every item, so the
figures are in the stats whenever they are read (last_crawl.json, the cron run record), even after an early end."""

from __future__ import annotations

from collections import Counter

from newscrawl.items import Article, page_fields
from newscrawl.stats_keys import COVERAGE, COVERAGE_ARTICLES

# a field the page does not give is filled by the item class or a pipeline on every Article: its share says
# nothing about the page (item_type was always 1.0)
ARTICLE_FIELDS = page_fields(Article)


def is_filled(value) -> bool:
    return value not in (None, "", [], {})


class FieldCoveragePipeline:
    def __init__(self, stats):
        self.stats = stats
        self.articles = 0
        self.filled: Counter[str] = Counter()
        self.shares: dict[str, float] = {}  # as last put in the stats: a share that did not move is not set again

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item):
        if isinstance(item, Article):
            self.articles += 1
            self.stats.set_value(COVERAGE_ARTICLES, self.articles)
            # an Article is a dataclass: its fields are attributes (an ItemAdapter per field read cost 30 us)
            self.filled.update(name for name in ARTICLE_FIELDS if is_filled(getattr(item, name)))
            for name in ARTICLE_FIELDS:
                share = round(self.filled[name] / self.articles, 4)
                if self.shares.get(name) != share:  # most fields are always (1.0) or never (0.0) filled
                    self.shares[name] = share
                    self.stats.set_value(f"{COVERAGE}/{name}", share)
        return item
