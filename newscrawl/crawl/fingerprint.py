"""Request each article once per crawl, whatever slug or query string links to it.

`/news/1532195/a-slug`, `/news/1532195` and `/news/1532195/other?utm_source=x` have three fingerprints
by default; here they share the fingerprint of the canonical URL. Scrapy's duplicate filter (which
persists in JOBDIR, so a resumed crawl keeps the guarantee) and HTTP cache both use this fingerprint.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.utils.request import RequestFingerprinter

from newscrawl.urls import article_id_from_url, canonical_article_url


class ArticleRequestFingerprinter:
    def __init__(self, crawler=None):
        self._default = RequestFingerprinter(crawler)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def fingerprint(self, request: Request) -> bytes:
        article_id = article_id_from_url(request.url)
        if article_id is not None and request.method == "GET":
            request = request.replace(url=canonical_article_url(article_id))
        return self._default.fingerprint(request)
