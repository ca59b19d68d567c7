"""A Common Crawl backfill in distributed mode: a real redis-server, three real worker processes sharing the
records to fetch through the Redis frontier, against the stub servers (testing/commoncrawl_stub.py)."""

from __future__ import annotations

import json
import os
import time
from collections import Counter

import pytest

from newscrawl.distributed.mode import FrontierKeys
from testing.chromium import in_ci
from testing.commoncrawl_stub import CommonCrawlStub
from testing.commoncrawl_warcs import OUT_OF_RANGE, expected_ids
from testing.distributed_run import REDIS_SERVER, RedisServer, Workers
from tests.test_commoncrawl import RANGE

# without redis-server the tests skip on a developer's machine; under CI=true they run (and fail if it is missing)
pytestmark = pytest.mark.skipif(not os.path.exists(REDIS_SERVER) and not in_ci(),
                                reason="needs Debian's redis-server (scripts/setup.sh installs it)")
DATA_DELAY = 0.5  # per worker: three workers fetch about three records in that time


def test_three_workers_share_the_records_and_fetch_each_once(tmp_path):
    redis_server = RedisServer(tmp_path / "redis").start()
    try:
        with CommonCrawlStub() as stub:
            settings = {**stub.settings(tmp_path / "cc"), "NEWSCRAWL_RENDER": "0", "NEWSCRAWL_CC_DATA_DELAY":
                        DATA_DELAY, "CONCURRENT_REQUESTS": "2", "NEWSCRAWL_LEASE_SECONDS": "30"}
            workers = Workers(redis_server.url, tmp_path / "out", settings, 3, RANGE)

            # the first worker reads the index and pushes the records; the others join once there is work (a
            # worker finding the crawl seeded, nothing queued and nothing leased would leave: docs/COMMONCRAWL.md)
            workers.start("w1")
            keys, client = FrontierKeys({"NEWSCRAWL_CRAWL_ID": "dawn"}), redis_server.client()
            deadline = time.monotonic() + 60
            while client.zcard(keys.queue) + client.zcard(keys.leased) == 0:
                assert time.monotonic() < deadline and workers.processes["w1"].poll() is None, workers.log("w1")
                time.sleep(0.05)
            workers.start("w2")
            workers.start("w3")
            assert workers.wait(timeout=180), "the workers did not finish in time"
            fetched = stub.data.fetched_records()
            gaps = [b.at - a.at for a, b in zip(stub.data.log, stub.data.log[1:])]
    finally:
        redis_server.stop()
    written = Counter(json.loads(line)["article_id"] for line in workers.lines("articles"))
    assert sorted(written) == sorted(expected_ids()) and set(written.values()) == {1}
    assert len(fetched) == len(set(fetched)) == len(expected_ids()) + len(OUT_OF_RANGE) + 1  # + the truncated one
    stats = {name: json.loads((workers.output_dir / f"last_crawl.{name}.json").read_text()) for name in workers.names}
    shares = {name: s.get("newscrawl/commoncrawl/records_fetched", 0) for name, s in stats.items()}
    assert min(shares.values()) >= 2, f"work not shared: {shares}"
    # one worker keeps DATA_DELAY between its requests; requests closer than that are workers fetching side by
    # side (the later workers start some seconds after the first on a loaded machine: not all the time)
    assert sum(gap < DATA_DELAY * 0.6 for gap in gaps) >= 5, [round(gap, 2) for gap in gaps]
