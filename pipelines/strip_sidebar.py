"""Pipeline 4: strip Opinion/Editorial sidebar text from Article bodies (the second wall; the selectors
are the first). Teasers pass through it before the Article of their page (the spider yields them first),
so it knows the sidebar's pieces when the Article arrives; it also remembers them across pages."""

from __future__ import annotations

import logging

from itemadapter import ItemAdapter

from newscrawl.drops import drop
from newscrawl.extraction import content_hash
from newscrawl.items import Article, EditorialTeaser
from newscrawl.sidebar import SidebarText
from newscrawl.stats_keys import SIDEBAR_STRIPPED_ARTICLES, SIDEBAR_STRIPPED_BLOCKS

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
            self.sidebar.add_teaser(adapter["title"], adapter["excerpt"], adapter["date"], adapter["updated"])
        elif isinstance(item, Article) and adapter.get("body"):
            body, changed = self.sidebar.strip(adapter["body"])
            if changed and not body:
                raise drop(self.stats, "sidebar_only_body", item, "the body held nothing but sidebar text")
            if changed:
                adapter["body"] = body
                adapter["content_hash"] = content_hash(adapter["title"], body)
                self.stats.inc_value(SIDEBAR_STRIPPED_ARTICLES)
                self.stats.inc_value(SIDEBAR_STRIPPED_BLOCKS, changed)
                logger.info("Stripped %d sidebar block(s) from the body of %s", changed, adapter["url"])
        return item
