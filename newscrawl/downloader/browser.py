"""The browser: scrapy-playwright's Chromium, started on the first page that needs it, kept at home.

`RenderDownloader` (used by newscrawl.downloader.handler.RoutingDownloadHandler for `playwright` requests) builds the
scrapy-playwright handler on the first render only, so a crawl that renders nothing never starts Playwright or a
browser. A render is bounded by NEWSCRAWL_RENDER_TIMEOUT; its page is closed whatever happens.

The browser loads nothing from another host (docs/SURVIVES.md, tests/test_browser_isolation.py):
- every request of the browser context is routed (`BrowserRouter`), at the context level, so popups that a page
  opens (window.open) are routed too: images, fonts and media are aborted; requests for NEWSCRAWL_RENDER_HOSTS
  are answered from the mirror under NEWSCRAWL_MIRROR (else passed on to the network through scrapy-playwright's
  own route); every other host is aborted;
- WebSockets, which routing of requests does not see, are routed on their own and refused;
- service workers are blocked (context option), and WebRTC is switched off twice: Chromium's policy for
  non-proxied UDP, and the page's RTCPeerConnection removed before any script runs;
- Chromium's own background services (updates, safe browsing, sync, field trials, ...) are switched off by
  the flags that `BrowserIsolationAddon` adds to whatever PLAYWRIGHT_LAUNCH_OPTIONS say; and as Debian's
  Chromium still calls update.googleapis.com and accounts.google.com with every flag tried, the browser's
  connections all go to a wall (NEWSCRAWL_BROWSER_WALL, a proxy address where nothing answers), but those to
  NEWSCRAWL_RENDER_HOSTS in a live crawl.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from urllib.parse import urlsplit

from scrapy.utils.misc import build_from_crawler, load_object

from newscrawl.downloader.offline import is_hit, is_offline
from newscrawl.stats_keys import RENDER

logger = logging.getLogger(__name__)

STAT = RENDER

# Chromium switches against its own background traffic and WebRTC's UDP (Playwright adds its own set too, with
# the --disable-features list that must not be overridden here).
ISOLATION_ARGS = (
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
    "--no-default-browser-check", "--disable-default-apps", "--disable-extensions", "--disable-domain-reliability",
    "--disable-client-side-phishing-detection", "--disable-breakpad", "--no-pings", "--metrics-recording-only",
    "--disable-field-trial-config", "--safebrowsing-disable-auto-update",
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp", "--webrtc-ip-handling-policy=disable_non_proxied_udp",
)
# Run in every page and popup before its own scripts: a crawler has no use for WebRTC.
NO_WEBRTC_SCRIPT = """(() => {
  for (const name of ["RTCPeerConnection", "webkitRTCPeerConnection", "RTCDataChannel", "RTCSessionDescription",
                      "RTCIceCandidate"]) {
    try { Object.defineProperty(window, name, {value: undefined, configurable: false, writable: false}); } catch (e) {}
  }
})();"""


class RenderFailed(Exception):
    """A render that did not give a page: timeout, browser error, crash. Counted, logged, never retried; the
    spider reads the page's plain HTML instead (newscrawl.crawl.render_policy.RenderPolicy.plain_fallback).
    `cause` names the browser's exception ("TimeoutError", "Error", "TargetClosedError")."""

    def __init__(self, message: str, cause: str | None = None):
        super().__init__(message)
        self.cause = cause


def isolated_launch_options(options: dict, wall: str, direct_hosts: list[str]) -> dict:
    """Launch options with ISOLATION_ARGS added to their args (none twice), and the wall: every connection the
    browser opens goes to the proxy `wall` (a closed local port), except to `direct_hosts`. Loopback addresses
    go to the wall too (`<-loopback>`): a page's script reaches no local service either. Launch options that name
    a proxy of their own keep it."""
    args = list(options.get("args") or [])
    added = [a for a in ISOLATION_ARGS if a not in args]
    if wall and not any(a.startswith("--proxy-server") for a in args):
        added += [f"--proxy-server=http://{wall}", f"--proxy-bypass-list={';'.join([*direct_hosts, '<-loopback>'])}"]
    return {**options, "args": args + added}


class BrowserIsolationAddon:
    """Adds the isolation switches and the wall to PLAYWRIGHT_LAUNCH_OPTIONS at the priority they were set with,
    so that launch options given on the command line (-s) keep the browser at home too. Under a mirror no host
    is direct: the browser's pages come from the mirror by routing, and nothing needs the network."""

    def update_settings(self, settings):
        priority = settings.getpriority("PLAYWRIGHT_LAUNCH_OPTIONS") or 0
        offline = is_offline(settings)
        direct = [] if offline else settings.getlist("NEWSCRAWL_RENDER_HOSTS")
        options = isolated_launch_options(settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS"),
                                          settings.get("NEWSCRAWL_BROWSER_WALL"), direct)
        settings.set("PLAYWRIGHT_LAUNCH_OPTIONS", options, priority=priority)


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
            self.stats.inc_value(f"{STAT}/mirror/{'hit' if is_hit(status, body) else 'miss'}")
            await route.fulfill(status=status, headers=headers, body=body)
        else:
            self.stats.inc_value(f"{STAT}/live_requests")
            await route.fallback()  # scrapy-playwright's route: Scrapy's headers, then the network

    async def refuse_web_socket(self, web_socket_route) -> None:
        """A WebSocket is never connected: no host of the site's needs one for the items, and routing of
        requests does not see them."""
        self.stats.inc_value(f"{STAT}/blocked/websocket")
        await web_socket_route.close(code=1008, reason="blocked by newscrawl")


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
        self._isolated_contexts: weakref.WeakSet = weakref.WeakSet()  # browser contexts routed already

    async def _get_handler(self):
        async with self._lock:
            if self._handler is None:
                logger.info("Starting the browser for pages that need JavaScript")
                handler = build_from_crawler(load_object(self.handler_path), self.crawler)
                self._isolate_new_contexts(handler)
                # built after engine_started, so it missed the signal that starts Playwright: start it here
                await handler._maybe_launch_in_thread()
                self._handler = handler
            return self._handler

    async def _isolate(self, context) -> None:
        """The context's routes catch what a page route cannot: popups a page opens, and WebSockets."""
        self._isolated_contexts.add(context)
        await context.add_init_script(NO_WEBRTC_SCRIPT)
        await context.route("**/*", self.router.route)
        await context.route_web_socket("**/*", self.router.refuse_web_socket)

    def _isolate_new_contexts(self, handler) -> None:
        """Isolate each context scrapy-playwright creates before its first page exists: set up later, the
        context's routes would wait on every page in it, a hung one included."""
        create = getattr(handler, "_create_browser_context", None)
        if create is None:
            return  # another handler: contexts are isolated on their first page instead (_init_page)

        async def create_isolated(*args, **kwargs):
            wrapper = await create(*args, **kwargs)
            await self._isolate(wrapper.context)
            return wrapper

        handler._create_browser_context = create_isolated

    async def _init_page(self, page, request) -> None:
        """playwright_page_init_callback, before navigation. The page route runs before scrapy-playwright's own
        (routes added later run first)."""
        self._pages[id(request)] = page
        if page.context not in self._isolated_contexts:
            await self._isolate(page.context)
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
            raise RenderFailed(f"{request.url}: {type(exc).__name__}", type(exc).__name__) from exc
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
