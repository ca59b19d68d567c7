"""`scrapy crawl dawn` exits non-zero, with newscrawl-cron's codes, whenever the crawl did not do its job; a bad
argument is refused before the first request in one line; an unreachable or blocking host stops it in seconds."""

import time

import pytest

from newscrawl import settings as project_settings
from newscrawl.monitoring import verdict
from testing.distributed_run import free_port
from testing.files import write_mirror
from testing.generated_site import local_site_settings


@pytest.mark.parametrize("argument, message", [
    ("since=2025-06-1", "-a since='2025-06-1': expected a date as YYYY-MM-DD"),
    ("urls=https://example.com/news/1", "only https://www.dawn.com pages can be crawled"),
    ("url_file=/nonexistent/urls.txt", "-a url_file=/nonexistent/urls.txt: no such file"),
    ("bogus=1", "unknown argument -a bogus=..."),
    ("refresh=maybe", "-a refresh='maybe': expected 1 or 0"),
])
def test_a_bad_argument_is_one_line_and_exit_2(crawl, argument, message):
    result = crawl("-a", argument)
    assert result.returncode == verdict.NOT_STARTED
    lines = result.log.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"newscrawl: cannot start: {message}"), result.log
    assert "Traceback" not in result.log and "Task exception" not in result.log
    assert "Scrapy 2" not in result.log  # refused before the crawler even started logging
    assert result.stats == {}  # no request was sent


def test_an_unknown_spider_is_one_line_and_exit_2(crawl):
    result = crawl(spider="dwan")
    assert result.returncode == verdict.NOT_STARTED
    assert result.log.strip() == "newscrawl: cannot start: no spider named 'dwan' (this project has: dawn)"


def test_since_after_until_is_refused(crawl):
    result = crawl("-a", "since=2025-06-20", "-a", "until=2025-06-19")
    assert result.returncode == verdict.NOT_STARTED
    assert result.log.strip() == "newscrawl: cannot start: -a since=2025-06-20 is after -a until=2025-06-19"


def test_a_broken_mirror_is_one_line_and_exit_2(crawl, tmp_path):
    result = crawl("-a", "urls=https://www.dawn.com/news/1", mirror=tmp_path / "nowhere")
    assert result.returncode == verdict.NOT_STARTED
    assert result.log.strip() == (f"newscrawl: cannot start: NEWSCRAWL_MIRROR={tmp_path / 'nowhere'}: "
                                  "no manifest.jsonl in that directory")


def test_a_component_that_cannot_be_loaded_is_one_line_and_exit_2(crawl):
    result = crawl("-a", "urls=https://www.dawn.com/news/1918062", settings={"ITEM_PIPELINES": '{"nope.Missing": 1}'})
    assert result.returncode == verdict.NOT_STARTED
    assert result.log.strip().splitlines()[-1] == "newscrawl: cannot start: No module named 'nope'"
    assert "Traceback" not in result.log and "Task exception" not in result.log


def test_a_healthy_crawl_exits_0(crawl):
    result = crawl("-a", "urls=https://www.dawn.com/news/1918062")
    assert result.returncode == verdict.OK, result.log
    assert [a["article_id"] for a in result.articles] == [1918062]


def closed_port() -> int:
    return free_port()  # nothing listens there once its probe socket is closed


def test_an_unreachable_host_stops_the_crawl_in_seconds(crawl):
    started = time.monotonic()
    # the live politeness settings: 2 s between attempts
    result = crawl(mirror=None, timeout=90, settings=local_site_settings(closed_port()))
    elapsed = time.monotonic() - started
    assert result.returncode == verdict.UNREACHABLE, result.log
    assert result.stats["finish_reason"] == "host_unreachable"
    assert result.stats.get("response_received_count", 0) == 0
    # the 3rd failure (robots.txt, tried 3 times) stops it, and nothing more is attempted, instead of 4 attempts at
    # each of robots.txt and 11 entry points (48; the issue saw 116 s)
    assert result.stats["downloader/request_count"] == 3
    errors = [line for line in result.log.splitlines() if "[newscrawl.downloader.host_health] ERROR" in line]
    assert len(errors) == 1 and "www.dawn.com cannot be reached" in errors[0]
    assert "Traceback" not in result.log and "Gave up retrying" not in result.log
    assert "exit 8: host unreachable" in result.log
    assert result.stats["newscrawl/wall_seconds"] < 20  # 3 attempts about 2 s apart, then it stops
    assert elapsed < 60, elapsed  # the interpreter's start-up included


def test_a_host_answering_403_to_everything_stops_the_crawl_as_blocked(crawl, tmp_path):
    entry_points = project_settings.NEWSCRAWL_FEEDS + project_settings.NEWSCRAWL_LISTINGS
    mirror = write_mirror(tmp_path / "site", {url: (403, "text/html", b"Attention Required") for url in entry_points})
    result = crawl(mirror=mirror, settings={"CONCURRENT_REQUESTS": 1})
    assert result.returncode == verdict.BLOCKED, result.log
    assert result.stats["finish_reason"] == "blocked"
    # stopped at the 5th 403 in a row (robots.txt answered 200), not after all 11 entry points
    assert result.stats["downloader/response_status_count/403"] == 5
    assert "answered 403 to the last 5 requests" in result.log
    assert "exit 9: blocked" in result.log


def test_a_request_the_stopped_crawl_did_not_send_is_counted_as_such():
    from scrapy import Request
    from scrapy.utils.test import get_crawler

    from newscrawl.downloader.host_health import CrawlStopped, HostHealthMiddleware
    from spiders.dawn import DawnSpider

    crawler = get_crawler(DawnSpider)
    spider = DawnSpider.from_crawler(crawler)
    crawler.stats.open_spider()
    health = HostHealthMiddleware(crawler)
    health.stopping = "blocked"
    request = Request("https://www.dawn.com/news/1918168")
    with pytest.raises(CrawlStopped) as stopped:
        health.process_request(request)
    spider.on_error(failure_of(stopped.value, request))
    assert crawler.stats.get_value("newscrawl/skipped/crawl_stopped") == 1
    assert crawler.stats.get_value("newscrawl/skipped/IgnoreRequest") is None


def failure_of(exception, request):
    from twisted.python.failure import Failure

    failure = Failure(exception)
    failure.request = request  # as Scrapy hands it to an errback
    return failure
