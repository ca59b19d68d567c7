"""Extraction quality benchmark: this project's parser, trafilatura and newspaper4k on every article fixture
(the offline site's and the layout variants'; pages that need JavaScript are left out).

    .venv/bin/python bench/quality.py                                # prints the table, writes output/bench/quality.json
    .venv/bin/python bench/quality.py --output bench/quality.json    # updates the committed results
    .venv/bin/python bench/quality.py --variants                     # the layout variants alone, with a per-page
                                                                     # F1 table; output/bench/quality-variants.json
    .venv/bin/python bench/quality.py --variants --output bench/quality-variants.json

A run never destroys results: a tool skipped in this run (newspaper4k not installed) keeps the row it has in the
output file, and the committed bench/quality.json is written only when asked for by --output.

newspaper4k is optional (`pip install -e '.[bench]'`); without it its row says so. Everything runs offline:
each tool is given the fixture's HTML, never a URL to download.

Body: precision, recall and F1 of word 4-gram shingles, as Zyte's article-extraction-benchmark counts them
(`\\w+` tokens, shingles as a multiset; per page, then the mean). Title, authors, published_at, published day and
dateline, updated_at, lead image, images (with captions), tags: the share of pages where the tool's value equals
the expected one exactly, for the tools that give that field (trafilatura gives a day, not a time); `fields` is the
mean of those shares. Leakage: bodies holding any title or excerpt of the page's sidebar teasers
(that the article does not quote itself).
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path
from statistics import mean

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import trafilatura  # noqa: E402

from newscrawl.fixture_library import ArticleFixture, article_fixtures  # noqa: E402
from newscrawl.extraction import parse_article  # noqa: E402
from newscrawl.monitoring.shingles import body_scores  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "bench" / "quality.json"  # the figures docs/BENCHMARKS.md shows
OUTPUT = ROOT / "output" / "bench" / "quality.json"  # a run's default: outside git
VARIANTS_OUTPUT = ROOT / "output" / "bench" / "quality-variants.json"  # --variants (docs/REDESIGNS.md shows them)
EXACT_FIELDS = ("title", "authors", "published_at", "published_day", "updated_at", "dateline", "lead_image", "images",
                "tags")


# ---- the three extractors: fixture in, {"body", and the EXACT_FIELDS the tool gives} out
def ours(fixture: ArticleFixture) -> dict:
    fields = parse_article(fixture.selector(), fixture.url)
    return {**fields, "published_day": (fields["published_at"] or "")[:10] or None,
            "lead_image": fields["images"][0]["url"] if fields["images"] else None}


def with_trafilatura(fixture: ArticleFixture) -> dict:
    doc = trafilatura.bare_extraction(fixture.html(), url=fixture.url, with_metadata=True)
    doc = doc.as_dict() if doc is not None else {}
    authors = [a.strip() for a in (doc.get("author") or "").split(";") if a.strip()]
    return {"body": doc.get("text"), "title": doc.get("title"), "authors": authors, "published_day": doc.get("date"),
            "lead_image": doc.get("image")}


def newspaper_article_class():
    """newspaper4k's Article, or None when it is not installed (it is an optional dependency)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "nltk is not installed": its NLP features are not used here
        try:
            from newspaper import Article  # noqa: PLC0415
        except ImportError:
            return None
    return Article


def with_newspaper(fixture: ArticleFixture) -> dict:
    article = newspaper_article_class()(fixture.url, fetch_images=False)
    article.download(input_html=fixture.html())  # given HTML: no network
    article.parse()
    published = article.publish_date.isoformat() if article.publish_date else None
    return {"body": article.text, "title": article.title, "authors": list(article.authors), "published_at": published,
            "published_day": (published or "")[:10] or None, "lead_image": article.top_image or None}


TOOLS = {"newscrawl": ours, "trafilatura": with_trafilatura, "newspaper4k": with_newspaper}


# ---- measures (body F1: newscrawl.monitoring.shingles) ---------------------------------------------------------------


def sidebar_texts(fixture: ArticleFixture) -> list[str]:
    """Titles and excerpts of the page's sidebar teasers, except the page's own (an editorial lists itself) and
    those the article's own body quotes (its expected body holds them: fixtures 1918210, 1918211)."""
    want = fixture.expected_article()
    quoted = " ".join(want["body"].split())
    return [text for t in fixture.data.get("teasers", []) if t["article_id"] != want["article_id"]
            for text in (t["title"], t["excerpt"]) if text and text not in quoted]


def leaks(body: str | None, texts: list[str]) -> bool:
    flat = " ".join((body or "").split())
    return any(text in flat for text in texts)


def expected_values(fixture: ArticleFixture) -> dict:
    want = fixture.expected_article()
    return {**want, "published_day": want["published_at"][:10],
            "lead_image": want["images"][0]["url"] if want["images"] else None}


def evaluate(tool, fixtures: list[ArticleFixture]) -> dict:
    rows = []
    for fixture in fixtures:
        want, got = expected_values(fixture), tool(fixture)
        rows.append({"fixture": fixture.name, **body_scores(want["body"], got.get("body")),
                     "leak": leaks(got.get("body"), sidebar_texts(fixture)),
                     **{f: got[f] == want[f] for f in EXACT_FIELDS if f in got}})
    summary = {m: round(float(mean(r[m] for r in rows)), 4) for m in ("precision", "recall", "f1")}
    summary["min_f1"] = round(float(min(r["f1"] for r in rows)), 4)
    summary["leaks"] = sum(r["leak"] for r in rows)
    summary.update({f: round(float(mean(r[f] for r in rows)), 4) if f in rows[0] else None for f in EXACT_FIELDS})
    given = [summary[f] for f in EXACT_FIELDS if summary[f] is not None]
    summary["fields"] = round(float(mean(given)), 4) if given else None
    return {"pages": len(rows), **summary, "per_page": rows}


def fixtures_of(groups: tuple[str, ...]) -> list[ArticleFixture]:
    return [f for f in article_fixtures(groups) if not f.needs_render]


def benchmark(fixtures: list[ArticleFixture] | None = None, tools: dict | None = None) -> dict:
    fixtures = fixtures if fixtures is not None else fixtures_of(("site", "variants"))
    tools = tools if tools is not None else TOOLS
    results = {}
    for name, tool in tools.items():
        if tool is with_newspaper and newspaper_article_class() is None:
            results[name] = {"skipped": "not installed: pip install -e '.[bench]'"}
            continue
        results[name] = evaluate(tool, fixtures)
    return results


def table(results: dict) -> str:
    columns = ["pages", "precision", "recall", "f1", "min_f1", "leaks", "fields", *EXACT_FIELDS]
    lines = ["| tool | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    for name, r in results.items():
        if "skipped" in r:
            lines.append(f"| {name} | {r['skipped']} |")
            continue
        cells = [f"{r[c]:.3f}" if isinstance(r[c], float) else ("n/a" if r[c] is None else str(r[c])) for c in columns]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def merged(results: dict, path: Path) -> dict:
    """This run's rows, plus the rows `path` holds for tools this run skipped (so they are not lost)."""
    try:
        before = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        before = {}
    return {name: before[name] if "skipped" in row and "skipped" not in before.get(name, {"skipped": 1}) else row
            for name, row in results.items()}


def per_page_table(results: dict) -> str:
    """Body F1 of each page, one column per tool."""
    tools = [name for name, r in results.items() if "per_page" in r]
    lines = ["| page | " + " | ".join(tools) + " |", "|---" * (len(tools) + 1) + "|"]
    pages = [row["fixture"] for row in results[tools[0]]["per_page"]] if tools else []
    for i, page in enumerate(pages):
        lines.append(f"| {page} | " + " | ".join(f"{results[t]['per_page'][i]['f1']:.3f}" for t in tools) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Extraction quality: newscrawl vs trafilatura and newspaper4k.")
    parser.add_argument("--variants", action="store_true", help="the layout variants alone, with a per-page table")
    parser.add_argument("--output", type=Path, default=None,
                        help=f"where the results go (default {OUTPUT.relative_to(ROOT)}, with --variants "
                             f"{VARIANTS_OUTPUT.relative_to(ROOT)}; the committed figures are "
                             f"{COMMITTED.relative_to(ROOT)})")
    args = parser.parse_args(argv)
    output = args.output or (VARIANTS_OUTPUT if args.variants else OUTPUT)
    results = merged(benchmark(fixtures_of(("variants",))) if args.variants else benchmark(), output)
    print(table(results))
    if args.variants:
        print("\nbody F1 per page\n" + per_page_table(results))
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"written: {output}")


if __name__ == "__main__":
    main()
