"""The http/https download handler: routes each request to the browser, an offline source or the live site,
and records what came back into WARC files.

- meta `playwright: True` -> the browser (newscrawl.downloader.browser.RenderDownloader); under NEWSCRAWL_REPLAY the page as
  the browser returned it when it was recorded, when the archive has it (else the browser, fed from the archive);
- NEWSCRAWL_MIRROR / NEWSCRAWL_REPLAY set -> answered from the mirror directory or the WARC archives
  (newscrawl.downloader.offline);
- otherwise the real download, by NEWSCRAWL_LIVE_DOWNLOAD_HANDLER (Scrapy's HTTP/1.1 handler by default).

Being a download handler, it sits below every downloader middleware: an offline crawl runs the real scheduler,
middlewares (robots.txt, retries, compression, ...) and pipelines exactly as a live one, and the recorder sees
the status, headers and body as the server sent them (before decompression), redirects and errors included.
"""

from __future__ import annotations

import logging
import weakref
from urllib.parse import urlsplit

from scrapy.core.downloader.handlers.base import BaseDownloadHandler
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.http import Headers
from scrapy.responsetypes import responsetypes
from scrapy.utils.misc import build_from_crawler, load_object

from newscrawl.archive.recorder import WarcRecorder
from newscrawl.archive.replay import Archive
from newscrawl.downloader.offline import is_hit, is_offline, offline_source
from newscrawl.downloader.browser import RenderDownloader
from newscrawl.stats_keys import MIRROR, PLAIN_PAGES, REPLAY, REQUESTS_BY_HOST

logger = logging.getLogger(__name__)

RENDERER = "chromium"  # what a rendered capture says rendered it


def warc_directory(settings) -> str | None:
    """NEWSCRAWL_WARC_DIR: "auto" records a live crawl into <NEWSCRAWL_OUTPUT_DIR>/warc and an offline one
    nowhere; empty, 0 or off records nothing; anything else is the directory."""
    value = (settings.get("NEWSCRAWL_WARC_DIR") or "").strip()
    if value.lower() in ("", "0", "off", "false", "no"):
        return None
    if value.lower() == "auto":
        return None if is_offline(settings) else f"{settings.get('NEWSCRAWL_OUTPUT_DIR')}/warc"
    return value


def build_response(request, status: int, headers: dict, body: bytes):
    headers = Headers(headers)
    response_cls = responsetypes.from_args(headers=headers, url=request.url, body=body)
    return response_cls(url=request.url, status=status, headers=headers, body=body, request=request)


# crawler -> its handler: DOWNLOAD_HANDLERS maps http and https to this class, and Scrapy builds one per scheme;
# one handler (one source, browser, recorder, live client) serves both
_handlers: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class RoutingDownloadHandler(BaseDownloadHandler):
    @classmethod
    def from_crawler(cls, crawler):
        if crawler not in _handlers:
            _handlers[crawler] = cls(crawler)
        return _handlers[crawler]

    def __init__(self, crawler):
        super().__init__(crawler)
        settings = crawler.settings
        self.stats = crawler.stats
        self.source = offline_source(settings)
        self.replaying = isinstance(self.source, Archive)
        self.source_stat = REPLAY if self.replaying else MIRROR
        if self.replaying:
            self.source.report_damage(self.stats)
        self.render = RenderDownloader(crawler, self.source)  # starts no browser until a page needs one
        self._live = None
        self._closed = False
        if self.source is None:
            live_cls = load_object(settings.get("NEWSCRAWL_LIVE_DOWNLOAD_HANDLER") or HTTP11DownloadHandler)
            self._live = build_from_crawler(live_cls, crawler)
        elif not self.replaying:
            logger.info("Offline replay: answering every request from %s (%d URLs)",
                        self.source.directory, len(self.source.entries))
        self.recorder = None
        if directory := warc_directory(settings):
            self.recorder = WarcRecorder(directory, settings.getint("NEWSCRAWL_WARC_MAX_BYTES"),
                                         software=f"newscrawl {crawler_version()} (Scrapy)",
                                         user_agent=settings.get("USER_AGENT"),
                                         robots="obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
                                         stats=self.stats)

    async def download_request(self, request):
        self.stats.inc_value(f"{REQUESTS_BY_HOST}/{urlsplit(request.url).netloc}")
        if request.meta.get("playwright"):
            response = self._recorded_render(request)
            if response is not None:
                return response
            response = await self.render.download(request)
            self._record(request, response, rendered_by=RENDERER)
            return response
        self.stats.inc_value(PLAIN_PAGES)
        if self._live is not None:
            response = await self._live.download_request(request)
        else:
            status, headers, body = self.source.answer(request.url)
            self.stats.inc_value(f"{self.source_stat}/{'hit' if is_hit(status, body) else 'miss'}")
            response = build_response(request, status, headers, body)
        self._record(request, response)
        return response

    def _recorded_render(self, request):
        if not self.replaying:
            return None
        answer = self.source.answer_rendered(request.url)
        if answer is None:
            return None
        self.stats.inc_value(f"{REPLAY}/rendered")
        return build_response(request, *answer)

    def _record(self, request, response, rendered_by: str | None = None) -> None:
        if self.recorder is not None:
            self.recorder.record(request, response, rendered_by=rendered_by)

    async def close(self):
        if self._closed:  # Scrapy closes it once per scheme
            return
        self._closed = True
        await self.render.close()
        if self._live is not None:
            await self._live.close()
        if self.recorder is not None:
            self.recorder.close()
        if self.replaying:  # its open WARC files; the Archive (shared in the process) reopens one it reads again
            self.source.close()


def crawler_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("newscrawl")
    except PackageNotFoundError:
        return "unknown"
