"""The SQLite state store on its own (newscrawl/state/sqlite.py), and the JSON-lines writer's agreement with it."""

import json

from scrapy.utils.test import get_crawler

from newscrawl.items import Article, EditorialTeaser
from newscrawl.state.sqlite import EMITTED, MISSING, REJECTED, StateStore
from pipelines.jsonl_writer import JsonLinesWriterPipeline


class Clock:
    def __init__(self, now="2025-06-19T10:00:00+00:00"):
        self.value = now

    def __call__(self):
        return self.value


def article(article_id=1, **fields):
    return {"article_id": article_id, "content_hash": "h1", "published_at": "2025-06-19T09:00:00+05:00",
            "updated_at": None, "version": 1, **fields}


def test_an_article_round_trips_with_first_and_last_seen(tmp_path):
    clock = Clock()
    store = StateStore(tmp_path / "s.sqlite", now=clock)
    store.record_items([("Article", article(), "2025-06-19T09:00:00+05:00")], {})
    clock.value = "2025-06-20T10:00:00+00:00"
    store.record_items([("Article", article(content_hash="h2", updated_at="2025-06-20T12:00:00+05:00", version=2), None)], {})
    record = store.article(1)
    assert (record.status, record.content_hash, record.version) == (EMITTED, "h2", 2)
    assert record.first_seen == "2025-06-19T10:00:00+00:00" and record.last_seen == "2025-06-20T10:00:00+00:00"
    assert record.discovered_modified == "2025-06-19T09:00:00+05:00"  # kept when the new record names none
    assert record.known_change.isoformat() == "2025-06-20T12:00:00+05:00"
    assert store.article(2) is None


def test_teasers_keep_date_and_updated_flag(tmp_path):
    store = StateStore(tmp_path / "s.sqlite")
    store.record_items([("EditorialTeaser", {"article_id": 7, "date": "2025-06-19", "updated": True}, None)], {})
    teaser = store.teaser(7)
    assert (teaser.date, teaser.updated) == ("2025-06-19", True)


def test_missing_or_rejected_never_overwrites_an_emitted_article(tmp_path):
    store = StateStore(tmp_path / "s.sqlite")
    store.record_items([("Article", article(1), None)], {})
    store.mark_unavailable(1, MISSING)
    store.mark_unavailable(2, REJECTED)
    assert store.article(1).status == EMITTED
    assert store.article(2).status == REJECTED
    assert store.emitted_article_ids() == {1}


def test_the_store_is_reopened_across_runs(tmp_path):
    StateStore(tmp_path / "s.sqlite").record_items([("Article", article(5), None)], {tmp_path / "a.jsonl": 123})
    again = StateStore(tmp_path / "s.sqlite")
    assert again.article(5).version == 1
    assert again.output_offset(tmp_path / "a.jsonl") == 123


def test_catch_up_records_lines_past_the_recorded_offset(tmp_path):
    output = tmp_path / "articles.jsonl"
    first = json.dumps(article(1)) + "\n"
    output.write_text(first)
    store = StateStore(tmp_path / "s.sqlite")
    store.record_items([("Article", article(1), None)], {output: len(first.encode())})
    # two lines written, then the crawl was killed before recording them
    with output.open("a") as handle:
        handle.write(json.dumps(article(2)) + "\n" + json.dumps(article(3, version=2)) + "\n")
    assert store.catch_up(output, "Article") == 2
    assert store.emitted_article_ids() == {1, 2, 3}
    assert store.article(3).version == 2
    assert store.output_offset(output) == output.stat().st_size
    assert store.catch_up(output, "Article") == 0


def test_catch_up_of_a_replaced_file_starts_from_its_beginning(tmp_path):
    output = tmp_path / "articles.jsonl"
    store = StateStore(tmp_path / "s.sqlite")
    store.record_items([("Article", article(1), None)], {output: 10_000})
    output.write_text(json.dumps(article(9)) + "\n")  # rotated: shorter than the recorded offset
    assert store.catch_up(output, "Article") == 1
    assert 9 in store.emitted_article_ids()


def test_no_store_file_is_created_when_nothing_needs_it(tmp_path):
    store = StateStore(tmp_path / "sub" / "s.sqlite")
    assert store.catch_up(tmp_path / "none.jsonl", "Article") == 0
    assert not (tmp_path / "sub").exists()


def make_writer(output_dir, store):
    crawler = get_crawler()
    crawler.stats.open_spider()
    writer = JsonLinesWriterPipeline(str(output_dir), crawler.stats, store)
    writer.open_spider()
    return writer


def test_writer_records_each_line_with_the_offset_it_ends_at(tmp_path):
    store = StateStore(tmp_path / "s.sqlite")
    writer = make_writer(tmp_path, store)
    writer.process_item(Article(url="https://www.dawn.com/news/1", article_id=1, content_hash="x", version=1))
    writer.process_item(EditorialTeaser(url="https://www.dawn.com/news/2", article_id=2, date="2025-06-19"))
    writer.close_spider()
    articles = tmp_path / "articles.jsonl"
    assert store.emitted_article_ids() == {1} and store.teaser_ids() == {2}
    assert store.output_offset(articles) == articles.stat().st_size
    assert store.output_offset(tmp_path / "editorial_teasers.jsonl") == (tmp_path / "editorial_teasers.jsonl").stat().st_size


def test_writer_cuts_a_torn_line_and_records_whole_unrecorded_ones(tmp_path):
    store = StateStore(tmp_path / "s.sqlite")
    articles = tmp_path / "articles.jsonl"
    articles.write_text(json.dumps(article(1)) + "\n" + '{"article_id": 2, "tit')  # killed mid-write
    writer = make_writer(tmp_path, store)
    writer.close_spider()
    assert articles.read_text().count("\n") == 1
    assert store.emitted_article_ids() == {1}
    assert store.output_offset(articles) == articles.stat().st_size


def test_writer_records_lines_in_batches_and_a_kill_between_batches_loses_none(tmp_path):
    store = StateStore(tmp_path / "s.sqlite")
    writer = make_writer(tmp_path, store)
    for article_id in (1, 2, 3):  # well within RECORD_EVERY_SECONDS and RECORD_EVERY_LINES
        writer.process_item(Article(url=f"https://www.dawn.com/news/{article_id}", article_id=article_id,
                                    content_hash="x", version=1))
    articles = tmp_path / "articles.jsonl"
    first_line = len(articles.read_bytes().splitlines(keepends=True)[0])
    # the first line opened a batch of its own (nothing was recorded before it); 2 and 3 wait for the next batch,
    # flushed to the file already
    assert store.emitted_article_ids() == {1} and store.output_offset(articles) == first_line
    assert articles.read_text().count("\n") == 3
    # killed here (close_spider never runs): the next start records the lines past the offset
    restarted = StateStore(tmp_path / "s.sqlite")
    make_writer(tmp_path, restarted).close_spider()
    assert restarted.emitted_article_ids() == {1, 2, 3}
    assert restarted.output_offset(articles) == articles.stat().st_size


def test_writer_records_a_full_batch_at_once_and_the_rest_when_the_crawl_ends(tmp_path):
    from pipelines.jsonl_writer import RECORD_EVERY_LINES

    store = StateStore(tmp_path / "s.sqlite")
    writer = make_writer(tmp_path, store)
    for article_id in range(1, RECORD_EVERY_LINES + 3):
        writer.process_item(Article(url=f"https://www.dawn.com/news/{article_id}", article_id=article_id,
                                    content_hash="x", version=1))
    # the first line alone, then RECORD_EVERY_LINES lines together; the last one waits
    assert store.emitted_article_ids() == set(range(1, RECORD_EVERY_LINES + 2))
    writer.close_spider()
    assert store.emitted_article_ids() == set(range(1, RECORD_EVERY_LINES + 3))
    assert store.output_offset(tmp_path / "articles.jsonl") == (tmp_path / "articles.jsonl").stat().st_size
