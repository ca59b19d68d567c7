"""bench/hostile.py's cases of #20 classes 7 and 8 (other feed formats, damaged WARC archives): whole crawls, each
compared with what must come out of it.

    .venv/bin/python bench/hostile_feed_warc_cases.py     # alone; bench/hostile.py runs them too

Each case is a `scrapy crawl dawn` over a small mirror (testing/hostile_feeds_site.py) or a damaged archive
(testing/damaged_warc.py), and reports: the articles that must be written (`expected`), those written, **lost**
(expected but not written), what was counted instead (skips, unreadable regions), the exit code, **uncaught**
(exceptions escaping a parser or the spider) and **off_host** (requests to any host but www.dawn.com).
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from testing.crawls import run_crawl  # noqa: E402
from testing.damaged_warc import (STATIC_IDS, damaged_gzip_warc, damaged_plain_warc,  # noqa: E402
                                one_stream_warc)
from testing.hostile_feeds_site import (ATOM_IDS, CHAIN_ID, ENTRY_POINTS, GZIP_IDS, ROOT_URL,  # noqa: E402
                                      WIDE_IDS, hostile_feeds_mirror)

COUNTED = ("newscrawl/skipped/", "newscrawl/skipped_entries/", "newscrawl/dropped/", "newscrawl/replay/unreadable/")


def _figures(name: str, result, expected: set[int], not_expected: set[int] = frozenset()) -> dict:
    stats = result.stats
    written = {a["article_id"] for a in result.articles}
    hosts = {k.rsplit("/", 1)[1] for k in stats if k.startswith("newscrawl/requests_by_host/")}
    return {
        "case": name, "expected": len(expected), "written": len(written & expected),
        "lost": sorted(expected - written), "written_although_beyond_a_limit": sorted(written & not_expected),
        "counted": {k: v for k, v in sorted(stats.items()) if k.startswith(COUNTED) and k != "newscrawl/skipped/http_404"},
        "exit_code": result.returncode,
        "uncaught": (sum(v for k, v in stats.items() if k.startswith("spider_exceptions/") and k != "spider_exceptions/count")
                     + stats.get("newscrawl/dropped/parser_error", 0)),
        "off_host": len(hosts - {"www.dawn.com"}),
    }


def feed_warc_cases(work: Path) -> list[dict]:
    """Every case, in order; `work` is a scratch directory."""
    no_render = {"NEWSCRAWL_RENDER": "0", "NEWSCRAWL_LISTINGS": ""}
    mirror = hostile_feeds_mirror(work / "feeds-mirror", chain_length=6)
    cases = []
    feeds = run_crawl(work / "feeds", mirror=mirror, settings={**no_render, "NEWSCRAWL_FEEDS": ",".join(ENTRY_POINTS)})
    cases.append(_figures("atom feed, gzipped sitemaps, gzip bomb sitemap, chain of 6 sitemap indexes", feeds,
                          {*ATOM_IDS, *GZIP_IDS}, {CHAIN_ID}))
    wide = run_crawl(work / "wide", mirror=mirror, settings={
        **no_render, "NEWSCRAWL_FEEDS": f"{ROOT_URL}/feeds/sitemap-wide", "NEWSCRAWL_SITEMAP_MAX_CHILDREN": 2})
    cases.append(_figures("sitemap index wider than NEWSCRAWL_SITEMAP_MAX_CHILDREN=2", wide, set(WIDE_IDS[:2]),
                          set(WIDE_IDS[2:])))
    archives = work / "damaged"
    archives.mkdir()
    _, kept_gzip = damaged_gzip_warc(archives / "damaged.warc.gz", STATIC_IDS[:8])
    _, kept_plain = damaged_plain_warc(archives / "damaged.warc", STATIC_IDS[8:16])
    replay = {"NEWSCRAWL_RENDER": "0"}
    for run in ("first run", "second run (index reused)"):
        damaged = run_crawl(work / f"damaged-{len(cases)}", "-a", "from_archive=1", mirror=None,
                            settings={**replay, "NEWSCRAWL_REPLAY": archives})
        cases.append(_figures(f"damaged WARC (garbage, Content-Length short and long, flipped gzip byte), {run}",
                              damaged, kept_gzip | kept_plain))
    one = one_stream_warc(work / "one-stream.warc.gz")
    stream = run_crawl(work / "one-stream", "-a", "from_archive=1", mirror=None,
                       settings={**replay, "NEWSCRAWL_REPLAY": one})
    cases.append(_figures(".warc.gz written as one gzip stream", stream, set(STATIC_IDS)))
    return cases


def totals(cases: list[dict]) -> dict:
    return {"lost": sum(len(c["lost"]) + len(c["written_although_beyond_a_limit"]) for c in cases),
            "uncaught": sum(c["uncaught"] for c in cases), "off_host": sum(c["off_host"] for c in cases)}


def main() -> int:
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="newscrawl-feed-warc-") as tmp:
        cases = feed_warc_cases(Path(tmp))
    print(json.dumps({"cases": cases, "totals": totals(cases), "seconds": round(time.monotonic() - started, 1)},
                     indent=1))
    return 0 if not any(totals(cases).values()) else 1


if __name__ == "__main__":
    sys.exit(main())
