"""Nothing lost, whoever dies (issue #19): the seeding worker SIGKILLed during seeding, five times in a row in one
crawl of 1,500 pages, over a url_file and over a WARC archive; a crawl that gave up requests exits non-zero from every worker that saw it
end; a second live worker under one name is refused; a finished frontier expires. A real redis-server, real
`scrapy crawl dawn` worker processes, a real HTTP server on 127.0.0.1 (testing/generated_site.py)."""

from __future__ import annotations

import json
import random
import subprocess
import time
from types import SimpleNamespace

import pytest

from newscrawl.commands.frontier import status
from newscrawl.commands.pack_mirror import pack_mirror
from newscrawl.distributed.mode import FrontierKeys
from newscrawl.distributed.seeding import SEED_BATCH
from tests.conftest import ROOT
from testing.distributed_run import RedisServer, Workers
from testing.generated_site import SiteServer, article_ids, local_site_settings
from tests.test_distributed import assert_every_article_once, pytestmark  # noqa: F401 - the same skip rule

KEYS = FrontierKeys({"NEWSCRAWL_CRAWL_ID": "dawn"})
COUNT = 1500  # the issue asks for at least 1,500 pages
RETENTION = 15  # seconds a finished frontier is kept, in the test
LEASE = 3  # seconds: a dead seeder's lease (and name) is free again after this
# the seeder pushes while the queue holds fewer than this: the list reaches Redis along the crawl, so there is a
# long "during seeding" to kill it in
SEED_QUEUE_MAX = 60
KILLS_START, KILLS_END = 0.05, 0.75  # the kills fall in this part of the list, one in each fifth of it
FAST = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": 0, "CONCURRENT_REQUESTS_PER_DOMAIN": 8, "NEWSCRAWL_RENDER": 0,
        "NEWSCRAWL_LEASE_SECONDS": LEASE, "NEWSCRAWL_SEED_QUEUE_MAX": SEED_QUEUE_MAX}


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path / "redis").start()
    yield server
    server.stop()


def write_url_file(path, count: int):
    path.write_text("".join(f"https://www.dawn.com/news/{i}/first-slug\n" for i in article_ids(count)))
    return path


def seeding(client) -> dict:
    return {k.decode(): v.decode() for k, v in client.hgetall(KEYS.seeding).items()}


def pending_claims(client) -> list[str]:
    """Every item claim still pending in the shared state (newscrawl/state/redis.py), after the crawl ended."""
    return [key.decode() for key in client.scan_iter("newscrawl:state:*") if client.type(key) == b"hash"
            and client.hexists(key, "claim")]


def kill_the_seeder_during_seeding(workers: Workers, client, rng: random.Random, low: int, high: int,
                                   after: int) -> tuple[str, int]:
    """Wait until the seeding cursor passes a random point of [low, high) of the list, and at least one batch past
    `after` (the last kill's cursor: so a live seeder holds the lease again, not a dead one whose lease has yet to
    expire), wait a random fraction of a second more, SIGKILL the worker holding the seeding lease, and restart it
    under its name (as systemd would)."""
    target, deadline = max(int(rng.uniform(low, high)), after + SEED_BATCH), time.monotonic() + 120
    while int(seeding(client).get("cursor", 0)) < target and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(rng.uniform(0, 0.3))
    victim = seeding(client)["holder"]
    workers.kill(victim)
    at = int(seeding(client)["cursor"])
    assert at < COUNT, f"the kill came after seeding ended ({at} of {COUNT})"
    workers.start(victim)
    return victim, at


def crawl_killing_the_seeder(redis_server, tmp_path, settings: dict, args: tuple[str, ...], kills: int = 5) -> None:
    """One crawl by two workers, its seeder SIGKILLed `kills` times in a row during seeding: each time whoever holds
    the seeding lease then (the first seeder, or a worker that took the list over from a dead one), at a random
    point of the next stretch of the list. A loss or a duplicate from any of the kills stays in the output, so the
    end is checked once: every article exactly once, both workers exit 0, the list seeded to its end, no item claim
    left pending."""
    rng, client, done = random.Random(), redis_server.client(), []
    # a request can be in flight at every kill (the restarted worker takes the expired leases first), and an expired
    # lease counts as a retry: more retries than kills, or the test's own kills give a request up (exit 10)
    settings = {**settings, "RETRY_TIMES": kills + 1}
    workers = Workers(redis_server.url, tmp_path / "out", settings, 2, args).start_all()
    stretch = (KILLS_END - KILLS_START) * COUNT / kills
    for kill in range(kills):
        low = int(KILLS_START * COUNT + kill * stretch)
        done.append(kill_the_seeder_during_seeding(workers, client, rng, low, int(low + stretch),
                                                   done[-1][1] if done else 0))
    assert workers.wait(timeout=180), f"the workers did not finish in time (kills {done})"
    assert_every_article_once(workers, COUNT)
    assert {name: p.returncode for name, p in workers.processes.items()} == {"w1": 0, "w2": 0}, done
    assert seeding(client)["total"] == str(COUNT) and seeding(client)["cursor"] == str(COUNT)
    assert pending_claims(client) == [], f"item claims left pending (kills {done})"
    assert len({at for _, at in done}) == kills, f"two kills at one point of the list: {done}"


def test_the_seeding_worker_killed_during_seeding_five_times_loses_nothing(redis_server, tmp_path):
    url_file = write_url_file(tmp_path / "urls.txt", COUNT)
    with SiteServer(COUNT, 0.005) as site:
        crawl_killing_the_seeder(redis_server, tmp_path, {**local_site_settings(site.port), **FAST},
                                 ("-a", f"url_file={url_file}"))


def test_replay_from_warc_with_the_seeding_worker_killed_five_times_loses_nothing(redis_server, tmp_path):
    from bench.scale import write_mirror

    write_mirror(tmp_path / "mirror", COUNT)
    warc = tmp_path / "site.warc.gz"
    pack_mirror(tmp_path / "mirror", warc)
    crawl_killing_the_seeder(redis_server, tmp_path, {**FAST, "NEWSCRAWL_REPLAY": warc}, ("-a", "from_archive=1"))


def test_given_up_requests_fail_every_worker_that_saw_the_end_and_a_live_name_is_refused(redis_server, tmp_path):
    """RETRY_TIMES=0: the requests a SIGKILLed worker held are given up when their leases expire. The two workers
    that finish the crawl both exit 10 and say how many; a third process under a live worker's name is refused
    (exit 2, one line naming NEWSCRAWL_WORKER); the finished frontier expires after its retention."""
    count, client = 300, redis_server.client()
    url_file = write_url_file(tmp_path / "urls.txt", count)
    # pages slow enough (0.5 s each, about 12 a second for the three workers) that the crawl is still running
    # when the twin, started at a quarter, has come up and watched w2's heartbeat, however busy the machine
    with SiteServer(count, 0.5) as site:
        settings = {**local_site_settings(site.port), **FAST, "CONCURRENT_REQUESTS_PER_DOMAIN": 2, "RETRY_TIMES": 0,
                    "NEWSCRAWL_SUMMARY": 1, "NEWSCRAWL_FRONTIER_RETENTION_SECONDS": RETENTION}
        workers = Workers(redis_server.url, tmp_path / "out", settings, 3, ("-a", f"url_file={url_file}")).start_all()
        deadline = time.monotonic() + 60
        while len(workers.lines("articles")) < count // 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        twin = subprocess.run(workers.command("w2"), cwd=ROOT, capture_output=True, text=True, timeout=60)
        workers.kill("w3")
        assert workers.wait(timeout=120), "the workers did not finish in time"
    assert twin.returncode == 2, twin.stderr[-2000:]
    refusal = [line for line in twin.stderr.splitlines() if "NEWSCRAWL_WORKER=w2 is in use" in line]
    assert len(refusal) == 1 and "cannot start" in refusal[0], twin.stderr[-2000:]
    given_up = client.llen(KEYS.failed)
    assert given_up >= 1, "the killed worker held no lease: nothing to give up"
    for name in ("w1", "w2"):
        assert workers.processes[name].returncode == 10, workers.log(name)[-3000:]
        stats = json.loads((workers.output_dir / f"last_crawl.{name}.json").read_text())
        assert stats["newscrawl/frontier/crawl_given_up"] == given_up and stats["finish_reason"] == "finished"
        assert f"distributed crawl: {given_up} requests given up (LOST)" in workers.log(name)
    assert status(client, KEYS)["given_up"] == given_up and status(client, KEYS)["seeding_complete"]
    assert 0 < client.pttl(KEYS.dupefilter) <= RETENTION * 1000, "the finished frontier has no expiry"
    deadline = time.monotonic() + RETENTION + 2
    while [key for key in KEYS.frontier() if client.exists(key)] and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [key for key in KEYS.frontier() if client.exists(key)] == [], "the finished frontier did not expire"


# ---- the seeding protocol itself, on a real Redis, without a crawl (newscrawl/distributed/seeding.py) ---------------
def seeder(redis_server, name: str, urls: list[str]):
    from scrapy.utils.test import get_crawler

    from newscrawl.distributed.seeding import Seeding
    from spiders.dawn import DawnSpider

    crawler = get_crawler(DawnSpider, settings_dict={
        "NEWSCRAWL_REDIS_URL": redis_server.url, "NEWSCRAWL_WORKER": name, "NEWSCRAWL_CRAWL_ID": "dawn",
        "NEWSCRAWL_LEASE_SECONDS": 1, "NEWSCRAWL_SEED_QUEUE_MAX": 10_000, "NEWSCRAWL_REDIS_WAIT": 5})
    crawler.spider = DawnSpider.from_crawler(crawler, urls=",".join(urls))
    crawler.engine = SimpleNamespace(_slot=None)  # as an engine before it opens: nothing to wake
    return Seeding(crawler), crawler.spider


def test_a_seeder_that_dies_mid_list_is_taken_over_from_its_cursor(redis_server):
    import asyncio

    from scrapy.exceptions import CloseSpider

    urls = [f"https://www.dawn.com/news/{i}" for i in article_ids(250)]
    (first, first_spider), (second, second_spider) = seeder(redis_server, "a", urls), seeder(redis_server, "b", urls)

    pushes, push = [], first._push

    def dies_at_its_second_batch(**kwargs):
        if pushes:
            raise KeyboardInterrupt  # as a SIGKILL: nothing after this runs
        pushes.append(push(**kwargs))
        return pushes[-1]

    first._push = dies_at_its_second_batch
    client = redis_server.client()
    with pytest.raises(KeyboardInterrupt):
        asyncio.run(first.run(first_spider.start_entries))
    first._push = push
    assert seeding(client)["cursor"] == "100" and seeding(client)["holder"] == "a" and not client.exists(KEYS.seeded)
    started = time.monotonic()
    asyncio.run(second.run(second_spider.start_entries))  # waits for a's lease (1 s), then goes on from 100
    assert time.monotonic() - started >= 0.5, "b took the lease of a live seeder"
    assert seeding(client)["cursor"] == "250" and client.get(KEYS.seeded) == b"b"
    assert client.zcard(KEYS.queue) == 250 and client.scard(KEYS.dupefilter) == 250
    assert second.stats.get_value("newscrawl/seeding/taken_over") == 1
    # a's late batch is refused: the lease is b's now (and the crawl is seeded)
    assert asyncio.run(first.push_from(first_spider.start_entries, 100)) is False
    assert client.zcard(KEYS.queue) == 250
    # a worker with another list cannot take over someone's seeding: its cursor would mean other entries
    client.delete(KEYS.seeded)
    client.hset(KEYS.seeding, "expires", 0)
    other, other_spider = seeder(redis_server, "c", urls[:-1])
    with pytest.raises(CloseSpider) as refused:
        asyncio.run(other.run(other_spider.start_entries))
    assert refused.value.reason == "seeding_mismatch" and seeding(client)["holder"] == "b"


def test_the_verdict_of_a_finished_crawl_that_lost_work_is_exit_10():
    from scrapy.settings import Settings

    from newscrawl import settings as project_settings
    from newscrawl.monitoring.verdict import judge

    settings = Settings()
    settings.setmodule(project_settings)
    finished = {"finish_reason": "finished", "downloader/request_count": 100, "newscrawl/written/Article": 90}
    assert judge(finished, settings)[0] == 0  # one process: no frontier figures, nothing lost
    assert judge({**finished, "newscrawl/frontier/crawl_given_up": 0,
                  "newscrawl/frontier/seeding_complete": True}, settings)[0] == 0
    code, verdicts = judge({**finished, "newscrawl/frontier/crawl_given_up": 3}, settings)
    assert (code, verdicts["requests_given_up"]) == (10, 3)
    assert judge({**finished, "newscrawl/frontier/seeding_complete": False}, settings)[0] == 10
    assert judge({**finished, "finish_reason": "shutdown", "newscrawl/frontier/crawl_given_up": 3}, settings)[0] == 3
