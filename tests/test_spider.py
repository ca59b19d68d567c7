"""The dawn spider's routing and arguments (no crawl)."""

from datetime import date

import pytest
from scrapy.utils.test import get_crawler

from spiders.dawn import DawnSpider, page_kind


def make_spider(**kwargs) -> DawnSpider:
    crawler = get_crawler(DawnSpider, settings_dict={"NEWSCRAWL_ARCHIVES": ["latest-news", "newspaper/editorial"]})
    return DawnSpider.from_crawler(crawler, **kwargs)


@pytest.mark.parametrize("url, kind", [
    ("https://www.dawn.com/news/1532195/pompeo", "article"),
    ("https://www.dawn.com/news/1532195", "article"),
    ("https://www.dawn.com/feeds/sitemap", "sitemap"),
    ("https://www.dawn.com/feeds/home/", "feed"),
    ("https://www.dawn.com/feeds/latest-news/", "feed"),
    ("https://www.dawn.com/latest-news", "listing"),
    ("https://www.dawn.com/newspaper/editorial/2025-06-19", "listing"),
    ("https://www.dawn.com/", "listing"),
])
def test_page_kind(url, kind):
    assert page_kind(url) == kind


def test_archive_urls_cover_each_day_and_section_newest_day_first():
    spider = make_spider(since="2025-06-18", until="2025-06-19")
    assert spider.archive_urls() == [
        "https://www.dawn.com/latest-news/2025-06-19", "https://www.dawn.com/newspaper/editorial/2025-06-19",
        "https://www.dawn.com/latest-news/2025-06-18", "https://www.dawn.com/newspaper/editorial/2025-06-18",
    ]
    assert make_spider().archive_urls() == []  # undated crawls take today's listings instead


def test_a_backfill_of_more_than_a_year_is_accepted():
    urls = make_spider(since="2023-06-19", until="2025-06-19").archive_urls()
    assert len(urls) == 2 * 732  # both days included; 2024 is a leap year
    assert urls[0].endswith("/2025-06-19") and urls[-1].endswith("/2023-06-19")


def test_until_alone_is_that_one_day():
    spider = make_spider(until="2025-06-19")
    assert spider.archive_urls() == ["https://www.dawn.com/latest-news/2025-06-19",
                                     "https://www.dawn.com/newspaper/editorial/2025-06-19"]
    assert spider.arguments.in_range(date(2025, 6, 19))
    assert not spider.arguments.in_range(date(2025, 6, 16))  # a sitemap entry of an earlier day (1917388) is not followed


def test_date_range_filter():
    spider = make_spider(since="2025-06-18", until="2025-06-19")
    assert spider.arguments.in_range(date(2025, 6, 18)) and spider.arguments.in_range(date(2025, 6, 19))
    assert not spider.arguments.in_range(date(2025, 6, 17)) and not spider.arguments.in_range(date(2025, 6, 20))
    assert spider.arguments.in_range(None)


@pytest.mark.parametrize("kwargs, message", [
    ({"since": "19-06-2025"}, "since"),
    ({"until": "2025-02-30"}, "until"),
    ({"since": "2025-06-20", "until": "2025-06-19"}, "after"),
    ({"urls": "https://images.dawn.com/news/1/a"}, "only https://www.dawn.com"),
    ({"urls": "www.dawn.com/news/1"}, "only https://www.dawn.com"),
    ({"url_file": "/nonexistent/urls.txt"}, "no such file"),
    ({"bogus": "1"}, "unknown argument -a bogus"),
    ({"refresh": "maybe"}, "refresh"),
])
def test_bad_arguments_fail_clearly(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_spider(**kwargs)


def test_url_file_and_urls_are_merged_in_order(tmp_path):
    """The file is streamed, not held (a repeat across urls and the file is the dupefilter's to drop)."""
    listing = tmp_path / "urls.txt"
    listing.write_text("# a comment\nhttps://www.dawn.com/news/2\n\nhttps://www.dawn.com/news/1\n")
    spider = make_spider(urls="https://www.dawn.com/news/1, https://www.dawn.com/news/3", url_file=str(listing))
    assert list(spider.arguments.explicit_urls()) == [
        "https://www.dawn.com/news/1", "https://www.dawn.com/news/3", "https://www.dawn.com/news/2",
        "https://www.dawn.com/news/1"]


def test_a_url_file_without_urls_fails_clearly(tmp_path):
    listing = tmp_path / "urls.txt"
    listing.write_text("# only a comment\n\n")
    with pytest.raises(ValueError, match="no URL in it"):
        make_spider(url_file=str(listing))


def test_no_callback_is_a_generator_that_returns_a_value():
    """What Scrapy's WARN_ON_GENERATOR_RETURN_VALUE would check on every response (turned off in settings.py for
    its cost): a generator callback's `return value` would be lost silently."""
    from scrapy.utils.misc import is_generator_with_return_value

    callbacks = [DawnSpider.parse, DawnSpider.on_error]
    assert all(not is_generator_with_return_value(callback) for callback in callbacks)

    def returns_a_value():  # the check can fail
        yield 1
        return 2

    assert is_generator_with_return_value(returns_a_value)
