"""Pipeline 2: finalise each Article's body. Strip the Opinion/Editorial sidebar from it (the second wall; the
selectors are the first), then compute `content_hash` from the final title and body. This is the only place the
hash is computed, and every later pipeline (field coverage, validation, versioning, the writer) and the feed
agreement monitor see the final body.

Teasers pass through before the Article of their page (the spider yields them first), so the sidebar's pieces and
the order their widget shows them in are known when the Article arrives; they are also remembered across pages.
What is stripped is counted (`newscrawl/sidebar_stripped/articles`, `.../blocks`) and logged with the article's
URL; paragraphs that hold sidebar text but were kept as the article's own (a story quoting an editorial) are counted
as `newscrawl/sidebar_kept/blocks`. A body that was nothing but sidebar is emptied, so that Validate drops it as
`missing_body` and the field coverage counts it as an Article without a body."""

from __future__ import annotations

import logging

from itemadapter import ItemAdapter

from newscrawl.extraction import content_hash
from newscrawl.items import Article, EditorialTeaser
from newscrawl.extraction.sidebar import SidebarText
from newscrawl.stats_keys import SIDEBAR_KEPT_BLOCKS, SIDEBAR_STRIPPED_ARTICLES, SIDEBAR_STRIPPED_BLOCKS

logger = logging.getLogger(__name__)


class StripSidebarPipeline:
    def __init__(self, stats):
        self.stats = stats
        self.sidebar = SidebarText()

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item):
        adapter = ItemAdapter(item)
        if isinstance(item, EditorialTeaser):
            self.sidebar.add_teaser(adapter["title"], adapter["excerpt"], adapter["date"],
                                    shown_on=adapter.get("first_seen_on") or "")
        elif isinstance(item, Article):
            if adapter.get("body"):
                adapter["body"] = self._stripped(adapter) or None
            adapter["content_hash"] = content_hash(adapter.get("title"), adapter.get("body"))
        return item

    def _stripped(self, adapter) -> str:
        result = self.sidebar.strip(adapter["body"])
        if result.kept:
            self.stats.inc_value(SIDEBAR_KEPT_BLOCKS, result.kept)
            logger.info("Kept %d paragraph(s) of %s that quote the sidebar's teasers", result.kept, adapter["url"])
        if result.changed:
            self.stats.inc_value(SIDEBAR_STRIPPED_ARTICLES)
            self.stats.inc_value(SIDEBAR_STRIPPED_BLOCKS, result.changed)
            logger.info("Stripped %d sidebar block(s) from the body of %s: %s", result.changed, adapter["url"],
                        " | ".join(result.runs)[:300])
            if not result.body:
                logger.warning("The body of %s was nothing but sidebar text", adapter["url"])
        return result.body
