"""Distributed mode end to end: a real redis-server, 3 real `scrapy crawl dawn` worker processes, and a real
HTTP server on 127.0.0.1 serving a generated site with a fixed latency (testing/generated_site.py); and two
workers replaying the offline site. Every crawl is bounded in time and ends by itself (workers close when the
queue and the leases are empty)."""

from __future__ import annotations

import json
import os
import random
import time
from collections import Counter

import pytest

from newscrawl.distributed.mode import FrontierKeys
from newscrawl.commands.frontier import status
from testing.chromium import in_ci
from testing.distributed_run import REDIS_SERVER, RedisServer, Workers
from testing.generated_site import (SiteServer, article_ids, expected_title, listing_urls, local_site_settings,
                                  teaser_ids)

# under CI=true a missing redis-server fails (setup.sh installs it); locally the tests skip without it
pytestmark = pytest.mark.skipif(not os.path.exists(REDIS_SERVER) and not in_ci(),
                                reason="needs Debian's redis-server (scripts/setup.sh installs it)")
LATENCY = 0.05  # seconds the site takes to answer, every time


@pytest.fixture(scope="session")
def shared_redis(tmp_path_factory):
    """One redis-server for this (xdist worker) process's run, on a port of the worker's own."""
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


@pytest.fixture
def redis_server(shared_redis):
    """The run's redis-server, emptied for this test (tests in one process run one at a time)."""
    shared_redis.client().flushall()
    return shared_redis


@pytest.fixture
def own_redis_server(tmp_path):
    """A redis-server of the test's own, for a test that stops and starts it."""
    server = RedisServer(tmp_path / "redis").start()
    yield server
    server.stop()


def crawl_settings(site: SiteServer, count: int, delay: float, lease: float) -> dict:
    listings = listing_urls(count)
    return {**local_site_settings(site.port), "NEWSCRAWL_FEEDS": ",".join(listings),
            "NEWSCRAWL_LISTINGS": listings[0], "DOWNLOAD_DELAY": delay, "DOWNLOAD_DELAY_JITTER": 0,
            "AUTOTHROTTLE_ENABLED": 0, "NEWSCRAWL_LEASE_SECONDS": lease, "NEWSCRAWL_RENDER": 0}


def assert_every_article_once(workers: Workers, count: int) -> None:
    """Every article and every sidebar teaser in exactly one line of one worker's file; no torn line."""
    for kind, expected in (("articles", article_ids(count)), ("editorial_teasers", teaser_ids(count))):
        items = [json.loads(line) for line in workers.lines(kind)]  # a torn line would fail here
        for path in workers.output_dir.glob(f"{kind}.*.jsonl"):
            assert path.read_bytes()[-1:] in (b"", b"\n"), f"{path} ends in a torn line"
        written = Counter(item["article_id"] for item in items)
        assert sorted(written) == expected, f"lost or foreign {kind}"
        assert [i for i, n in written.items() if n > 1] == [], f"{kind} written twice"
    articles = [json.loads(line) for line in workers.lines("articles")]
    assert all(a["title"] == expected_title(a["article_id"]) and a["version"] == 1 for a in articles)


def finish_reasons(workers: Workers) -> dict:
    return {name: json.loads((workers.output_dir / f"last_crawl.{name}.json").read_text())["finish_reason"]
            for name in workers.names}


def test_three_workers_share_one_crawl_and_one_budget(redis_server, tmp_path):
    count, delay = 1000, 0.05  # the budget: one request to the host every 0.05 s, i.e. 20 per second
    with SiteServer(count, LATENCY) as site:
        workers = Workers(redis_server.url, tmp_path / "out", crawl_settings(site, count, delay, 30), 3).start_all()
        assert workers.wait(timeout=300), "the workers did not finish in time"
        assert_every_article_once(workers, count)
        requested = Counter(site.article_requests())
        # the sidebars' editorials are followed too (their ids go into the ledger, docs/STATE.md), once each
        assert sorted(set(requested) - set(teaser_ids(count))) == article_ids(count), "an article was not requested"
        assert set(requested.values()) == {1}, \
            "an article was requested more than once across workers"
        # the budget counts every request (robots.txt and listings too); the server counts arrivals
        peak = site.peak_rate(window=10.0)
        assert peak <= (10.0 / delay + 2) / 10.0, f"{peak} requests/s in the busiest 10 s: over the shared budget"
        assert peak >= 0.7 / delay, f"{peak} requests/s: the workers did not use the budget (test too slow?)"
    shares = {path.name: len(path.read_bytes().splitlines()) for path in workers.output_dir.glob("articles.*.jsonl")}
    assert len(shares) == 3 and min(shares.values()) >= count // 10, f"work not shared: {shares}"
    assert finish_reasons(workers) == {name: "finished" for name in workers.names}
    figures = status(redis_server.client(), FrontierKeys({"NEWSCRAWL_CRAWL_ID": "dawn"}))
    assert (figures["queued"], figures["leased"], figures["articles_emitted"], figures["teasers_emitted"]) == \
        (0, 0, count, len(teaser_ids(count)))


def test_sigkill_twice_loses_nothing_and_writes_nothing_twice(redis_server, tmp_path):
    count, delay = 600, 0.02
    rng = random.Random()
    with SiteServer(count, LATENCY) as site:
        workers = Workers(redis_server.url, tmp_path / "out", crawl_settings(site, count, delay, 4), 3).start_all()
        kills = []
        for low, high in ((0.1, 0.4), (0.5, 0.8)):
            target = int(count * rng.uniform(low, high))
            deadline = time.monotonic() + 120
            while len(workers.lines("articles")) < target and time.monotonic() < deadline:
                time.sleep(0.05)
            victim = rng.choice(workers.names)
            workers.kill(victim)
            kills.append((victim, len(workers.lines("articles"))))
            time.sleep(rng.uniform(0.2, 1.0))
            workers.start(victim)  # as systemd's Restart= would: the same name, so it repairs its own file
        assert workers.wait(timeout=240), "the workers did not finish in time"
    assert all(0 < written < count for _, written in kills), f"a kill was not mid-crawl: {kills}"
    assert_every_article_once(workers, count)


def test_redis_stopped_for_10_seconds_workers_wait_and_go_on(own_redis_server, tmp_path):
    redis_server = own_redis_server
    count, delay = 400, 0.02
    with SiteServer(count, LATENCY) as site:
        workers = Workers(redis_server.url, tmp_path / "out", crawl_settings(site, count, delay, 30), 3).start_all()
        deadline = time.monotonic() + 120
        while len(workers.lines("articles")) < count // 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        redis_server.stop()
        during = len(workers.lines("articles"))
        time.sleep(10)
        stalled = len(workers.lines("articles"))
        redis_server.start()
        assert workers.wait(timeout=240), "the workers did not finish after Redis came back"
    # at most the one item each worker had claimed just before Redis went away is written during the outage
    assert 0 < during < count and stalled - during <= 3, "workers went on writing without Redis"
    assert all(process.returncode == 0 for process in workers.processes.values())
    assert finish_reasons(workers) == {name: "finished" for name in workers.names}
    assert_every_article_once(workers, count)


def test_a_retry_after_seen_by_one_worker_pauses_all(redis_server, tmp_path):
    count, delay, pause = 200, 0.02, 3
    limited = article_ids(count)[count // 2]
    with SiteServer(count, LATENCY, rate_limited=limited, retry_after=pause) as site:
        workers = Workers(redis_server.url, tmp_path / "out", crawl_settings(site, count, delay, 30), 2).start_all()
        assert workers.wait(timeout=120), "the workers did not finish in time"
        arrivals = sorted(t for _, _, t, _ in site.hits)
        answered_429 = next(t for _, article_id, t, _ in site.hits if article_id == limited)
    assert_every_article_once(workers, count)
    # requests already on their way when the 429 came back may still arrive (one per worker, within ~0.5 s);
    # after that nothing, from either worker, until the pause is over
    later = [t - answered_429 for t in arrivals if t > answered_429 + 0.5]
    assert later and later[0] >= pause - 0.2, f"a request arrived {later[0]:.2f} s after the 429 (Retry-After {pause})"
    stats = [json.loads((workers.output_dir / f"last_crawl.{name}.json").read_text()) for name in workers.names]
    assert sum(s.get("newscrawl/budget/shared_pauses", 0) for s in stats) == 1


# ---- the claim that keeps two workers from writing one item (newscrawl/state/redis.py) -------------------
def store_for(redis_server, worker: str, lease: float = 30.0):
    from newscrawl.state.redis import RedisStateStore

    settings = {"NEWSCRAWL_REDIS_URL": redis_server.url, "NEWSCRAWL_REDIS_WAIT": 5, "NEWSCRAWL_CRAWL_ID": "dawn"}
    return RedisStateStore(redis_server.client(), worker, FrontierKeys(settings), lease)


TEASER = {"article_id": 1880806, "date": "2024-12-26", "updated": True, "title": "Afghan strikes"}


def test_one_teaser_claimed_by_two_workers_is_written_by_one(redis_server, tmp_path):
    first, second = store_for(redis_server, "a"), store_for(redis_server, "b")
    redis_server.client().hset(FrontierKeys({"NEWSCRAWL_CRAWL_ID": "dawn"}).workers, "a", time.time())
    assert first.claim("EditorialTeaser", TEASER, tmp_path / "t.a.jsonl", 0)
    assert not second.claim("EditorialTeaser", TEASER, tmp_path / "t.b.jsonl", 0)  # a is alive, writing it
    first.record_item("EditorialTeaser", TEASER, tmp_path / "t.a.jsonl", 80)
    assert not second.claim("EditorialTeaser", TEASER, tmp_path / "t.b.jsonl", 0)  # written, unchanged
    assert second.claim("EditorialTeaser", {**TEASER, "updated": False}, tmp_path / "t.b.jsonl", 0)  # changed


def test_a_dead_workers_claim_is_settled_from_its_file(redis_server, tmp_path):
    dead, alive = store_for(redis_server, "dead"), store_for(redis_server, "alive")
    written, unwritten = {**TEASER, "article_id": 1}, {**TEASER, "article_id": 2}
    output = tmp_path / "editorial_teasers.dead.jsonl"
    output.write_text(json.dumps(written) + "\n" + '{"article_id": 2, "da')  # killed while writing the second
    assert dead.claim("EditorialTeaser", written, output, 0)
    assert dead.claim("EditorialTeaser", unwritten, output, output.read_text().index("\n") + 1)
    # the dead worker's whole line counts as written; its torn one does not
    assert not alive.claim("EditorialTeaser", written, tmp_path / "other.jsonl", 0)
    assert alive.teaser(1) is not None
    assert alive.claim("EditorialTeaser", unwritten, tmp_path / "other.jsonl", 0)


def test_distributed_replay_of_the_offline_site(redis_server, tmp_path):
    """Two workers replay the offline site (NEWSCRAWL_MIRROR, real Dawn markup, JavaScript pages rendered in
    Chromium after a plain download): together they write what one process writes, each item once."""
    from testing.chromium import require_chromium
    from tests.conftest import EXPECTED, SITE

    require_chromium()
    expected = json.loads((EXPECTED / "site.json").read_text())
    workers = Workers(redis_server.url, tmp_path / "out", {"NEWSCRAWL_MIRROR": SITE}, 2).start_all()
    assert workers.wait(timeout=240), "the workers did not finish in time"
    for kind, ids in (("articles", expected["article_ids"]), ("editorial_teasers", expected["teaser_ids"])):
        written = Counter(json.loads(line)["article_id"] for line in workers.lines(kind))
        assert sorted(written) == sorted(ids) and set(written.values()) == {1}, kind
    stats = [json.loads((workers.output_dir / f"last_crawl.{name}.json").read_text()) for name in workers.names]
    assert sum(s.get("newscrawl/render/pages", 0) for s in stats) == len(expected["rendered_ids"])
