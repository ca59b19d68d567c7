"""newscrawl/crawl/arguments.py: the spider's arguments, read as a whole (pure: no crawler)."""

from datetime import date

import pytest

from newscrawl.crawl.arguments import BadArgument, parse_arguments, parse_day

TODAY = date(2026, 11, 27)


def test_no_argument_is_an_undated_discovery_crawl():
    arguments = parse_arguments({}, TODAY)
    assert not arguments.dated and arguments.days_newest_first() == [] and arguments.urls == ()
    assert arguments.in_range(date(1990, 1, 1)) and not arguments.refresh


def test_until_alone_is_that_one_day():
    arguments = parse_arguments({"until": "2025-06-19"}, TODAY)
    assert (arguments.since, arguments.until) == (date(2025, 6, 19), date(2025, 6, 19))
    assert not arguments.in_range(date(2025, 6, 16)) and not arguments.in_range(date(2025, 6, 20))


def test_since_alone_runs_to_today_and_any_length_is_accepted():
    arguments = parse_arguments({"since": "2020-01-01"}, TODAY)
    assert arguments.until == TODAY
    days = arguments.days_newest_first()
    assert days[0] == TODAY and days[-1] == date(2020, 1, 1) and len(days) == (TODAY - date(2020, 1, 1)).days + 1


def test_since_equals_until_is_one_day():
    arguments = parse_arguments({"since": "2025-06-19", "until": "2025-06-19"}, TODAY)
    assert arguments.days_newest_first() == [date(2025, 6, 19)]
    assert not arguments.in_range(date(2025, 6, 18))


@pytest.mark.parametrize("value, expected", [("1", True), ("yes", True), ("TRUE", True), ("0", False),
                                             ("no", False), ("", False)])
def test_refresh_flag(value, expected):
    assert parse_arguments({"refresh": value}, TODAY).refresh is expected


@pytest.mark.parametrize("raw, message", [
    ({"refresh": "maybe"}, "-a refresh='maybe': expected 1 or 0"),
    ({"bogus": "1"}, "unknown argument -a bogus=...; the dawn spider takes: since, until, urls, url_file, refresh, from_archive"),
    ({"since": "2026-11-28"}, "after today (2026-11-27) in Pakistan"),
    ({"since": "2025-06-20", "until": "2025-06-19"}, "-a since=2025-06-20 is after -a until=2025-06-19"),
    ({"until": "19 June"}, "-a until='19 June': expected a date as YYYY-MM-DD"),
    ({"urls": "https://www.dawn.com/news/1,http://evil.example/x"}, "not: http://evil.example/x"),
])
def test_each_bad_argument_is_named(raw, message):
    with pytest.raises(BadArgument) as refused:
        parse_arguments(raw, TODAY)
    assert message in str(refused.value)


def test_scrapyd_job_id_is_not_refused():
    assert not parse_arguments({"_job": "6487ec79947edab326d6db28a2d86511e8247444"}, TODAY).dated


def test_parse_day_names_the_argument():
    with pytest.raises(BadArgument, match="since"):
        parse_day("2025-13-01", "since")
