"""Downloader middlewares: every redirect (HTTP 3xx, and `<meta http-equiv=refresh>`) judged in one place.

Scrapy's redirect middlewares hand the new request to the scheduler, whose dupefilter drops it when its fingerprint
was seen: and an article's fingerprint is its id (newscrawl/crawl/fingerprint.py), so `http://` -> `https://`,
`/news/ID/` -> `/news/ID`, `/news/ID` -> `/news/ID/slug` or `/news/ID` -> `/news/amp/ID` lost the article, with only
a DEBUG line. And a redirect off the site, to a private address, in a loop or to itself ended with no count.

`judge_redirect` decides, from the URLs alone (never from where the answer came from):
- to a private, loopback or link-local address, or `localhost`: skipped, reason `redirect_private_address`;
- to any host but www.dawn.com (herald.dawn.com, images.dawn.com, dawn.com): skipped, `redirect_off_host`;
- to the URL it came from: `redirect_self`; to a URL already in the chain: `redirect_loop`; past
  REDIRECT_MAX_TIMES: `redirect_too_many`;
- an article's request to the same article id: followed once, past the dupefilter (`dont_filter`), to the
  canonical non-AMP form (`/news/amp/ID` -> `/news/ID`) unless that form is already in the chain (then the AMP URL
  itself: the only form the site serves);
- anything else on www.dawn.com: followed as Scrapy does.

A skip is counted as `newscrawl/skipped/<reason>`, logged with both URLs, and raised as SkippedRedirect (the spider's
errback leaves it alone); when the request was an article's, also as `newscrawl/lost/<reason>`, which makes the
crawl's exit code non-zero (newscrawl/monitoring/verdict.py).
"""

from __future__ import annotations

import ipaddress
import logging
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware, RedirectMiddleware
from scrapy.exceptions import IgnoreRequest

from newscrawl.stats_keys import LOST, SKIPPED
from newscrawl.urls import SITE_HOST, article_id_from_url

logger = logging.getLogger(__name__)

_AMP_PATH = re.compile(r"^/news/amp/")


# a redirect to another Dawn property (herald.dawn.com, images.dawn.com): the story moved there; not ours, not lost
REDIRECT_MOVED = "redirect_moved"


class SkippedRedirect(IgnoreRequest):
    """A redirect not followed: counted and logged by the middleware, so the spider's errback skips it."""

    def __init__(self, reason: str, target: str, message: str):
        super().__init__(message)
        self.reason, self.target = reason, target


@dataclass(frozen=True)
class RedirectVerdict:
    url: str | None = None  # the URL to follow; None: skipped
    reason: str | None = None  # why it is skipped
    same_article: bool = False  # follow past the dupefilter


def is_private_host(host: str) -> bool:
    host = host.lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return not address.is_global


def non_amp(url: str) -> str:
    parts = urlsplit(url)
    return parts._replace(scheme="https", path=_AMP_PATH.sub("/news/", parts.path)).geturl()


def judge_redirect(source: str, target: str, chain: list[str], max_times: int) -> RedirectVerdict:
    """What to do with a redirect from `source` to `target`; `chain`: the URLs already fetched in it (source last)."""
    try:
        host = urlsplit(target).hostname or ""
    except ValueError:
        return RedirectVerdict(reason="redirect_bad_url")
    if is_private_host(host):
        return RedirectVerdict(reason="redirect_private_address")
    if host != SITE_HOST and (host == "dawn.com" or host.endswith(".dawn.com")):
        return RedirectVerdict(reason=REDIRECT_MOVED)  # another Dawn property (herald, images): moved, not lost
    if host != SITE_HOST:
        return RedirectVerdict(reason="redirect_off_host")
    if target == source:
        return RedirectVerdict(reason="redirect_self")
    if target in chain:
        return RedirectVerdict(reason="redirect_loop")
    if len(chain) > max_times:
        return RedirectVerdict(reason="redirect_too_many")
    article_id = article_id_from_url(source)
    if article_id is None or article_id_from_url(target) != article_id:
        return RedirectVerdict(url=target)
    canonical = non_amp(target)
    return RedirectVerdict(url=target if canonical in chain else canonical, same_article=True)


class JudgedRedirects:
    """Mixed into Scrapy's redirect middlewares: their `_redirect` (which both call) judged first."""

    def _redirect(self, redirected, request, reason):
        chain = [*request.meta.get("redirect_urls", []), request.url]
        verdict = judge_redirect(request.url, redirected.url, chain, self.max_redirect_times)
        if verdict.url is None:
            self._skip(request, redirected.url, verdict.reason, reason)
        if verdict.url != redirected.url:
            redirected = redirected.replace(url=verdict.url)
        followed = super()._redirect(redirected, request, reason)
        if verdict.same_article:
            followed.dont_filter = True
        return followed

    def _skip(self, request, target: str, verdict_reason: str, status) -> None:
        stats = self.crawler.stats
        stats.inc_value(f"{SKIPPED}/{verdict_reason}")
        if article_id_from_url(request.url) is not None and verdict_reason != REDIRECT_MOVED:
            stats.inc_value(f"{LOST}/{verdict_reason}")
        logger.warning("Skipped %s: redirect (%s) to %s [%s]", request.url, status, target[:300], verdict_reason)
        raise SkippedRedirect(verdict_reason, target, f"{request.url}: redirect to {target[:300]} ({verdict_reason})")


class ArticleRedirectMiddleware(JudgedRedirects, RedirectMiddleware):
    """HTTP 301/302/303/307/308, in place of Scrapy's RedirectMiddleware."""


class ArticleMetaRefreshMiddleware(JudgedRedirects, MetaRefreshMiddleware):
    """`<meta http-equiv=refresh>`, in place of Scrapy's MetaRefreshMiddleware."""
