"""`newscrawl-frontier`: watch or clear a distributed crawl's frontier in Redis (docs/SCALING.md).

    newscrawl-frontier status [--json] [-s NEWSCRAWL_REDIS_URL=...] [-s NEWSCRAWL_CRAWL_ID=...]
    newscrawl-frontier clear  [-s ...]     # forget the crawl's queue, leases and dupefilter (not the state)

status: queued, leased (and how many of those expired), done, given up, the workers and the seconds since each
one's heartbeat, and the items emitted so far (from the shared state). Settings are read like the crawl reads
them (settings.py, then -s).
"""

from __future__ import annotations

import argparse
import json
import sys

from newscrawl.commands.cron import crawl_settings
from newscrawl.distributed.mode import STATE_PREFIX, FrontierKeys, is_distributed, redis_client, redis_now


def status(server, keys: FrontierKeys) -> dict:
    now = redis_now(server)
    workers = {name.decode(): round(now - float(beat), 1) for name, beat in server.hgetall(keys.workers).items()}
    return {
        "queued": server.zcard(keys.queue),
        "leased": server.zcard(keys.leased),
        "leases_expired": server.zcount(keys.leased, "-inf", now),
        "done": int(server.get(keys.done) or 0),
        "given_up": server.llen(keys.failed),
        "seeded_by": (server.get(keys.seeded) or b"").decode() or None,
        "workers_seconds_since_heartbeat": workers,
        "articles_emitted": server.scard(f"{STATE_PREFIX}:emitted:Article"),
        "teasers_emitted": server.scard(f"{STATE_PREFIX}:emitted:EditorialTeaser"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="newscrawl-frontier", description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["status", "clear"])
    parser.add_argument("-s", dest="settings", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--json", action="store_true", help="status as one JSON object")
    args = parser.parse_args(argv)
    settings = crawl_settings(args.settings)
    if not is_distributed(settings):
        print("newscrawl-frontier: NEWSCRAWL_REDIS_URL is not set (-s NEWSCRAWL_REDIS_URL=redis://host:port/db)",
              file=sys.stderr)
        return 2
    server, keys = redis_client(settings), FrontierKeys(settings)
    if args.command == "clear":
        removed = server.delete(keys.queue, keys.leased, keys.dupefilter, keys.seeded, keys.workers, keys.done,
                                keys.failed)
        print(f"cleared crawl {settings.get('NEWSCRAWL_CRAWL_ID')} ({removed} keys)")
        return 0
    figures = status(server, keys)
    if args.json:
        print(json.dumps(figures))
    else:
        for name, value in figures.items():
            print(f"{name}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
