"""Article pages read in worker processes (newscrawl/crawl/article_reader.py): real worker processes, the offline site,
a worker killed while it works."""

import asyncio
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from scrapy.settings import Settings

from newscrawl.crawl.article_reader import ArticleReader, extract_processes, read_article_page
from tests.conftest import EXPECTED, ROOT, SITE

BOUND = 60  # seconds: no test here waits longer on a worker


def fixture_page(article_id: int) -> tuple[str, str]:
    fixture = json.loads((EXPECTED / f"{article_id}.json").read_text(encoding="utf-8"))["fixture"]
    return (SITE / fixture["file"]).read_text(encoding="utf-8"), fixture["url"]


def read(reader: ArticleReader, html: str, url: str, patterns=(), rendered=False):
    return asyncio.run(asyncio.wait_for(reader.read(html, url, patterns, rendered), BOUND))


@pytest.fixture
def reader():
    reader = ArticleReader(1)
    yield reader
    reader.close()


def without(items: list[dict], *fields: str) -> list[str]:
    return sorted(json.dumps({k: v for k, v in item.items() if k not in fields}, sort_keys=True) for item in items)


def test_a_worker_reads_a_page_as_the_crawls_own_process_does(reader):
    from parsel import Selector

    html, url = fixture_page(1917388)
    in_worker = read(reader, html, url)
    here = read_article_page(Selector(text=html), url)
    assert in_worker == here
    expected = json.loads((EXPECTED / "1917388.json").read_text(encoding="utf-8"))
    assert in_worker.fields["title"] == expected["article"]["title"]  # written by hand from the page
    assert in_worker.teasers and in_worker.error is None


def test_a_parser_exception_in_a_worker_comes_back_with_its_traceback(reader):
    html, url = fixture_page(1917388)
    reading = read(reader, html, url, patterns=("(unclosed",))  # re.compile raises in the worker
    assert reading.fields is None and reading.error_type == "error"
    assert "missing ), unterminated subpattern" in reading.error
    assert "Traceback" in reading.error_traceback and "re.compile" in reading.error_traceback


def test_a_killed_worker_is_replaced_and_the_pages_it_held_are_read_again(reader):
    html, url = fixture_page(1917388)
    assert read(reader, html, url).fields is not None
    pids = list(reader._pool._processes)
    assert len(pids) == 1

    async def many_while_killed():
        reads = [asyncio.ensure_future(reader.read(html, url, (), False)) for _ in range(20)]
        await asyncio.sleep(0.05)
        os.kill(pids[0], signal.SIGKILL)
        return await asyncio.wait_for(asyncio.gather(*reads), BOUND)

    readings = asyncio.run(many_while_killed())
    assert reader.workers_replaced == 1
    assert all(r.fields is not None and r.fields["article_id"] == 1917388 for r in readings)
    assert list(reader._pool._processes) != pids


DRIVER = """
import asyncio, sys
from newscrawl.crawl.article_reader import ArticleReader
reader = ArticleReader(1)
html, url = open(sys.argv[1], encoding="utf-8").read(), sys.argv[2]
assert asyncio.run(reader.read(html, url, (), False)).fields is not None
print(*reader._pool._processes, flush=True)
asyncio.run(asyncio.sleep(60))
"""


def test_a_worker_leaves_when_the_crawl_that_started_it_is_killed():
    html, url = fixture_page(1917388)
    page = next(path for path in SITE.rglob("*.html") if path.read_text(encoding="utf-8") == html)
    driver = subprocess.Popen([sys.executable, "-c", DRIVER, str(page), url], cwd=ROOT, stdout=subprocess.PIPE,
                              text=True)
    try:
        worker = int(driver.stdout.readline())
        os.kill(driver.pid, signal.SIGKILL)  # no shutdown of the pool: as the OOM killer or `kill -9` would
        driver.wait(timeout=BOUND)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and alive(worker):
            time.sleep(0.2)
        assert not alive(worker), "the worker outlived its crawl"
    finally:
        driver.kill()


def test_a_worker_whose_crawl_died_before_it_started_leaves():
    """The crawl gives its pid to the worker: a worker started after a SIGKILL of its crawl is an orphan from the
    start (its parent is init already) and must still leave, not watch init for ever."""
    gone = subprocess.Popen(["true"])
    gone.wait()
    worker = subprocess.Popen([sys.executable, "-c", "import time; from newscrawl.crawl.article_reader import "
                               f"_start_worker; _start_worker({gone.pid}); time.sleep(60)"], cwd=ROOT)
    try:
        assert worker.wait(timeout=BOUND) == 0, "the worker outlived its crawl"
    finally:
        worker.kill()


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:  # a zombie is gone for this purpose: it runs nothing
            return stat.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_how_many_workers():
    offline = Settings({"NEWSCRAWL_MIRROR": "fixtures/site"})
    assert extract_processes(Settings()) == 0  # a live crawl waits on the host, not on CPU
    assert extract_processes(offline) == (1 if (os.cpu_count() or 1) >= 2 else 0)
    assert extract_processes(Settings({"NEWSCRAWL_EXTRACT_PROCESSES": "0", "NEWSCRAWL_MIRROR": "x"})) == 0
    assert extract_processes(Settings({"NEWSCRAWL_EXTRACT_PROCESSES": "2"})) == 2
    with pytest.raises(ValueError, match="NEWSCRAWL_EXTRACT_PROCESSES"):
        extract_processes(Settings({"NEWSCRAWL_EXTRACT_PROCESSES": "many"}))


def test_a_crawl_gives_the_same_items_with_and_without_a_worker(crawl):
    here = crawl(settings={"NEWSCRAWL_EXTRACT_PROCESSES": "0", "NEWSCRAWL_RENDER": "0"})
    in_worker = crawl(settings={"NEWSCRAWL_EXTRACT_PROCESSES": "1", "NEWSCRAWL_RENDER": "0"})
    assert here.returncode == in_worker.returncode == 0
    assert "newscrawl/extract_processes/pages" not in here.stats
    assert in_worker.stats["newscrawl/extract_processes/pages"] >= len(in_worker.articles) > 30
    assert without(in_worker.articles, "fetched_at") == without(here.articles, "fetched_at")
    # which page showed a teaser first depends on which page was read first
    assert without(in_worker.teasers, "fetched_at", "first_seen_on") == without(here.teasers, "fetched_at",
                                                                                 "first_seen_on")


def test_a_bad_setting_stops_the_crawl_before_it_starts(crawl):
    result = crawl(settings={"NEWSCRAWL_EXTRACT_PROCESSES": "many"})
    assert result.returncode == 2
    assert "NEWSCRAWL_EXTRACT_PROCESSES" in result.log
