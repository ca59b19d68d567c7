"""`scrapy savefixture URL [--name NAME]`: record a page as a fixture; `scrapy savefixture --check`: re-parse every
fixture and diff it against its expected JSON.

Recording fetches through the project's normal download path (robots.txt, Retry-After backoff, retries, and
NEWSCRAWL_MIRROR when set), and writes under fixtures/:
  recorded/<name>.html            the page as received (decoded, stored as UTF-8)
  recorded/<name>.meta.json       url, final url, fetch time, status, headers, encoding, real or reconstructed
  expected/recorded/<name>.json   a DRAFT expected JSON ("reviewed": false) from today's parser: the tests fail
                                  on it until a person has checked every field against the page and set
                                  "reviewed": true
"""

from __future__ import annotations

import json
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import scrapy
from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.http import TextResponse

from newscrawl.fixture_library import FIXTURES, GROUPS, article_fixtures
from newscrawl.extraction import parse_article, sidebar_teasers
from newscrawl.urls import article_id_from_url

# Pages the fixture builders made say so in their first line; anything else fetched is taken as the real site.
RECONSTRUCTED_MARK = "<!-- newscrawl fixture: RECONSTRUCTED"


class FetchOnce(scrapy.Spider):
    """Fetches one URL and hands the response (or the failure) back; nothing else of the crawl runs."""

    name = "savefixture"
    # the download path stays (handlers, downloader middlewares, robots.txt); the crawl's own machinery goes:
    # no state store or incremental skipping, no pipelines, no summary overwriting last_crawl.json, no monitors
    custom_settings = {"NEWSCRAWL_STATE": "", "SPIDER_MIDDLEWARES": {}, "ITEM_PIPELINES": {}, "EXTENSIONS": {}}

    def __init__(self, url: str, results: list, **kwargs):
        super().__init__(**kwargs)
        self.url, self.results = url, results

    async def start(self):
        # every status reaches the callback: a 404 is reported, not silently dropped
        yield scrapy.Request(self.url, callback=self.results.append, errback=self.results.append,
                             dont_filter=True, meta={"handle_httpstatus_all": True})


def default_name(url: str) -> str:
    article_id = article_id_from_url(url)
    return str(article_id) if article_id else re.sub(r"[^a-z0-9]+", "-", urlsplit(url).path.lower()).strip("-") or "home"


def draft_expected(response: TextResponse, name: str, kind: str, fetched_at: str) -> dict:
    """The contract's expected JSON, filled in by today's parser, unreviewed."""
    article = parse_article(response.selector, response.url)
    article.pop("content_hash", None)  # set by the strip-sidebar pipeline, not by extraction
    body = article.pop("body")
    article["body_paragraphs"] = body.split("\n\n") if body else []
    return {"fixture": {"url": response.url, "file": f"{name}.html", "kind": kind,
                        "based_on": f"recorded by scrapy savefixture on {fetched_at}; DRAFT from the parser of that day",
                        "reviewed": False, "variations": []},
            "article": {"item_type": "Article", **article},
            "teasers": [{"item_type": "EditorialTeaser", **teaser}
                        for teaser in sidebar_teasers(response.selector, response.url)]}


def record(response: TextResponse, name: str, root: Path, mirror: str | None) -> list[Path]:
    fetched_at = datetime.now(UTC).isoformat(timespec="seconds")
    kind = "reconstructed" if response.text.lstrip().startswith(RECONSTRUCTED_MARK) else "real"
    html_dir, expected_dir = root / GROUPS["recorded"][0], root / GROUPS["recorded"][1]
    html_dir.mkdir(parents=True, exist_ok=True)
    expected_dir.mkdir(parents=True, exist_ok=True)
    meta = {"url": response.request.url, "final_url": response.url, "fetched_at": fetched_at, "status": response.status,
            "headers": {k.decode("latin-1"): [v.decode("latin-1") for v in vs] for k, vs in response.headers.items()},
            "encoding": response.encoding, "kind": kind, "source": f"mirror {mirror}" if mirror else "live"}
    paths = [html_dir / f"{name}.html", html_dir / f"{name}.meta.json", expected_dir / f"{name}.json"]
    paths[0].write_text(response.text, encoding="utf-8")
    paths[1].write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    expected = draft_expected(response, name, kind, fetched_at)
    paths[2].write_text(json.dumps(expected, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return paths


def check(root: Path, out=sys.stdout) -> int:
    """Print each fixture's field-by-field differences; the number of fixtures that differ."""
    differing = 0
    for fixture in article_fixtures(root=root):
        if fixture.needs_render:
            print(f"{fixture.name}: skipped (describes the rendered page; see tests/test_render.py)", file=out)
            continue
        note = "" if fixture.reviewed else " [unreviewed draft]"
        mismatches = fixture.diff()
        print(f"{fixture.name}: {'OK' if not mismatches else f'{len(mismatches)} field(s) differ'}{note}", file=out)
        for field, values in mismatches.items():
            print(f"  {field}:\n    expected {json.dumps(values['expected'], ensure_ascii=False)}\n"
                  f"    got      {json.dumps(values['got'], ensure_ascii=False)}", file=out)
        differing += bool(mismatches)
    print(f"{differing} fixture(s) differ from their expected JSON", file=out)
    return differing


class Command(ScrapyCommand):
    requires_project = True

    def syntax(self) -> str:
        return "[--name NAME] URL | --check"

    def short_desc(self) -> str:
        return "Record a page as an extraction fixture, or diff every fixture against its expected JSON"

    def add_options(self, parser) -> None:
        super().add_options(parser)
        parser.add_argument("--name", help="file name of the fixture (default the article id)")
        parser.add_argument("--check", action="store_true", help="re-parse every fixture and print the differences")
        # no colon in the help: Scrapy's formatter takes a wrapped line ending in one for a section heading
        parser.add_argument("--fixtures", default=str(FIXTURES), help="the fixtures folder (default %(default)s)")

    def run(self, args: list[str], opts) -> None:
        root = Path(opts.fixtures)
        if opts.check:
            if args:
                raise UsageError("--check takes no URL")
            self.exitcode = 1 if check(root) else 0
            return
        if len(args) != 1 or urlsplit(args[0]).scheme not in ("http", "https"):
            raise UsageError("give one http(s) URL")
        results: list = []
        self.crawler_process.crawl(FetchOnce, url=args[0], results=results)
        self.crawler_process.start()
        self.exitcode = self._save(results, opts.name or default_name(args[0]), root)

    def _save(self, results: list, name: str, root: Path) -> int:
        response = results[0] if results else None
        if not isinstance(response, TextResponse) or response.status != 200:
            reason = (f"HTTP {response.status}" if hasattr(response, "status")
                      else getattr(getattr(response, "value", None), "__class__", type(None)).__name__)
            print(f"savefixture: not saved: {reason}", file=sys.stderr)
            return 1
        for path in record(response, name, root, self.settings.get("NEWSCRAWL_MIRROR")):
            print(f"savefixture: wrote {path}", file=sys.stderr)
        print("savefixture: check every field of the draft against the page, then set \"reviewed\": true", file=sys.stderr)
        return 0
