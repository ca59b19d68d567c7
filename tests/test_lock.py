"""A plain `scrapy crawl dawn` takes the same lock as newscrawl-cron (#9 item 8): never two crawls on one state
store or output directory, whichever way each was started."""

import fcntl
import subprocess
import sys

from tests.conftest import ROOT, SITE, run_crawl

URL = "https://www.dawn.com/news/1918168/greenpeace-warns-of-potential-disaster-after-oil-spill-off-uae"


def test_a_plain_crawl_does_not_start_while_the_state_store_is_locked(tmp_path):
    out = tmp_path / "out"
    state = out / "state.sqlite"
    state.parent.mkdir(parents=True)
    with open(f"{state}.lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as a running newscrawl-cron (or crawl) holds it
        result = run_crawl(out, "-a", f"urls={URL}", timeout=120)
    assert "Another crawl is running" in result.log
    assert result.returncode == 7  # newscrawl-cron's code for it (newscrawl/monitoring/verdict.py)
    assert result.articles == [] and result.stats == {}  # nothing requested, nothing written
    # released: the next crawl runs, and leaves the lock free behind it
    again = run_crawl(out, "-a", f"urls={URL}", timeout=120)
    assert [a["article_id"] for a in again.articles] == [1918168]
    with open(f"{state}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)


def test_cron_refuses_to_start_beside_a_plain_crawl(tmp_path):
    out = tmp_path / "out"
    # three pages 600 s apart: the crawl holds the lock until it is killed below, however slow cron is to start
    urls = ",".join([URL, "https://www.dawn.com/news/1918062/x", "https://www.dawn.com/news/1918045/x"])
    crawl = subprocess.Popen([sys.executable, "-m", "scrapy", "crawl", "dawn", "-a", f"urls={urls}",
                              "-s", f"NEWSCRAWL_OUTPUT_DIR={out}", "-s", f"NEWSCRAWL_STATE={out / 'state.sqlite'}",
                              "-s", f"NEWSCRAWL_MIRROR={SITE}", "-s", "DOWNLOAD_DELAY=600", "-s", "NEWSCRAWL_SUMMARY=0",
                              "-s", "ROBOTSTXT_OBEY=0"],
                             cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        # the crawl holds the lock from its start until its engine stops; wait until it is taken
        for line in crawl.stderr:
            if "Spider opened" in line:
                break
        cron = subprocess.run([sys.executable, "-m", "newscrawl.commands.cron", "-s", f"NEWSCRAWL_OUTPUT_DIR={out}",
                               "-s", f"NEWSCRAWL_STATE={out / 'state.sqlite'}", "-s", f"NEWSCRAWL_MIRROR={SITE}"],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)
    finally:
        crawl.kill()
        crawl.wait(timeout=30)
    assert cron.returncode == 7, cron.stderr
    assert "another crawl is running" in cron.stderr
