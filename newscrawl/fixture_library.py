"""The article fixtures and their expected JSON, wherever they live, and how a page's parse differs from them.

Three groups, one contract (docs/FIXTURE_CONTRACT.md), each an HTML folder and an expected-JSON folder:
the offline site (`site/`, `expected/<id>.json`), the layout variants (`variants/`, `expected/variants/`) and the
pages recorded by `scrapy savefixture` (`recorded/`, `expected/recorded/`). Used by the tests, by
`scrapy savefixture --check` and by bench/quality.py, so the three read the fixtures the same way.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from parsel import Selector

from newscrawl.extraction import parse_article, sidebar_teasers
from newscrawl.items import Article, page_fields

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
# group -> (HTML folder, expected-JSON folder), relative to the fixtures folder
GROUPS = {"site": ("site", "expected"), "variants": ("variants", "expected/variants"),
          "recorded": ("recorded", "expected/recorded")}
# Compared field by field: every field the page gives (newscrawl.items), except `content_hash`, which is derived
# from title and body (the tests check the formula). `body_paragraphs` of the expected JSON is compared as `body`.
# An expected JSON that lacks a field is a mismatch, so a new field needs its expected values written; only
# `extractor` may be absent (the offline site's expected JSON predates it; "dawn" is meant there).
ARTICLE_FIELDS = tuple(name for name in page_fields(Article) if name != "content_hash")
OPTIONAL_FIELDS = ("extractor",)
NOT_IN_EXPECTED = "(not in the expected JSON)"


@dataclass(frozen=True)
class ArticleFixture:
    group: str
    expected_path: Path
    html_dir: Path

    @property
    def name(self) -> str:
        return f"{self.group}/{self.expected_path.stem}"

    @cached_property
    def data(self) -> dict:
        return json.loads(self.expected_path.read_text(encoding="utf-8"))

    @property
    def url(self) -> str:
        return self.data["fixture"]["url"]

    @property
    def html_path(self) -> Path:
        return self.html_dir / self.data["fixture"]["file"]

    @property
    def reviewed(self) -> bool:
        return self.data["fixture"].get("reviewed") is True

    @property
    def needs_render(self) -> bool:
        """The expected JSON describes the page after JavaScript ran; its raw HTML is not comparable."""
        return bool(self.data["fixture"].get("needs_render"))

    def html(self) -> str:
        return self.html_path.read_text(encoding="utf-8")

    def selector(self) -> Selector:
        return Selector(text=self.html())

    def expected_article(self) -> dict:
        article = dict(self.data["article"])
        article["body"] = "\n\n".join(article.pop("body_paragraphs"))
        return article

    def page_teasers(self) -> list[dict]:
        """The expected teasers as the page gives them: `item_type` is the item's (newscrawl.items), not the page's."""
        return [{k: v for k, v in teaser.items() if k != "item_type"} for teaser in self.data["teasers"]]

    def parsed(self) -> dict:
        return parse_article(self.selector(), self.url)

    def diff(self) -> dict[str, dict]:
        """{field: {"expected": ..., "got": ...}} for each field where the parse differs; teasers as one field."""
        mismatches = article_mismatches(self.expected_article(), self.parsed())
        if "teasers" in self.data and (teasers := sidebar_teasers(self.selector(), self.url)) != self.page_teasers():
            mismatches["teasers"] = {"expected": self.page_teasers(), "got": teasers}
        return mismatches


def article_mismatches(want: dict, got: dict) -> dict[str, dict]:
    """{field: {"expected": ..., "got": ...}} for each compared field where `got` differs from the expected article."""
    return {f: {"expected": want.get(f, NOT_IN_EXPECTED), "got": got.get(f)} for f in ARTICLE_FIELDS
            if (f in want and got.get(f) != want[f]) or (f not in want and f not in OPTIONAL_FIELDS)}


def expected_files(group: str, root: Path = FIXTURES) -> list[Path]:
    folder = root / GROUPS[group][1]
    # the site's expected folder also holds site.json and id lists: article fixtures are named by their id
    return sorted(p for p in folder.glob("*.json") if group != "site" or p.stem.isdigit())


def article_fixtures(groups=tuple(GROUPS), root: Path = FIXTURES) -> list[ArticleFixture]:
    return [ArticleFixture(group, path, root / GROUPS[group][0]) for group in groups for path in expected_files(group, root)]
