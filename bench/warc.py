#!/usr/bin/env python3
"""Benchmark: what WARC archives cost, measured in one run.

Replay throughput, over the offline site (fixtures/site) packed into one gzip WARC (newscrawl-pack-mirror):
  - bare warcio: ArchiveIterator over the file, reading every response payload (the floor for any replay);
  - replay answers: newscrawl's Archive answering every URL of the site, in manifest order, from its index;
  - mirror answers: newscrawl's Mirror answering the same URLs from the directory;
  - crawls: the whole offline crawl (rendering off) over the packed WARC and over the mirror, pages per second of
    the crawl's own elapsed time (Scrapy's elapsed_time_seconds), the same pages in both.
Recording cost: a live-style crawl against a local HTTP server serving the site (testing/local_site.py), with and
without NEWSCRAWL_WARC_DIR, CPU seconds (user + system) of the crawl process, alternated, median of --repeat.

    .venv/bin/python bench/warc.py [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from warcio.archiveiterator import ArchiveIterator  # noqa: E402

from newscrawl.commands.pack_mirror import pack_mirror  # noqa: E402
from newscrawl.archive.replay import Archive  # noqa: E402
from newscrawl.downloader.mirror import Mirror  # noqa: E402
from testing.generated_site import local_site_settings  # noqa: E402
from testing.local_site import LocalSite  # noqa: E402

SITE = ROOT / "fixtures" / "site"


def rate(count: int, seconds: float) -> float:
    return round(count / seconds, 1) if seconds else float("inf")


def timed(function, rounds: int) -> tuple[int, float]:
    started = time.perf_counter()
    count = sum(function() for _ in range(rounds))
    return count, time.perf_counter() - started


def bare_warcio(path: Path) -> int:
    count = 0
    with open(path, "rb") as file:
        for record in ArchiveIterator(file):
            if record.rec_type == "response":
                record.content_stream().read()
                count += 1
    return count


def crawl(output: Path, settings: dict) -> tuple[dict, float]:
    """One `scrapy crawl dawn`; (its stats, its CPU seconds)."""
    command = [sys.executable, "-m", "scrapy", "crawl", "dawn", "-s", f"NEWSCRAWL_OUTPUT_DIR={output}",
               "-s", f"NEWSCRAWL_STATE={output / 'state.sqlite'}", "-s", "NEWSCRAWL_SUMMARY=0", "-s", "LOG_LEVEL=WARNING",
               "-s", "NEWSCRAWL_RENDER=0", "-s", "NEWSCRAWL_PROGRESS=0"]
    command += [f"-s{name}={value}" for name, value in settings.items()]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True, timeout=600)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return json.loads((output / "last_crawl.json").read_text()), cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="crawls per configuration (median taken)")
    parser.add_argument("--rounds", type=int, default=20, help="passes over the site's URLs in the answer timings")
    args = parser.parse_args()
    results: dict = {}
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        packed = work / "site.warc.gz"
        pack_mirror(SITE, packed)
        mirror = Mirror(SITE)
        urls = list(mirror.entries)
        started = time.perf_counter()
        archive = Archive(str(packed))
        results["replay_index_seconds"] = round(time.perf_counter() - started, 4)

        count, seconds = timed(lambda: bare_warcio(packed), args.rounds)
        results["bare_warcio_pages_per_s"] = rate(count, seconds)
        count, seconds = timed(lambda: sum(1 for url in urls if archive.answer(url)[2] is not None), args.rounds)
        results["replay_answers_pages_per_s"] = rate(count, seconds)
        count, seconds = timed(lambda: sum(1 for url in urls if mirror.answer(url)[2] is not None), args.rounds)
        results["mirror_answers_pages_per_s"] = rate(count, seconds)

        crawl_rates = {"replay": [], "mirror": []}
        for n in range(args.repeat):
            for name, setting in (("replay", {"NEWSCRAWL_REPLAY": packed}), ("mirror", {"NEWSCRAWL_MIRROR": SITE})):
                stats, _ = crawl(work / f"{name}{n}", setting)
                crawl_rates[name].append(stats["downloader/response_count"] / stats["elapsed_time_seconds"])
        results["replay_crawl_pages_per_s"] = round(statistics.median(crawl_rates["replay"]), 1)
        results["mirror_crawl_pages_per_s"] = round(statistics.median(crawl_rates["mirror"]), 1)

        cpu = {"recording": [], "not_recording": []}
        with LocalSite(SITE) as site:
            live = {**local_site_settings(site.port), "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": 0,
                    "CONCURRENT_REQUESTS_PER_DOMAIN": 8}
            for n in range(args.repeat):
                _, seconds = crawl(work / f"rec{n}", {**live, "NEWSCRAWL_WARC_DIR": work / f"rec{n}" / "warc"})
                cpu["recording"].append(seconds)
                _, seconds = crawl(work / f"norec{n}", {**live, "NEWSCRAWL_WARC_DIR": "0"})
                cpu["not_recording"].append(seconds)
        results["crawl_cpu_s_recording"] = round(statistics.median(cpu["recording"]), 3)
        results["crawl_cpu_s_not_recording"] = round(statistics.median(cpu["not_recording"]), 3)
        results["pages_per_crawl"] = stats["downloader/response_count"]

    results["replay_vs_mirror_answers"] = round(results["replay_answers_pages_per_s"] /
                                                results["mirror_answers_pages_per_s"], 3)
    results["replay_vs_bare_warcio"] = round(results["replay_answers_pages_per_s"] /
                                             results["bare_warcio_pages_per_s"], 3)
    results["replay_vs_mirror_crawl"] = round(results["replay_crawl_pages_per_s"] /
                                              results["mirror_crawl_pages_per_s"], 3)
    results["recording_cpu_ratio"] = round(results["crawl_cpu_s_recording"] / results["crawl_cpu_s_not_recording"], 3)
    for name, value in results.items():
        print(f"{name:32} {value}")
    (ROOT / "bench" / "warc.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
