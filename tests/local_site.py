"""The offline site served by a real HTTP server on 127.0.0.1, for live-style crawls.

`LocalSite` serves fixtures/site (or any mirror directory) over HTTP, with each manifest entry's status and
headers plus headers a real server sends (Server, Date, Content-Length, a test marker); unlisted paths answer
404. `tests.generated_site.LocalSiteHandler`, set as NEWSCRAWL_LIVE_DOWNLOAD_HANDLER, maps
https://www.dawn.com/... onto that server (setting NEWSCRAWL_TEST_SITE_PORT=site.port) with Scrapy's own HTTP/1.1
handler, and gives the response back under the www.dawn.com URL: the crawl is a live one in every other respect.
"""

from __future__ import annotations

import http.server
import threading
import time
from pathlib import Path

from newscrawl.downloader.mirror import Mirror

MARKER = ("X-Served-By", "newscrawl-test-site")


class AnsweringServer:
    """A ThreadingHTTPServer on a free port of 127.0.0.1, each GET answered by `answer(path, request_headers)`, which
    gives (status, headers, body); Content-Length is added."""

    def __init__(self, answer):
        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802 - http.server's name
                status, headers, body = answer(self.path, self.headers)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


class LocalSite(AnsweringServer):
    """The offline site (a mirror) served on 127.0.0.1; counts the requests it got."""

    def __init__(self, directory: Path, delay: float = 0.0):
        self.mirror = Mirror(directory)
        self.requests: list[str] = []
        self.delay = delay
        super().__init__(self.answer)

    def answer(self, path: str, request_headers) -> tuple[int, dict, bytes]:
        url = f"https://www.dawn.com{path}"
        self.requests.append(url)
        if self.delay:
            time.sleep(self.delay)
        status, headers, body = self.mirror.answer(url)
        return status, {**headers, MARKER[0]: MARKER[1]}, body
