"""`newscrawl-frontier`: watch or clear a distributed crawl's frontier in Redis (docs/SCALING.md).

    newscrawl-frontier status [--json] [-s NEWSCRAWL_REDIS_URL=...] [-s NEWSCRAWL_CRAWL_ID=...]
    newscrawl-frontier clear  [-s ...]     # forget the crawl's queue, leases, dupefilter and seeding (not the state)

status: queued, leased (and how many of those expired), done, given up (lost), the seeding (complete or not, its
cursor in the start entries, its holder), the workers and the seconds since each one's heartbeat, the seconds
until a finished crawl's frontier expires, and the items emitted so far (from the shared state). Settings are
read like the crawl reads them (settings.py, then -s).
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
    seeding = {k.decode(): v.decode() for k, v in server.hgetall(keys.seeding).items()}
    expires = server.ttl(keys.dupefilter)
    return {
        "queued": server.zcard(keys.queue),
        "leased": server.zcard(keys.leased),
        "leases_expired": server.zcount(keys.leased, "-inf", now),
        "done": int(server.get(keys.done) or 0),
        "given_up": server.llen(keys.failed),
        "seeded_by": (server.get(keys.seeded) or b"").decode() or None,
        "seeding_complete": bool(server.exists(keys.seeded)),
        "seeding_cursor": int(seeding.get("cursor", 0)),
        "seeding_total": int(seeding["total"]) if "total" in seeding else None,
        "seeding_holder": seeding.get("holder"),
        "seeding_lease_seconds_left": round(float(seeding["expires"]) - now, 1) if "expires" in seeding else None,
        "workers_seconds_since_heartbeat": workers,
        "frontier_expires_in_seconds": expires if expires >= 0 else None,
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
        removed = server.delete(*keys.frontier())
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
