"""How distributed mode scales: `python bench/scale.py [--pages N] [--workers 1,2,4]` (docs/SCALING.md).

1. Replay (CPU-bound): N generated article pages in a mirror (NEWSCRAWL_MIRROR: no network, no politeness
   delay), re-extracted by 1, 2 and 4 workers sharing one Redis frontier. Prints wall seconds (worker start to
   the last worker's exit, Scrapy's start-up included), pages/s in all and per worker, and the speed-up over 1.
2. Politeness-bound: the generated site on a real HTTP server (127.0.0.1, fixed latency) with one shared
   budget of 1/DELAY requests per second; prints the request rate the host saw (mean and busiest 10 s) for 1,
   2 and 4 workers: it should stay flat at the budget however many workers there are.

Every run uses a fresh redis-server on a free port and a fresh output directory; each crawl is checked to
have written every article exactly once. Results go to stdout and bench/scale.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from testing.distributed_run import RedisServer, Workers  # noqa: E402
from testing.generated_site import (SiteServer, article_ids, listing_count, listing_urls,  # noqa: E402
                                  local_site_settings)

LATENCY = 0.05


def write_mirror(directory: Path, count: int) -> list[str]:
    """The generated site as a mirror directory; returns the listing URLs."""
    site = SiteServer(count, 0)  # only its pages, no server started
    directory.mkdir(parents=True)
    paths = ["/robots.txt", *(f"/gen/listing/{n}" for n in range(listing_count(count))),
             *(f"/news/{i}/first-slug" for i in article_ids(count)), *(f"/news/{i}/other-slug" for i in article_ids(count))]
    with (directory / "manifest.jsonl").open("w") as manifest:
        for number, path in enumerate(paths):
            status, body = site.answer(path)
            (directory / f"{number}.html").write_bytes(body)
            kind = "text/plain" if path == "/robots.txt" else "text/html; charset=utf-8"
            manifest.write(json.dumps({"url": f"https://www.dawn.com{path}", "file": f"{number}.html",
                                       "status": status, "headers": {"Content-Type": kind}}) + "\n")
    return listing_urls(count)


def run(workdir: Path, count: int, workers: int, settings: dict, timeout: float = 900) -> tuple[float, Workers]:
    redis = RedisServer(workdir / "redis").start()
    try:
        started = time.monotonic()
        crew = Workers(redis.url, workdir / "out", settings, workers).start_all()
        if not crew.wait(timeout):
            raise SystemExit(f"{workers} worker(s) did not finish in {timeout} s")
        seconds = time.monotonic() - started
    finally:
        redis.stop()
    written = Counter(item["article_id"] for item in crew.items())
    if sorted(written) != article_ids(count) or set(written.values()) != {1}:
        raise SystemExit(f"{workers} worker(s): not every article exactly once")
    return seconds, crew


def replay(base: Path, count: int, counts: list[int]) -> list[dict]:
    listings = write_mirror(base / "mirror", count)
    settings = {"NEWSCRAWL_MIRROR": base / "mirror", "NEWSCRAWL_FEEDS": ",".join(listings),
                "NEWSCRAWL_LISTINGS": listings[0], "NEWSCRAWL_RENDER": 0, "LOG_LEVEL": "WARNING"}
    rows = []
    for workers in counts:
        seconds, _ = run(base / f"replay-{workers}", count, workers, settings)
        rows.append({"workers": workers, "seconds": round(seconds, 1), "pages_per_s": round(count / seconds, 1),
                     "pages_per_s_per_worker": round(count / seconds / workers, 1)})
        rows[-1]["speed_up"] = round(rows[0]["seconds"] / seconds, 2)
        print("replay", rows[-1], flush=True)
    return rows


def polite(base: Path, count: int, counts: list[int], delay: float) -> list[dict]:
    rows = []
    for workers in counts:
        with SiteServer(count, LATENCY) as site:
            listings = listing_urls(count)
            settings = {**local_site_settings(site.port), "NEWSCRAWL_FEEDS": ",".join(listings),
                        "NEWSCRAWL_LISTINGS": listings[0], "DOWNLOAD_DELAY": delay, "DOWNLOAD_DELAY_JITTER": 0,
                        "AUTOTHROTTLE_ENABLED": 0, "NEWSCRAWL_RENDER": 0, "LOG_LEVEL": "WARNING"}
            seconds, _ = run(base / f"polite-{workers}", count, workers, settings)
            times = sorted(t for _, _, t, _ in site.hits)
            rows.append({"workers": workers, "requests": len(times),
                         "host_rate_mean": round((len(times) - 1) / (times[-1] - times[0]), 2),
                         "host_rate_peak_10s": round(site.peak_rate(10.0), 2), "budget": round(1 / delay, 2),
                         "seconds": round(seconds, 1)})
        print("polite", rows[-1], flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=2000, help="articles in the replay workload")
    parser.add_argument("--polite-pages", type=int, default=300, help="articles in the politeness-bound workload")
    parser.add_argument("--delay", type=float, default=0.1, help="DOWNLOAD_DELAY of the politeness-bound workload")
    parser.add_argument("--workers", default="1,2,4")
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    with tempfile.TemporaryDirectory(prefix="newscrawl-scale-") as tmp:
        result = {"machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.python_implementation()} "
                             f"{platform.python_version()}, load average {os.getloadavg()[0]:.1f} at start",
                  "replay": replay(Path(tmp), args.pages, counts),
                  "polite": polite(Path(tmp), args.polite_pages, counts, args.delay)}
    (Path(__file__).parent / "scale.json").write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
