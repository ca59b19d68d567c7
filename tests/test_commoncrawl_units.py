"""The Common Crawl backfill's pieces without a crawl: its arguments, the choice of crawls, the checks of a record."""

from __future__ import annotations

from datetime import date

import pytest

from newscrawl.commoncrawl.collinfo import Crawl, UnknownCrawl, pick_crawls
from newscrawl.commoncrawl.records import BadRecord, read_record
from newscrawl.crawl.arguments import BadArgument, parse_arguments
from testing.commoncrawl_warcs import CRAWLS, one_record
from testing.crawls import run_crawl

TODAY = date(2026, 11, 27)


@pytest.mark.parametrize("raw, message", [
    ({"source": "wayback", "since": "2025-01-01"}, "-a source='wayback': expected one of dawn, commoncrawl"),
    ({"source": "commoncrawl"}, "-a source=commoncrawl needs -a since=YYYY-MM-DD"),
    ({"crawls": "CC-MAIN-2025-33", "since": "2025-01-01"}, "-a crawls=... names Common Crawl crawls: it needs -a source=commoncrawl"),
    ({"source": "commoncrawl", "since": "2025-01-01", "crawls": "CC-MAIN-2025-33,August"},
     "-a crawls: 'August' is not a crawl id like CC-MAIN-2025-33"),
    ({"source": "commoncrawl", "since": "2025-01-01", "from_archive": "1"}, "it takes no urls, url_file or from_archive"),
])
def test_each_bad_backfill_argument_is_named(raw, message):
    with pytest.raises(BadArgument) as refused:
        parse_arguments(raw, TODAY)
    assert message in str(refused.value)


def test_backfill_arguments():
    arguments = parse_arguments({"source": "commoncrawl", "since": "2019-01-01", "until": "2019-12-31",
                                 "crawls": "CC-MAIN-2025-33, CC-MAIN-2019-04,CC-MAIN-2025-33"}, TODAY)
    assert (arguments.source, arguments.crawls) == ("commoncrawl", ("CC-MAIN-2025-33", "CC-MAIN-2019-04"))
    assert parse_arguments({}, TODAY).source == "dawn"


def test_a_bad_backfill_argument_stops_scrapy_crawl_with_one_line_and_exit_2(tmp_path):
    result = run_crawl(tmp_path / "out", "-a", "source=commoncrawl", mirror=None)
    assert result.returncode == 2
    assert result.log.strip() == ("newscrawl: cannot start: -a source=commoncrawl needs -a since=YYYY-MM-DD "
                                  "(and -a until, default today)")


def test_crawls_are_picked_by_the_range_or_by_name():
    crawls = [Crawl(id_, "", start, end) for id_, _, start, end in CRAWLS]
    assert [c.id for c in pick_crawls(crawls, date(2025, 6, 16))] == ["CC-MAIN-2025-30", "CC-MAIN-2025-28",
                                                                      "CC-MAIN-2025-26"]
    assert [c.id for c in pick_crawls(crawls, date(2025, 7, 20))] == ["CC-MAIN-2025-30"]
    assert [c.id for c in pick_crawls(crawls, date(2025, 6, 16), ("CC-MAIN-2025-21",))] == ["CC-MAIN-2025-21"]
    with pytest.raises(UnknownCrawl, match="CC-MAIN-2019-04 not in collinfo.json"):
        pick_crawls(crawls, date(2025, 6, 16), ("CC-MAIN-2019-04",))


def test_a_record_is_checked(tmp_path):
    url = "https://www.dawn.com/news/1917388/small-firms-big-gaps"
    member, _ = one_record(url, "20250619100000", 200, [("Content-Type", "text/html")], b"<html>page</html>")
    page = read_record(member, url)
    assert (page.status, page.body, page.truncated, page.warc_date) == (200, b"<html>page</html>", None,
                                                                        "2025-06-19T10:00:00Z")
    cases = {"wrong_url": (member, url + "-other"), "not_one_gzip_member": (member + member, url),
             "not_one_gzip_member ": (member[:-10], url)}
    for reason, (data, expected_url) in cases.items():
        with pytest.raises(BadRecord) as bad:
            read_record(data, expected_url)
        assert bad.value.reason == reason.strip()
    cut, _ = one_record(url, "20250619100000", 200, [], b"<html>pa", truncated=True)
    assert read_record(cut, url).truncated == "length"
    chunked = b"5\r\n<html\r\n2\r\n>x\r\n0\r\n\r\n"
    dechunked = read_record(one_record(url, "20250619100000", 200, [("Transfer-Encoding", "chunked")], chunked)[0], url)
    assert dechunked.body == b"<html>x" and ("Transfer-Encoding", "chunked") not in dechunked.headers
