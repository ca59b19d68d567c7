"""The `dawn` spider with a deliberate parser change, for the re-extraction test (SPIDER_MODULES=this module):
the body of an ISLAMABAD story no longer opens with its dateline."""

from newscrawl.extraction import content_hash
from newscrawl.items import Article
from spiders.dawn import DawnSpider as ReleasedSpider

DATELINE = "ISLAMABAD"


class DawnSpider(ReleasedSpider):
    def parse_article(self, response, *args, **kwargs):
        for item in super().parse_article(response, *args, **kwargs):
            if isinstance(item, Article) and item.dateline == DATELINE:
                item.body = item.body.removeprefix(f"{DATELINE}: ")
                item.content_hash = content_hash(item.title, item.body)
            yield item
