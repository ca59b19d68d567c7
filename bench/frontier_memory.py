"""Redis memory of distributed mode: `python bench/frontier_memory.py [--pages 1500]` (docs/SCALING.md).

Two workers crawl N generated article pages (a url_file, the local HTTP server of testing/generated_site.py) on a
fresh redis-server. When they have finished it measures, with Redis's `MEMORY USAGE` (bytes, per key, sampled
whole), the crawl's frontier (queue, dupefilter, leases, seeding, workers, done, failed) and the shared
emitted-state (`newscrawl:state:*`), then waits out NEWSCRAWL_FRONTIER_RETENTION_SECONDS (set short here) and
measures again: the frontier should be gone and the state kept. Prints the figures and writes
bench/frontier_memory.json; docs/SCALING.md turns them into a year of hourly crawls.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from newscrawl.distributed.mode import FrontierKeys  # noqa: E402
from testing.distributed_run import RedisServer, Workers  # noqa: E402
from testing.generated_site import SiteServer, article_ids, local_site_settings  # noqa: E402

RETENTION = 5  # seconds, for the bench


def key_bytes(client, keys) -> int:
    return sum(client.memory_usage(key, samples=0) or 0 for key in keys)


def measure(client, frontier: FrontierKeys) -> dict:
    state_keys = list(client.scan_iter("newscrawl:state:*"))
    return {"frontier_bytes": key_bytes(client, frontier.frontier()),
            "frontier_keys": sum(client.exists(key) for key in frontier.frontier()),
            "dupefilter_members": client.scard(frontier.dupefilter),
            "state_bytes": key_bytes(client, state_keys), "state_keys": len(state_keys),
            "used_memory": client.info("memory")["used_memory"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=1500)
    count = parser.parse_args().pages
    frontier = FrontierKeys({"NEWSCRAWL_CRAWL_ID": "dawn"})
    with tempfile.TemporaryDirectory() as work:
        base = Path(work)
        url_file = base / "urls.txt"
        url_file.write_text("".join(f"https://www.dawn.com/news/{i}/first-slug\n" for i in article_ids(count)))
        redis = RedisServer(base / "redis").start()
        try:
            client = redis.client()
            empty = client.info("memory")["used_memory"]
            with SiteServer(count, 0.0) as site:
                settings = {**local_site_settings(site.port), "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": 0,
                            "CONCURRENT_REQUESTS_PER_DOMAIN": 8, "NEWSCRAWL_RENDER": 0,
                            "NEWSCRAWL_FRONTIER_RETENTION_SECONDS": RETENTION}
                workers = Workers(redis.url, base / "out", settings, 2, ("-a", f"url_file={url_file}")).start_all()
                if not workers.wait(900):
                    raise SystemExit("the workers did not finish")
            finished = measure(client, frontier)
            time.sleep(RETENTION + 1)
            retained = measure(client, frontier)
        finally:
            redis.stop()
    result = {"pages": count, "redis_used_memory_empty": empty, "finished": finished, "after_retention": retained,
              "frontier_bytes_per_request": round(finished["frontier_bytes"] / max(1, finished["dupefilter_members"]), 1),
              "state_bytes_per_article": round(retained["state_bytes"] / count, 1),
              "machine": f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}",
              "measured_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    print(json.dumps(result, indent=1))
    (Path(__file__).parent / "frontier_memory.json").write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
