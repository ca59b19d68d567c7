"""Offline replay: answer every request from a saved copy of the site (setting NEWSCRAWL_MIRROR=DIR).

The mirror is a download handler, so a mirrored crawl runs the real scheduler, downloader middlewares
(robots.txt, retries, compression, ...), spider middlewares and pipelines exactly as a live crawl does;
only the bytes come from disk. DIR holds `manifest.jsonl`:

    {"url": "https://www.dawn.com/news/1532195/pompeo-...", "file": "news/1532195.html",
     "status": 200, "headers": {"Content-Type": "text/html; charset=utf-8"}}

`status` and `headers` are optional. A URL that is not listed answers 404, like a missing page.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from urllib.parse import urlsplit

from scrapy.core.downloader.handlers.base import BaseDownloadHandler
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.http import Headers
from scrapy.responsetypes import responsetypes
from scrapy.utils.misc import build_from_crawler, load_object

from .browser import RenderDownloader
from .stats_keys import MIRROR, PLAIN_PAGES, REQUESTS_BY_HOST
from .urls import strip_query

logger = logging.getLogger(__name__)


class MirrorError(ValueError):
    """The mirror directory or its manifest is unusable; raised at start-up with the reason."""


class Mirror:
    """A loaded manifest: URL -> (path, status, headers). Pure data, no Scrapy."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)
        manifest = self.directory / "manifest.jsonl"
        if not manifest.is_file():
            raise MirrorError(f"NEWSCRAWL_MIRROR={directory}: no manifest.jsonl in that directory")
        self.entries: dict[str, dict] = {}
        for number, line in enumerate(manifest.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
                url, file = entry["url"], entry["file"]
            except (ValueError, KeyError, TypeError) as exc:
                raise MirrorError(f"{manifest}:{number}: not a manifest entry ({exc})") from None
            if not (self.directory / file).is_file():
                raise MirrorError(f"{manifest}:{number}: file {file!r} does not exist")
            self.entries[url] = entry

    def lookup(self, url: str) -> dict | None:
        """The entry for a URL; a query string the manifest does not list is ignored, as the site does."""
        return self.entries.get(url) or self.entries.get(strip_query(url))

    def answer(self, url: str) -> tuple[int, dict, bytes]:
        entry = self.lookup(url)
        if entry is None:
            return 404, {"Content-Type": "text/html; charset=utf-8"}, b""
        body = (self.directory / entry["file"]).read_bytes()
        return int(entry.get("status", 200)), dict(entry.get("headers") or {}), body


class MirrorDownloadHandler(BaseDownloadHandler):
    """http/https handler: serves from NEWSCRAWL_MIRROR when it is set, else downloads for real.

    The real download goes to NEWSCRAWL_LIVE_DOWNLOAD_HANDLER (Scrapy's HTTP/1.1 handler by default), so
    another handler (scrapy-playwright's, say) can be put behind the mirror switch.

    Requests with meta `playwright: True` go to the browser (newscrawl.browser.RenderDownloader) in both modes;
    under a mirror the browser's own requests are answered from it too.
    """

    def __init__(self, crawler):
        super().__init__(crawler)
        directory = crawler.settings.get("NEWSCRAWL_MIRROR")
        self.mirror = Mirror(directory) if directory else None
        self.stats = crawler.stats
        self._live = None
        self.render = RenderDownloader(crawler, self.mirror)  # starts no browser until a page needs one
        if self.mirror is None:
            live_cls = load_object(crawler.settings.get("NEWSCRAWL_LIVE_DOWNLOAD_HANDLER") or HTTP11DownloadHandler)
            self._live = build_from_crawler(live_cls, crawler)
        else:
            logger.info("Offline replay: answering every request from %s (%d URLs)",
                        self.mirror.directory, len(self.mirror.entries))

    async def download_request(self, request):
        self.stats.inc_value(f"{REQUESTS_BY_HOST}/{urlsplit(request.url).netloc}")
        if request.meta.get("playwright"):
            return await self.render.download(request)
        self.stats.inc_value(PLAIN_PAGES)
        if self._live is not None:
            return await self._live.download_request(request)
        status, headers, body = self.mirror.answer(request.url)
        self.stats.inc_value(f"{MIRROR}/hit" if status != 404 or body else f"{MIRROR}/miss")
        headers = Headers(headers)
        response_cls = responsetypes.from_args(headers=headers, url=request.url, body=body)
        return response_cls(url=request.url, status=status, headers=headers, body=body, request=request)

    async def close(self):
        await self.render.close()
        if self._live is not None:
            await self._live.close()


# Chromium resolves names on its own (its own update and account services, prefetching) even when every page
# request is answered by routing. Under a mirror nothing may leave the machine: no name resolves.
NO_NAME_RESOLVES = "--host-resolver-rules=MAP * ~NOTFOUND"


class MirrorAddon:
    """Under a mirror there is no host to spare: no politeness delay, full concurrency; and the browser
    resolves no name, so an offline crawl sends nothing off the machine.

    Set at "spider" priority: above settings.py, below `-s` on the command line.
    """

    def update_settings(self, settings):
        if not settings.get("NEWSCRAWL_MIRROR"):
            return
        launch = dict(settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS"))
        launch["args"] = [*launch.get("args", []), NO_NAME_RESOLVES]
        for name, value in {
            "DOWNLOAD_DELAY": 0,
            "AUTOTHROTTLE_ENABLED": False,
            "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
            "DOWNLOAD_DELAY_JITTER": 0,
            "PLAYWRIGHT_LAUNCH_OPTIONS": launch,
        }.items():
            settings.set(name, value, priority="spider")
