"""Each pipeline on its own, with a real Scrapy stats collector."""

import json

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from newscrawl.items import Article, EditorialTeaser
from pipelines.deduplicate import DeduplicatePipeline
from pipelines.jsonl_writer import JsonLinesWriterPipeline, repair_torn_tail
from pipelines.strip_sidebar import StripSidebarPipeline
from pipelines.validate import ValidatePipeline
from tests.conftest import documented_hash


@pytest.fixture
def crawler(tmp_path):
    crawler = get_crawler(settings_dict={"NEWSCRAWL_OUTPUT_DIR": str(tmp_path / "out")})
    crawler.stats.open_spider()
    return crawler


def article(**overrides) -> Article:
    fields = dict(url="https://www.dawn.com/news/1", article_id=1, title="Title", published_at="2025-06-19T10:00:00+05:00",
                  body="ISLAMABAD: One.\n\nTwo.")
    return Article(**{**fields, **overrides})


def teaser(**overrides) -> EditorialTeaser:
    fields = dict(url="https://www.dawn.com/news/9", article_id=9, title="Afghan strikes",
                  excerpt="The military option has been employed by the govt apparently to signal its unhappiness.",
                  date="2024-12-26", updated=True, section="Editorial")
    return EditorialTeaser(**{**fields, **overrides})


# ---- Validate ------------------------------------------------------------------------------------

def test_validate_passes_complete_items(crawler):
    pipeline = ValidatePipeline.from_crawler(crawler)
    assert pipeline.process_item(article()) is not None
    assert pipeline.process_item(teaser()) is not None


@pytest.mark.parametrize("field, value, reason", [
    ("body", None, "missing_body"), ("body", "", "missing_body"), ("title", None, "missing_title"),
    ("published_at", None, "missing_published_at"), ("url", None, "missing_url"),
    ("article_id", None, "missing_article_id"),
])
def test_validate_drops_articles_with_reason(crawler, field, value, reason):
    with pytest.raises(DropItem, match=reason):
        ValidatePipeline.from_crawler(crawler).process_item(article(**{field: value}))
    assert crawler.stats.get_value(f"newscrawl/dropped/{reason}") == 1


def test_validate_drop_message_names_url_and_every_missing_field(crawler):
    with pytest.raises(DropItem) as caught:
        ValidatePipeline.from_crawler(crawler).process_item(article(title=None, body=None))
    assert "https://www.dawn.com/news/1" in str(caught.value) and "title, body" in str(caught.value)


def test_validate_teaser_needs_url_id_title_only(crawler):
    pipeline = ValidatePipeline.from_crawler(crawler)
    assert pipeline.process_item(teaser(excerpt=None, date=None)) is not None
    with pytest.raises(DropItem):
        pipeline.process_item(teaser(title=""))
    assert crawler.stats.get_value("newscrawl/dropped/missing_title") == 1


# ---- Strip sidebar -------------------------------------------------------------------------------

def test_strip_removes_teaser_text_seen_earlier_and_rehashes(crawler, caplog):
    pipeline = StripSidebarPipeline.from_crawler(crawler)
    pipeline.process_item(teaser())
    leaky = article(body="ISLAMABAD: One.\n\nTwo.\n\nOpinion\n\nEditorial\n\nAfghan strikes\n\nUpdated 26 Dec, 2024\n\n"
                         "The military option has been employed by the govt apparently to signal its unhappiness.")
    with caplog.at_level("INFO"):
        out = pipeline.process_item(leaky)
    assert out.body == "ISLAMABAD: One.\n\nTwo."
    assert out.content_hash == documented_hash("Title", "ISLAMABAD: One.\n\nTwo.")  # of the stripped body
    assert crawler.stats.get_value("newscrawl/sidebar_stripped/articles") == 1
    assert crawler.stats.get_value("newscrawl/sidebar_stripped/blocks") == 5
    assert "https://www.dawn.com/news/1" in caplog.text and "Afghan strikes" in caplog.text  # names the article


def test_strip_hashes_every_article_once_its_body_is_final(crawler):
    """content_hash is computed here and nowhere else: extraction leaves it unset."""
    out = StripSidebarPipeline.from_crawler(crawler).process_item(article())
    assert out.content_hash == documented_hash("Title", "ISLAMABAD: One.\n\nTwo.")
    assert crawler.stats.get_value("newscrawl/sidebar_stripped/articles") is None


def test_strip_keeps_and_counts_a_quoted_editorial(crawler, caplog):
    pipeline = StripSidebarPipeline.from_crawler(crawler)
    pipeline.process_item(teaser())
    quoting = "ISLAMABAD: One.\n\nThe military option has been employed by the govt apparently to signal its unhappiness."
    with caplog.at_level("INFO"):
        out = pipeline.process_item(article(body=quoting))
    assert out.body == quoting
    assert crawler.stats.get_value("newscrawl/sidebar_kept/blocks") == 1
    assert crawler.stats.get_value("newscrawl/sidebar_stripped/articles") is None
    assert "Kept 1 paragraph(s) of https://www.dawn.com/news/1" in caplog.text


def test_strip_leaves_clean_bodies_alone(crawler):
    pipeline = StripSidebarPipeline.from_crawler(crawler)
    pipeline.process_item(teaser())
    out = pipeline.process_item(article())
    assert out.body == "ISLAMABAD: One.\n\nTwo."
    assert crawler.stats.get_value("newscrawl/sidebar_stripped/articles") is None


def test_a_body_that_was_only_sidebar_is_emptied_for_validate_to_drop(crawler):
    pipeline = StripSidebarPipeline.from_crawler(crawler)
    pipeline.process_item(teaser())
    out = pipeline.process_item(article(body="Afghan strikes\n\nUpdated 26 Dec, 2024"))
    assert out.body is None and out.content_hash == documented_hash("Title", "")
    with pytest.raises(DropItem, match="missing_body"):
        ValidatePipeline.from_crawler(crawler).process_item(out)


# ---- Deduplicate ---------------------------------------------------------------------------------

def test_dedupe_keeps_first_of_each_type_and_id(crawler):
    pipeline = DeduplicatePipeline.from_crawler(crawler)
    assert pipeline.process_item(article()) is not None
    assert pipeline.process_item(teaser(article_id=1)) is not None  # same id, other type: kept
    with pytest.raises(DropItem):
        pipeline.process_item(article(url="https://www.dawn.com/news/1", title="Other"))
    for _ in range(3):
        with pytest.raises(DropItem):
            pipeline.process_item(teaser(article_id=1))
    assert crawler.stats.get_value("newscrawl/dropped/duplicate_Article") == 1
    assert crawler.stats.get_value("newscrawl/dropped/duplicate_EditorialTeaser") == 3


# ---- Write JSON lines ----------------------------------------------------------------------------

def test_writer_appends_one_flushed_line_per_item(crawler, tmp_path):
    out = tmp_path / "out"
    writer = JsonLinesWriterPipeline.from_crawler(crawler)
    writer.open_spider()
    writer.process_item(article(title="Müller’s “quote”"))
    # flushed item by item: readable before the spider closes
    line = (out / "articles.jsonl").read_text(encoding="utf-8")
    assert line.endswith("\n") and json.loads(line)["title"] == "Müller’s “quote”"
    assert "Müller" in line  # UTF-8, not \u escapes
    writer.process_item(teaser())
    writer.close_spider()
    second = JsonLinesWriterPipeline.from_crawler(crawler)
    second.open_spider()
    second.process_item(article(article_id=2, url="https://www.dawn.com/news/2"))
    second.close_spider()
    ids = [json.loads(l)["article_id"] for l in (out / "articles.jsonl").read_text().splitlines()]
    assert ids == [1, 2]  # appended across runs
    assert len((out / "editorial_teasers.jsonl").read_text().splitlines()) == 1
    assert crawler.stats.get_value("newscrawl/written/Article") == 2


def test_torn_last_line_is_cut_on_open(crawler, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "articles.jsonl").write_text('{"article_id": 1}\n{"article_id": 2, "ti', encoding="utf-8")
    writer = JsonLinesWriterPipeline.from_crawler(crawler)
    writer.open_spider()
    writer.process_item(article(article_id=3))
    writer.close_spider()
    lines = (out / "articles.jsonl").read_text().splitlines()
    assert [json.loads(l)["article_id"] for l in lines] == [1, 3]
    assert crawler.stats.get_value("newscrawl/output/torn_bytes_removed") == len('{"article_id": 2, "ti')


def test_repair_torn_tail_edge_cases(tmp_path):
    path = tmp_path / "f.jsonl"
    assert repair_torn_tail(path) == 0  # missing file
    path.write_text("")
    assert repair_torn_tail(path) == 0
    path.write_text("no newline at all")
    assert repair_torn_tail(path) == len("no newline at all") and path.read_text() == ""
    path.write_text("{}\n" * 40000 + "x" * 70000)  # torn line longer than one read chunk
    repair_torn_tail(path)
    assert path.read_text() == "{}\n" * 40000


def test_mojibake_pattern_needs_a_non_ascii_character_within_its_length():
    """What pipelines.validate.is_mojibake relies on, checked against ftfy's pattern itself (an ftfy upgrade that
    breaks it fails here): every alternative holds a character no ASCII one matches, and no match is longer than
    MOJIBAKE_MAX_CHARS."""
    import warnings

    from ftfy.badness import BADNESS_RE

    from pipelines.validate import MOJIBAKE_MAX_CHARS

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import sre_constants as C
        import sre_parse

    parsed = sre_parse.parse(BADNESS_RE.pattern, BADNESS_RE.flags)
    assert parsed.getwidth()[1] <= MOJIBAKE_MAX_CHARS
    (op, (_, alternatives)), = list(parsed)
    assert op is C.BRANCH

    def only_non_ascii(item) -> bool:
        kind, value = item
        if kind is C.LITERAL:
            return value >= 128
        return kind is C.IN and all(k is C.LITERAL and v >= 128 or k is C.RANGE and v[0] >= 128 for k, v in value)

    assert all(any(only_non_ascii(item) for item in alternative) for alternative in alternatives)


def test_mojibake_check_answers_as_ftfy_does():
    import random

    from ftfy.badness import is_bad

    from pipelines.validate import is_mojibake
    from tests.conftest import EXPECTED

    texts = []
    for path in sorted(EXPECTED.glob("*.json")):
        article_json = json.loads(path.read_text(encoding="utf-8")).get("article") or {}
        texts += [article_json.get("title") or "", "\n\n".join(article_json.get("body_paragraphs") or [])]
    texts = [t for t in texts if t]
    # the same texts read with the wrong charset, and bits of those put into good text
    garbled = [t.encode("utf-8").decode(charset, errors="replace") for t in texts for charset in ("cp1252", "latin-1")]
    rng = random.Random(12)
    mixed = []
    for _ in range(2000):
        text, bad = rng.choice(texts), rng.choice(garbled)
        at, cut = rng.randrange(len(text)), rng.randrange(len(bad))
        mixed.append(text[:at] + bad[cut:cut + rng.randint(1, 9)] + text[at:])
    samples = texts + garbled + mixed + ["", "plain ascii", "Pakistanâ€™s cafÃ©", "\x9d", "naïve café — “quoted”"]
    answers = [is_bad(s) for s in samples]
    assert [is_mojibake(s) for s in samples] == answers
    assert 50 < sum(answers) < len(samples) - 50  # both answers are well represented
