"""JavaScript pages: which page needs a browser, the scrapy-playwright request for it, and the browser side.

Every page is downloaded plainly first. The spider asks `RenderPolicy.reasons()` whether the plain HTML lacks
what its items need; only then is the page requested again with meta `playwright: True`, rendered by
scrapy-playwright in Chromium, and the rendered HTML goes through the same parser and pipelines.

Signs that a page needs rendering (all from the markup vocabulary of ../shared/DAWN_MARKUP.md):

- `empty_body`: an article whose body container (`div.story__content`) is present but holds no text
  (`DawnArticlePage.has_empty_body_container()`): a script fills it in.
- `live_updates`: a live-updates page, i.e. a page with a `live-updates` block (the BEM block a live blog's
  entries, `live-updates__entry`, are added to). Its entries come from a script: always rendered.
- `empty_sidebar`: the Opinion/Editorial sidebar block (`widget--editorial`) is present but holds no `story`
  teaser: a script fills it. (Other empty widgets, such as `widget-popular`, hold nothing an item needs and
  never cause a render.)
- `pattern`: the URL matches one of NEWSCRAWL_RENDER_PATTERNS.

Only HTML pages (articles and listings) are ever rendered; feeds, sitemaps and robots.txt never are.

The browser side (`RenderDownloader`, used by newscrawl.routing_handler.RoutingDownloadHandler for `playwright` requests):
the scrapy-playwright handler is built on the first render only, so a crawl that renders nothing never starts
Playwright or a browser. Each page's requests are routed: images, fonts and media are aborted; requests for
NEWSCRAWL_RENDER_HOSTS are answered from the mirror under NEWSCRAWL_MIRROR (else passed on to the network
through scrapy-playwright's own route); every other host is aborted. A render is bounded by
NEWSCRAWL_RENDER_TIMEOUT; its page is closed whatever happens.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.utils.misc import build_from_crawler, load_object

from .extraction import DawnArticlePage
from .extraction.html import class_test, compiled_xpath, elements_with_class
from .stats_keys import DROPPED, RENDER

logger = logging.getLogger(__name__)

STAT = RENDER
DROP_STAT = f"{DROPPED}/needs_render"

# What the render waits for (attached to the DOM), by reason: the part the plain HTML lacked.
WAIT_SELECTORS = {
    "empty_body": ".story__content p, .story__content h2, .story__content h3, .story__content li",
    "live_updates": ".live-updates__entry",
    "empty_sidebar": ".widget--editorial .story",
    "pattern": ".story",
}
RENDERED_KINDS = ("article", "listing")


class RenderFailed(Exception):
    """A render that did not give a page: timeout, browser error, crash. Counted, logged, never retried."""


# ---- the decision ---------------------------------------------------------------------------------------
def is_live_updates_page(root) -> bool:
    return bool(elements_with_class(root, "live-updates"))


_HOLDS_A_STORY = compiled_xpath(f"boolean(descendant::*/@class[{class_test('story', '.')}])")


def has_empty_editorial_sidebar(root) -> bool:
    return any(not _HOLDS_A_STORY(widget) for widget in elements_with_class(root, "widget--editorial"))


def render_reasons(selector, url: str, kind: str, patterns: list[re.Pattern] = (), article_page=None) -> list[str]:
    """Why the plain HTML of this page is not enough ([] when it is). Pure: no Scrapy, no I/O. For an article,
    `article_page` is its page object, the one the Article is then read from (made here when not given)."""
    if kind not in RENDERED_KINDS:
        return []
    reasons = []
    if any(p.search(url) for p in patterns):
        reasons.append("pattern")
    root = selector.root
    if kind == "article" and (article_page or DawnArticlePage(selector, url)).has_empty_body_container():
        reasons.append("empty_body")
    if is_live_updates_page(root):
        reasons.append("live_updates")
    if has_empty_editorial_sidebar(root):
        reasons.append("empty_sidebar")
    return reasons


class RenderPolicy:
    """The spider's side: decide, and build the playwright request (or drop the page when rendering is off)."""

    def __init__(self, crawler):
        settings = crawler.settings
        self.crawler = crawler
        self.stats = crawler.stats
        self.enabled = settings.getbool("NEWSCRAWL_RENDER")
        self.patterns = [re.compile(p) for p in settings.getlist("NEWSCRAWL_RENDER_PATTERNS") if p.strip()]
        self.wait_ms = settings.getfloat("NEWSCRAWL_RENDER_WAIT") * 1000
        # below the whole-render bound, so a slow navigation fails inside scrapy-playwright, which closes its page
        self.navigation_ms = settings.getfloat("NEWSCRAWL_RENDER_TIMEOUT") * 800

    def reasons(self, response, kind: str, article_page=None) -> list[str]:
        if response.meta.get("playwright"):
            return []  # already rendered: parse what the browser gave
        return render_reasons(response.selector, response.url, kind, self.patterns, article_page)

    def rerender(self, response, reasons: list[str]) -> Request | None:
        """The request that renders this page, or None (counted, logged) when rendering is off."""
        for reason in reasons:
            self.stats.inc_value(f"{STAT}/needed/{reason}")
        if not self.enabled:
            self.stats.inc_value(DROP_STAT)
            logger.warning("Dropped %s: needs rendering (%s) and NEWSCRAWL_RENDER is off [needs_render]",
                           response.url, ", ".join(reasons))
            return None
        return response.request.replace(
            dont_filter=True,  # the same URL again, on purpose
            meta={**response.request.meta, **self.render_meta(reasons)},
        )

    def render_meta(self, reasons: list[str]) -> dict:
        from scrapy_playwright.page import PageMethod

        waits = [PageMethod("wait_for_selector", WAIT_SELECTORS[r], state="attached", timeout=self.wait_ms)
                 for r in reasons if r in WAIT_SELECTORS]
        return {
            "playwright": True,
            "playwright_context": "render",
            "playwright_context_kwargs": {"java_script_enabled": True, "service_workers": "block",
                                          "accept_downloads": False},
            "playwright_page_goto_kwargs": {"wait_until": "domcontentloaded", "timeout": self.navigation_ms},
            "playwright_page_methods": waits,
            "dont_retry": True,  # a render that failed once fails again: RenderFailed is counted instead
        }


# ---- the browser side -----------------------------------------------------------------------------------
class BrowserRouter:
    """Routes every request of a rendered page: block, answer from the mirror, or let through (live)."""

    def __init__(self, mirror, hosts, blocked_resources, stats):
        self.mirror = mirror
        self.hosts = {h.lower() for h in hosts}
        self.blocked_resources = set(blocked_resources)
        self.stats = stats

    def decide(self, url: str, resource_type: str) -> str:
        """"block_resource", "block_host", "mirror" or "live"."""
        if resource_type in self.blocked_resources:
            return "block_resource"
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or (parts.hostname or "").lower() not in self.hosts:
            return "block_host"
        return "mirror" if self.mirror is not None else "live"

    async def route(self, route, request) -> None:
        action = self.decide(request.url, request.resource_type)
        if action == "block_resource":
            self.stats.inc_value(f"{STAT}/blocked/{request.resource_type}")
            await route.abort("blockedbyclient")
        elif action == "block_host":
            self.stats.inc_value(f"{STAT}/blocked/other_host")
            await route.abort("blockedbyclient")
        elif action == "mirror":
            status, headers, body = self.mirror.answer(request.url)
            self.stats.inc_value(f"{STAT}/mirror/{'hit' if status != 404 or body else 'miss'}")
            await route.fulfill(status=status, headers=headers, body=body)
        else:
            self.stats.inc_value(f"{STAT}/live_requests")
            await route.fallback()  # scrapy-playwright's route: Scrapy's headers, then the network


class RenderDownloader:
    """Renders `playwright` requests with a scrapy-playwright handler built on first use."""

    def __init__(self, crawler, mirror=None):
        settings = crawler.settings
        self.crawler = crawler
        self.stats = crawler.stats
        self.enabled = settings.getbool("NEWSCRAWL_RENDER")
        self.timeout = settings.getfloat("NEWSCRAWL_RENDER_TIMEOUT")
        self.handler_path = settings.get("NEWSCRAWL_RENDER_HANDLER")
        self.router = BrowserRouter(mirror, settings.getlist("NEWSCRAWL_RENDER_HOSTS"),
                                    settings.getlist("NEWSCRAWL_RENDER_BLOCKED_RESOURCES"), crawler.stats)
        self._handler = None
        self._lock = asyncio.Lock()
        self._pages: dict[int, object] = {}  # id(request) -> its browser page, while it renders

    async def _get_handler(self):
        async with self._lock:
            if self._handler is None:
                logger.info("Starting the browser for pages that need JavaScript")
                handler = build_from_crawler(load_object(self.handler_path), self.crawler)
                # built after engine_started, so it missed the signal that starts Playwright: start it here
                await handler._maybe_launch_in_thread()
                self._handler = handler
            return self._handler

    async def _init_page(self, page, request) -> None:
        """playwright_page_init_callback: runs after scrapy-playwright's own page.route, so this route runs first."""
        self._pages[id(request)] = page
        await page.route("**/*", self.router.route)

    async def download(self, request):
        if not self.enabled:
            raise RenderFailed(f"{request.url}: NEWSCRAWL_RENDER is off")
        started = time.monotonic()
        # set here, at download time: the request in the scheduler keeps a serialisable meta
        request.meta["playwright_page_init_callback"] = self._init_page
        try:
            handler = await self._get_handler()
            response = await asyncio.wait_for(handler.download_request(request), timeout=self.timeout)
        except Exception as exc:  # noqa: BLE001 - any failure of the browser is a failed render
            self.stats.inc_value(f"{STAT}/failures")
            self.stats.inc_value(f"{STAT}/failures/{type(exc).__name__}")
            detail = (str(exc).splitlines() or [""])[0] or f"longer than NEWSCRAWL_RENDER_TIMEOUT={self.timeout:g}s"
            logger.warning("Render failed: %s (%s: %s)", request.url, type(exc).__name__, detail)
            raise RenderFailed(f"{request.url}: {type(exc).__name__}") from exc
        else:
            self.stats.inc_value(f"{STAT}/pages")
            return response
        finally:
            request.meta.pop("playwright_page_init_callback", None)
            await self._close_page(self._pages.pop(id(request), None))
            elapsed = time.monotonic() - started
            self.stats.set_value(f"{STAT}/seconds", round(self.stats.get_value(f"{STAT}/seconds", 0) + elapsed, 3))
            self.stats.max_value(f"{STAT}/max_seconds", round(elapsed, 3))

    async def _close_page(self, page) -> None:
        """scrapy-playwright closes its page after a render and on its errors; a cancelled render (our
        timeout) skips that, so close it here too, bounded: a hung renderer must not hang the close."""
        if page is None or page.is_closed():
            return
        self.stats.inc_value(f"{STAT}/pages_closed_after_failure")
        try:
            await asyncio.wait_for(page.close(run_before_unload=False), timeout=10)
        except Exception as exc:  # noqa: BLE001
            logger.warning("Could not close a browser page: %s: %s", type(exc).__name__, exc)

    async def close(self) -> None:
        if self._handler is not None:
            await self._handler.close()  # closes every context and the browser
