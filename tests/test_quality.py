"""bench/quality.py: our extractor meets its targets on every article fixture; the measures and the other tools'
adapters work (on two pages, to stay fast; the full table is `python bench/quality.py`)."""

from bench import quality
from newscrawl.fixture_library import article_fixtures

FIXTURES = [f for f in article_fixtures(("site", "variants")) if not f.needs_render]


def test_ours_meets_the_targets_on_every_fixture():
    result = quality.evaluate(quality.ours, FIXTURES)
    assert result["pages"] >= 40
    assert result["min_f1"] >= 0.99 and result["leaks"] == 0
    assert result["title"] == result["authors"] == result["published_at"] == 1.0


def test_on_the_layout_variants_our_worst_body_is_no_worse_than_trafilaturas():
    variants = quality.fixtures_of(("variants",))
    results = quality.benchmark(variants, {"newscrawl": quality.ours, "trafilatura": quality.with_trafilatura})
    assert results["newscrawl"]["pages"] == len(variants) >= 15
    assert results["newscrawl"]["min_f1"] >= results["trafilatura"]["min_f1"]
    assert results["newscrawl"]["fields"] == 1.0  # every field exact on every variant, redesigns included
    print(quality.per_page_table(results))


def test_shingle_scores():
    text = "one two three four five six"
    assert quality.body_scores(text, text) == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    half = quality.body_scores(text, "one two three four five")  # 2 of 3 shingles, none extra
    assert (half["precision"], round(half["recall"], 3)) == (1.0, 0.667)
    assert quality.body_scores(text, None)["f1"] == 0.0


def test_leakage_counts_teaser_text_but_not_the_pages_own_title():
    [page] = [f for f in FIXTURES if f.name == "site/1918045"]  # an editorial that its own sidebar lists
    texts = quality.sidebar_texts(page)
    assert "Budget compromise" not in texts and "Heat and health" in texts
    assert quality.leaks("Body.\n\nHeat and health", texts) and not quality.leaks("Budget compromise", texts)


def test_other_tools_run_offline_on_given_html():
    two = FIXTURES[:2]
    tools = {"trafilatura": quality.with_trafilatura}
    if quality.newspaper_article_class() is not None:
        tools["newspaper4k"] = quality.with_newspaper
    results = quality.benchmark(two, tools)
    assert all(r["pages"] == 2 and r["f1"] > 0.5 for r in results.values())
    print(quality.table(results))


def test_newspaper4k_row_says_when_it_is_not_installed(monkeypatch):
    monkeypatch.setattr(quality, "newspaper_article_class", lambda: None)
    results = quality.benchmark(FIXTURES[:1], {"newspaper4k": quality.with_newspaper})
    assert "not installed" in results["newspaper4k"]["skipped"]
    assert "not installed" in quality.table(results)



def test_a_run_never_destroys_committed_results(monkeypatch, tmp_path):
    committed = quality.COMMITTED.read_text(encoding="utf-8")
    assert "skipped" not in quality.json.loads(committed)["newspaper4k"]  # the committed file has its row
    fresh_row = {**quality.json.loads(committed)["newscrawl"], "pages": 1}  # this run's figures, told apart by pages
    run = {"newscrawl": fresh_row, "newspaper4k": {"skipped": "not installed: pip install -e '.[bench]'"}}
    monkeypatch.setattr(quality, "benchmark", lambda: run)
    quality.main(["--output", str(tmp_path / "q.json")])  # a run elsewhere...
    assert quality.COMMITTED.read_text(encoding="utf-8") == committed  # ...leaves the committed file alone
    assert quality.OUTPUT != quality.COMMITTED and "output" in quality.OUTPUT.parts  # and so does the default
    # a run without newspaper4k written over earlier results keeps their newspaper4k row
    earlier = tmp_path / "earlier.json"
    earlier.write_text(committed, encoding="utf-8")
    quality.main(["--output", str(earlier)])
    rows = quality.json.loads(earlier.read_text(encoding="utf-8"))
    assert rows["newscrawl"] == run["newscrawl"]
    assert rows["newspaper4k"] == quality.json.loads(committed)["newspaper4k"]
