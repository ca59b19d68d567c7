"""A download handler for tests: every request for www.dawn.com goes to 127.0.0.1:<NEWSCRAWL_TEST_PORT> instead
(plain HTTP), through Scrapy's real HTTP/1.1 handler. Set it as NEWSCRAWL_LIVE_DOWNLOAD_HANDLER; nothing leaves
127.0.0.1. A closed port there is a host that cannot be reached."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler


class LocalhostDownloadHandler(HTTP11DownloadHandler):
    def __init__(self, crawler):
        super().__init__(crawler)
        self.port = crawler.settings.getint("NEWSCRAWL_TEST_PORT")

    async def download_request(self, request):
        parts = urlsplit(request.url)
        local = urlunsplit(("http", f"127.0.0.1:{self.port}", parts.path, parts.query, ""))
        response = await super().download_request(request.replace(url=local))
        return response.replace(url=request.url)
