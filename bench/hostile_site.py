"""A hostile www.dawn.com on 127.0.0.1 for whole crawls of #20's classes 1-6 (bench/hostile_text_cases.py), and a
crawl run under an outbound guard. Traffic: 127.0.0.1 only.

`HostileSite` answers from a table of full URLs (scheme and host included, so `http://` and `https://` are two
pages) to (status, header list, body): several Set-Cookie headers, redirects, any bytes. `OriginalUrlHandler`
(NEWSCRAWL_LIVE_DOWNLOAD_HANDLER) is testing.local_site.LocalSiteHandler telling the server which URL was asked.
Like a real server with a 16 KB header limit, it answers 400 to a request whose headers are longer. It logs every
request's URL and Cookie header length.

`guarded_crawl` runs `scrapy crawl dawn` with a `sitecustomize` that refuses, and records, every name lookup and
connection to a host but 127.0.0.1 (the crawl's process and every process it starts): the evidence that a crawl
reached nothing it was not told to.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from testing.local_site import LocalSite, LocalSiteHandler, local_site_settings

ROOT = Path(__file__).resolve().parent.parent
URL_HEADER = "X-Newscrawl-Test-Url"
HEADER_LIMIT = 16 * 1024
ROBOTS = (200, [("Content-Type", "text/plain")], b"User-agent: *\nDisallow: /search\n")
SITE = "https://www.dawn.com"
BODY = ("KARACHI: The first paragraph of a hostile story.", "The second paragraph says more.")

GUARD = '''
import json, os, socket
_LOG = os.environ["NEWSCRAWL_OUTBOUND_LOG"]
_LOCAL = {"127.0.0.1", "localhost", "::1", "", None}

def _host(value):
    return value.decode() if isinstance(value, bytes) else value

def _refuse(host, how):
    with open(_LOG, "a") as log:
        log.write(json.dumps({"host": str(host), "how": how, "pid": os.getpid()}) + "\\n")
    raise OSError(f"test guard: no connection to {host} ({how})")

def _guard_name(function, how):
    def guarded(host, *args, **kwargs):
        if _host(host) not in _LOCAL:
            _refuse(_host(host), how)
        return function(host, *args, **kwargs)
    return guarded

def _guard_connect(function, how):
    def guarded(self, address, *args, **kwargs):
        if isinstance(address, tuple) and _host(address[0]) not in _LOCAL:
            _refuse(_host(address[0]), how)
        return function(self, address, *args, **kwargs)
    return guarded

socket.getaddrinfo = _guard_name(socket.getaddrinfo, "getaddrinfo")
socket.gethostbyname = _guard_name(socket.gethostbyname, "gethostbyname")
socket.gethostbyname_ex = _guard_name(socket.gethostbyname_ex, "gethostbyname_ex")
socket.socket.connect = _guard_connect(socket.socket.connect, "connect")
socket.socket.connect_ex = _guard_connect(socket.socket.connect_ex, "connect_ex")
'''


HTML_UTF8 = [("Content-Type", "text/html; charset=utf-8")]


def story_page(article_id: int, title: str | None = "A hostile story", *, body=BODY, jsonld: str | None = None,
               byline: str | None = "Staff Reporter", caption: str | None = None, title_tag: bool = True,
               head: str = "") -> str:
    """A Dawn article page (the story markup, reduced to what the parser reads)."""
    headline = (f"<h2 class='story__title'><a class='story__link' href='{SITE}/news/{article_id}/x'>{title}</a></h2>"
                if title is not None else "")
    by = f"<span class='story__byline'><a class='story__byline__link' href='/authors/1/x'>{byline}</a></span>" \
        if byline is not None else ""
    figure = (f"<figure class='media'><div class='media__item'><img src='https://i.dawn.com/primary/{article_id}.jpg'>"
              f"</div><figcaption class='media__caption'>{caption}</figcaption></figure>") if caption is not None else ""
    script = f"<script type='application/ld+json'>{jsonld}</script>" if jsonld is not None else ""
    tag = f"<title>{title} - Pakistan - DAWN.COM</title>" if title_tag and title is not None else ""
    paragraphs = "".join(f"<p>{p}</p>" for p in body)
    return (f"<!DOCTYPE html><html><head>{head}<link rel='canonical' href='{SITE}/news/{article_id}'>{tag}{script}"
            f"</head><body><article class='story' data-id='{article_id}' data-tags=''>{headline}{by}"
            "<span class='story__time'><span class='timestamp--label'>Published</span> <span class='timestamp--time "
            "timeago' title='2025-06-19T10:00:00+05:00'>19 Jun, 2025</span></span>"
            f"{figure}<div class='story__content'>{paragraphs}</div></article></body></html>")


def page(article_id: int, **kwargs) -> tuple[int, list, bytes]:
    return 200, HTML_UTF8, story_page(article_id, **kwargs).encode("utf-8")


def redirect(location: str, status: int = 301) -> tuple[int, list, bytes]:
    return status, [("Location", location), ("Content-Type", "text/html")], b""


class OriginalUrlHandler(LocalSiteHandler):
    """LocalSiteHandler, telling the local server the whole URL asked (scheme and host are lost on the way)."""

    async def download_request(self, request):
        tagged = request.replace()
        tagged.headers[URL_HEADER] = request.url
        response = await super().download_request(tagged)
        return response.replace(request=request)


class HostileSite(LocalSite):
    """The local site (testing/local_site.py) answering from a table of full URLs, with a header limit."""

    def __init__(self, pages: dict[str, tuple[int, list[tuple[str, str]], bytes]]):
        super().__init__(directory=None)
        self.pages = {"https://www.dawn.com/robots.txt": ROBOTS, **pages}
        self.requests: list[tuple[str, int]] = []  # (URL, length of its Cookie header)

    def settings(self) -> dict:
        return {**local_site_settings(self.port),
                "NEWSCRAWL_LIVE_DOWNLOAD_HANDLER": "bench.hostile_site.OriginalUrlHandler"}

    def arrived(self, path: str, client_port: int) -> None:
        pass  # logged with its whole URL and Cookie length by respond()

    def respond(self, path: str, request_headers):
        url = request_headers.get(URL_HEADER) or f"https://www.dawn.com{path}"
        with self.lock:
            self.requests.append((url, len(request_headers.get("Cookie") or "")))
        if sum(len(k) + len(v) + 4 for k, v in request_headers.items()) > HEADER_LIMIT:
            return 400, [("Content-Type", "text/plain")], b"Request Header Too Large"
        return self.pages.get(url, (404, [("Content-Type", "text/html")], b"<html></html>"))


def json_or_none(line: str):
    try:
        return json.loads(line)
    except ValueError:
        return None


@dataclass
class GuardedCrawl:
    stats: dict
    lines: list[str]
    articles: list[dict]
    log: str
    returncode: int
    outbound: list[dict]  # every refused lookup or connection to a host but 127.0.0.1


def guarded_crawl(out: Path, settings: dict, *args: str, timeout: float = 300) -> GuardedCrawl:
    """`scrapy crawl dawn` with the outbound guard, a fresh tldextract cache (as on a new machine) and `settings`."""
    out.mkdir(parents=True, exist_ok=True)
    guard_dir = out / "guard"
    guard_dir.mkdir(exist_ok=True)
    (guard_dir / "sitecustomize.py").write_text(GUARD, encoding="utf-8")
    outbound_log = out / "outbound.jsonl"
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "NEWSCRAWL_OUTBOUND_LOG": str(outbound_log),
           "PYTHONPATH": os.pathsep.join([str(guard_dir), str(ROOT), os.environ.get("PYTHONPATH", "")]),
           "TLDEXTRACT_CACHE": str(out / "tldextract-cache"), "XDG_CACHE_HOME": str(out / "cache")}
    command = [sys.executable, "-m", "scrapy", "crawl", "dawn", *args, "-s", f"NEWSCRAWL_OUTPUT_DIR={out}",
               "-s", f"NEWSCRAWL_STATE={out / 'state.sqlite'}", "-s", "NEWSCRAWL_SUMMARY=0",
               "-s", "TELNETCONSOLE_ENABLED=0", "-s", "LOG_LEVEL=INFO"]
    for name, value in settings.items():
        command += ["-s", f"{name}={value}"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env)
    stats_path = out / "last_crawl.json"
    articles_path = out / "articles.jsonl"
    lines = articles_path.read_text(encoding="utf-8", errors="surrogateescape").splitlines() \
        if articles_path.exists() else []
    articles = [article for article in map(json_or_none, lines) if article is not None]
    outbound = [json.loads(line) for line in outbound_log.read_text().splitlines()] if outbound_log.exists() else []
    return GuardedCrawl(json.loads(stats_path.read_text()) if stats_path.exists() else {}, lines, articles,
                        done.stderr, done.returncode, outbound)
