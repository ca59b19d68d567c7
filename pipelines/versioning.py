"""Pipeline 7: compare each item with the state store (NEWSCRAWL_STATE) and emit only what is new or changed.

- Article: new to the store -> version 1; a different content hash or updated time than stored -> emitted with
  version stored+1; otherwise dropped as `unchanged_Article` (its last-seen time is refreshed).
- EditorialTeaser: emitted when new, or when its date or updated flag changed; else dropped `unchanged_EditorialTeaser`.

Nothing is recorded as emitted here: the JSON-lines writer records an item when its line is in the file.
With the store turned off every item passes, Articles as version 1.
"""

from __future__ import annotations

from itemadapter import ItemAdapter

from newscrawl.crawl.drops import drop, item_type
from newscrawl.items import Article, EditorialTeaser
from newscrawl.state.sqlite import EMITTED, state_for
from newscrawl.stats_keys import VERSIONING


class VersioningPipeline:
    def __init__(self, state, stats):
        self.state = state
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(state_for(crawler), crawler.stats)

    def process_item(self, item):
        if self.state is None or not isinstance(item, (Article, EditorialTeaser)):
            return item
        adapter = ItemAdapter(item)
        kind = item_type(item)
        if isinstance(item, Article):
            verdict = self._article(adapter)
        else:
            verdict = self._teaser(adapter)
        self.stats.inc_value(f"{VERSIONING}/{verdict}/{kind}")
        if verdict == "unchanged":
            # routine on every scheduled run: not a warning
            raise drop(self.stats, f"unchanged_{kind}", item, "unchanged since the last crawl", log_level="DEBUG")
        return item

    def _article(self, adapter) -> str:
        article_id = adapter["article_id"]
        record = self.state.article(article_id)
        if record is None or record.status != EMITTED:
            adapter["version"] = 1
            return "new"
        if record.content_hash != adapter.get("content_hash") or record.updated_at != adapter.get("updated_at"):
            adapter["version"] = record.version + 1
            return "updated"
        self.state.touch_article(article_id, self.state.discovered_modified(article_id))
        return "unchanged"

    def _teaser(self, adapter) -> str:
        record = self.state.teaser(adapter["article_id"])
        if record is None:
            return "new"
        if (record.date, record.updated) != (adapter.get("date"), bool(adapter.get("updated"))):
            return "updated"
        self.state.touch_teaser(adapter["article_id"])
        return "unchanged"
