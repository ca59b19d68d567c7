"""Every article fixture against its expected JSON, field by field (expected JSON written by hand from the page)."""

import json

import pytest
from parsel import Selector

from newscrawl.commands.fixture_store import GROUPS, expected_files
from newscrawl.extraction import DawnArticlePage, content_hash, sidebar_teasers
from tests.conftest import EXPECTED, SITE

EXPECTED_FILES = sorted(p for p in EXPECTED.glob("*.json") if p.stem.isdigit())
# Pages that need JavaScript ("needs_render": true) describe the RENDERED page: their raw HTML lacks part of it.
# tests/test_render.py compares them after rendering in Chromium; here only their raw HTML's render signs are checked.
RAW_FILES = [p for p in EXPECTED_FILES if not json.loads(p.read_text(encoding="utf-8"))["fixture"].get("needs_render")]
ARTICLE_FIELDS = ["url", "article_id", "title", "summary", "authors", "section", "published_at", "updated_at",
                  "dateline", "body", "print_edition", "images", "tags", "language"]


def load(path):
    expected = json.loads(path.read_text(encoding="utf-8"))
    html = (SITE / expected["fixture"]["file"]).read_text(encoding="utf-8")
    return expected, Selector(text=html), expected["fixture"]["url"]


def test_there_are_enough_article_fixtures():
    assert len(EXPECTED_FILES) >= 30


# every group's expected JSON: the offline site's, the layout variants' and the recorded pages' (savefixture drafts
# fail here until a person has checked them and set "reviewed": true)
ALL_EXPECTED_FILES = [path for group in GROUPS for path in expected_files(group)]


@pytest.mark.parametrize("path", ALL_EXPECTED_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_fixture_is_reviewed_and_marked_as_reconstruction_or_real(path):
    fixture = json.loads(path.read_text(encoding="utf-8"))["fixture"]
    assert fixture["reviewed"] is True, f"{path.name}: a person must check the expected JSON and set reviewed"
    assert fixture["kind"] in ("reconstructed", "real")


@pytest.mark.parametrize("path", RAW_FILES, ids=lambda p: p.stem)
def test_article_fields(path):
    expected, selector, url = load(path)
    want = dict(expected["article"])
    want["body"] = "\n\n".join(want.pop("body_paragraphs"))
    got = DawnArticlePage(selector, url).fields()
    mismatches = {f: {"expected": want[f], "got": got[f]} for f in ARTICLE_FIELDS if got[f] != want[f]}
    assert not mismatches, json.dumps(mismatches, indent=1, ensure_ascii=False)
    assert got["content_hash"] == content_hash(want["title"], want["body"])


@pytest.mark.parametrize("path", RAW_FILES, ids=lambda p: p.stem)
def test_sidebar_teasers(path):
    expected, selector, url = load(path)
    assert sidebar_teasers(selector, url) == expected["teasers"]
