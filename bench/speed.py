#!/usr/bin/env python3
"""Benchmark: what extraction and a whole crawl cost, against what parsing and fetching the same pages cost.
Everything is measured in one run, on this machine, so the ratios compare like with like.

    .venv/bin/python bench/speed.py                  # --pages 1000: well under a minute on 2 cores
    .venv/bin/python bench/speed.py --pages 3000 --repeat 7
    .venv/bin/python bench/speed.py --rss            # also peak RSS of crawls of 1,000 and 10,000 pages

1. Per page, on the offline site's article pages (fixtures/site; the three that need JavaScript left out), the
   median of `--repeat` timings of:
   - the floor: `lxml.html.fromstring` of the page's HTML;
   - this project's extraction from an already parsed page, as the spider does it (`extract_article_page`):
     the render decision, the Article and all the sidebar's teasers, on a fresh tree each time;
   - trafilatura's `bare_extraction` of the HTML (parsing included; one timing per page: it is slow).
2. A synthetic mirror of `--pages` article pages, made from those fixture pages with distinct article ids (each
   page's own id replaced by a new one; its sidebar teasers stay, so every page repeats the same six).
3. Crawls of all of them, each in a subprocess, pages/s taken over Scrapy's `elapsed_time_seconds`:
   - a bare Scrapy spider fetching the same files (file://, Scrapy's default settings, parse does nothing);
   - `scrapy crawl dawn -a url_file=...` under NEWSCRAWL_MIRROR, state store off, then on (a fresh one), with the
     default NEWSCRAWL_EXTRACT_PROCESSES (auto: one worker process reads the article pages on 2+ cores);
   - the same, state off, with NEWSCRAWL_EXTRACT_PROCESSES=0: everything in one process, on one core.
   For each: CPU seconds (user+system, the worker's included) and peak RSS (the largest process's max resident set,
   from wait4).
4. With `--rss`: the full crawl again at 1,000 and 10,000 pages, state off and on: peak RSS of each.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SITE = ROOT / "fixtures" / "site"
FIRST_SYNTHETIC_ID = 4_000_000  # far above every id the fixtures use


# ---- fixture pages ----------------------------------------------------------------------------------------
def fixture_pages() -> list[tuple[int, str, str]]:
    """(article id, url, html) of every offline-site article page that parses without a browser (read from the
    expected JSON files, as the fixture tests do)."""
    pages = []
    for path in sorted((ROOT / "fixtures" / "expected").glob("*.json")):
        if not path.stem.isdigit():
            continue  # site.json and the id lists
        fixture = json.loads(path.read_text(encoding="utf-8"))["fixture"]
        if not fixture.get("needs_render"):
            pages.append((int(path.stem), fixture["url"], (SITE / fixture["file"]).read_text(encoding="utf-8")))
    return pages


def median_ms(function, repeat: int, fresh=lambda: None) -> float:
    """Median of `repeat` timings of function(fresh()), in CPU time of this process (other processes on a shared
    machine slow the wall clock, not this); fresh() is not timed."""
    times = []
    for _ in range(repeat):
        argument = fresh()
        started = time.process_time()
        function(argument)
        times.append(time.process_time() - started)
    return statistics.median(times) * 1000


def extract_article_page(selector, url: str) -> tuple[list[str], dict, list[dict]]:
    """What the spider reads from a plain article page: the render decision, the Article and every teaser of the
    sidebar (none skipped as already emitted: the worst case, a page whose teasers are all new)."""
    try:
        from newscrawl.crawl.render_policy import render_reasons
    except ImportError:  # the code before render.py was split (a baseline)
        from newscrawl.render import render_reasons

    try:
        from newscrawl.extraction import ParsedArticlePage
    except ImportError:  # the code before one page object per response, so that a baseline can be measured
        from newscrawl.extraction import parse_article, sidebar_teasers

        return render_reasons(selector, url, "article", ()), parse_article(selector, url), sidebar_teasers(selector, url)
    article = ParsedArticlePage(selector, url)
    reasons = render_reasons(selector, url, "article", (), article.page)
    return reasons, article.article_fields(), article.sidebar.teasers()


def time_extraction(pages, repeat: int) -> dict:
    import lxml.html
    import trafilatura
    from parsel import Selector

    floor, ours, traf = [], [], []
    for _, url, html in pages:
        floor.append(median_ms(lambda _: lxml.html.fromstring(html), repeat))
        # a new tree for every timing: nothing found on the page in one timing is reused by the next
        ours.append(median_ms(lambda selector: extract_article_page(selector, url), repeat,
                              fresh=lambda: Selector(text=html)))
        traf.append(median_ms(lambda _: trafilatura.bare_extraction(html, url=url, with_metadata=True), 1))
    ratios = [o / f for o, f in zip(ours, floor)]
    return {"pages": len(pages), "kb_per_page": round(statistics.mean(len(h.encode()) for *_, h in pages) / 1024, 1),
            "lxml_floor_ms": statistics.median(floor), "extraction_ms": statistics.median(ours),
            "trafilatura_ms": statistics.median(traf), "extraction_over_floor": statistics.median(ours) / statistics.median(floor),
            "extraction_over_floor_per_page_median": statistics.median(ratios),
            "extraction_over_floor_per_page_max": max(ratios)}


# ---- the synthetic mirror -----------------------------------------------------------------------------------
def build_mirror(directory: Path, pages, count: int) -> list[str]:
    """`count` article pages under `directory` (a NEWSCRAWL_MIRROR), ids FIRST_SYNTHETIC_ID...; their URLs."""
    (directory / "news").mkdir(parents=True)
    shutil.copy(SITE / "robots.txt", directory / "robots.txt")
    entries = [{"url": "https://www.dawn.com/robots.txt", "file": "robots.txt", "headers": {"Content-Type": "text/plain"}}]
    urls = []
    for n in range(count):
        old_id, _, html = pages[n % len(pages)]
        new_id = FIRST_SYNTHETIC_ID + n
        file = f"news/{new_id}.html"
        (directory / file).write_text(html.replace(str(old_id), str(new_id)), encoding="utf-8")
        url = f"https://www.dawn.com/news/{new_id}"
        urls.append(url)
        entries.append({"url": url, "file": file, "headers": {"Content-Type": "text/html; charset=utf-8"}})
    (directory / "manifest.jsonl").write_text("".join(json.dumps(e) + "\n" for e in entries), encoding="utf-8")
    (directory / "urls.txt").write_text("".join(u + "\n" for u in urls), encoding="utf-8")
    return urls


# ---- crawls in subprocesses ----------------------------------------------------------------------------------
def run(command: list[str], stats_path: Path) -> dict:
    """Run a crawl; its stats (elapsed_time_seconds, counts), CPU seconds and peak RSS in MB."""
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0 or not stats_path.is_file():
        sys.exit(f"crawl failed ({process.returncode}): {' '.join(command)}\n{stderr.decode(errors='replace')[-3000:]}")
    stats = json.loads(stats_path.read_text(encoding="utf-8"))
    return {"stats": stats, "cpu_s": usage.ru_utime + usage.ru_stime, "peak_rss_mb": usage.ru_maxrss / 1024}


def bare_fetch(directory: Path, count: int) -> dict:
    stats_path = directory / "bare-stats.json"
    result = run([sys.executable, __file__, "--bare-fetch", str(directory), "--stats", str(stats_path)], stats_path)
    fetched = result["stats"].get("response_received_count", 0)
    if fetched != count:
        sys.exit(f"the bare fetch got {fetched} responses, not {count}")
    return result


def full_crawl(directory: Path, count: int, state: bool, name: str, processes: str = "auto") -> dict:
    output = directory / name
    command = [sys.executable, "-m", "scrapy", "crawl", "dawn", "-a", f"url_file={directory / 'urls.txt'}",
               "-s", f"NEWSCRAWL_MIRROR={directory}", "-s", f"NEWSCRAWL_OUTPUT_DIR={output}",
               "-s", f"NEWSCRAWL_STATE={output / 'state.sqlite' if state else ''}",
               "-s", f"NEWSCRAWL_EXTRACT_PROCESSES={processes}",
               "-s", "LOG_LEVEL=WARNING", "-s", "NEWSCRAWL_PROGRESS=0", "-s", "NEWSCRAWL_SUMMARY=0"]
    result = run(command, output / "last_crawl.json")
    written = result["stats"].get("newscrawl/written/Article", 0)
    if written != count:  # a crawl that lost pages would look fast
        sys.exit(f"{name}: {written} Articles written, not {count}")
    return result


def pages_per_second(result: dict, count: int) -> float:
    return count / result["stats"]["elapsed_time_seconds"]


def bare_fetch_main(directory: Path, stats_path: Path) -> None:
    """The bare spider: Scrapy's defaults, file:// URLs of the mirror's pages, a parse that does nothing."""
    import scrapy
    from scrapy.crawler import CrawlerProcess

    urls = [(directory / "news" / f"{u.rsplit('/', 1)[1]}.html").as_uri()
            for u in (directory / "urls.txt").read_text(encoding="utf-8").split()]

    class BareSpider(scrapy.Spider):
        name = "bare"

        async def start(self):
            for url in urls:
                yield scrapy.Request(url)

        def parse(self, response):
            return None

        def closed(self, reason):
            stats = {k: v for k, v in self.crawler.stats.get_stats().items() if isinstance(v, (int, float))}
            # as Scrapy's CoreStats computes it, which sets it only after this callback
            elapsed = datetime.now(tz=timezone.utc) - self.crawler.stats.get_value("start_time")
            stats["elapsed_time_seconds"] = elapsed.total_seconds()
            stats_path.write_text(json.dumps(stats), encoding="utf-8")

    process = CrawlerProcess({"LOG_LEVEL": "WARNING", "TELNETCONSOLE_ENABLED": False,
                              "REMOTE_CONTROL_ENABLED": False, "TWISTED_REACTOR":
                              "twisted.internet.asyncioreactor.AsyncioSelectorReactor"}, install_root_handler=False)
    process.crawl(BareSpider)
    process.start()


# ---- report ----------------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=1000, help="pages in the synthetic mirror (default 1000)")
    parser.add_argument("--repeat", type=int, default=5, help="timings per page for the median (default 5)")
    parser.add_argument("--rss", action="store_true", help="also peak RSS at 1,000 and 10,000 pages")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--bare-fetch", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--stats", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_fetch:
        bare_fetch_main(args.bare_fetch, args.stats)
        return

    pages = fixture_pages()
    import newscrawl

    print(f"code: {Path(newscrawl.__file__).parent.parent}")
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start", flush=True)
    extraction = time_extraction(pages, args.repeat)
    print(f"\nper article page ({extraction['pages']} fixture pages, {extraction['kb_per_page']} KB each on average), "
          f"median of {args.repeat} timings (CPU time)")
    print(f"  lxml.html.fromstring (the floor)        {extraction['lxml_floor_ms']:7.2f} ms")
    print(f"  extraction: render check + Article + teasers {extraction['extraction_ms']:7.2f} ms  "
          f"{extraction['extraction_over_floor']:.2f}x the floor "
          f"(per page: median {extraction['extraction_over_floor_per_page_median']:.2f}x, "
          f"worst {extraction['extraction_over_floor_per_page_max']:.2f}x)")
    print(f"  trafilatura bare_extraction             {extraction['trafilatura_ms']:7.2f} ms", flush=True)

    figures = {"extraction": extraction, "crawls": {}}
    with tempfile.TemporaryDirectory(prefix="newscrawl-speed-") as tmp:
        directory = Path(tmp) / f"mirror-{args.pages}"
        build_mirror(directory, pages, args.pages)
        bare = bare_fetch(directory, args.pages)
        crawls = {"bare Scrapy fetch (file://)": bare,
                  "scrapy crawl dawn, state off": full_crawl(directory, args.pages, False, "state-off"),
                  "scrapy crawl dawn, state on": full_crawl(directory, args.pages, True, "state-on"),
                  # the same without a worker process: what one core does
                  "  state off, one process": full_crawl(directory, args.pages, False, "one-process", "0")}
        bare_rate = pages_per_second(bare, args.pages)
        print(f"\n{args.pages} article pages   pages/s  vs bare  CPU s  peak RSS MB")
        for name, result in crawls.items():
            rate = pages_per_second(result, args.pages)
            figures["crawls"][name] = {"pages_per_s": rate, "over_bare": rate / bare_rate, "cpu_s": result["cpu_s"],
                                       "peak_rss_mb": result["peak_rss_mb"]}
            print(f"  {name:30} {rate:7.0f}  {rate / bare_rate:6.2f}x  {result['cpu_s']:5.1f}  "
                  f"{result['peak_rss_mb']:7.0f}", flush=True)
        if args.rss:
            figures["rss"] = peak_rss(Path(tmp), pages)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")


def peak_rss(tmp: Path, pages) -> dict:
    print("\npeak RSS of `scrapy crawl dawn` (MB)   1,000 pages  10,000 pages  difference")
    figures = {}
    for state in (False, True):
        row = {}
        for count in (1000, 10_000):
            directory = tmp / f"rss-{count}"
            if not directory.exists():
                build_mirror(directory, pages, count)
            row[count] = full_crawl(directory, count, state, f"rss-state-{'on' if state else 'off'}")["peak_rss_mb"]
        name = f"state {'on' if state else 'off'}"
        figures[name] = row
        print(f"  {name:36} {row[1000]:11.0f}  {row[10_000]:12.0f}  {row[10_000] - row[1000]:+10.0f}", flush=True)
    return figures


if __name__ == "__main__":
    main()
