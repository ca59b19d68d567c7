"""Every article fixture of the offline site against its expected JSON (written by hand from the page), field by
field and teaser by teaser, through the same parse the spider uses (newscrawl.fixture_library)."""

import json

import pytest

from newscrawl.fixture_library import GROUPS, article_fixtures, expected_files
from tests.conftest import documented_hash

SITE_FIXTURES = article_fixtures(("site",))
# Pages that need JavaScript ("needs_render": true) describe the RENDERED page: their raw HTML lacks part of it.
# tests/test_render.py compares them after rendering in Chromium.
RAW_FIXTURES = [f for f in SITE_FIXTURES if not f.needs_render]


def test_there_are_enough_article_fixtures():
    assert len(SITE_FIXTURES) >= 30


# every group's expected JSON: the offline site's, the layout variants' and the recorded pages' (savefixture drafts
# fail here until a person has checked them and set "reviewed": true)
ALL_EXPECTED_FILES = [path for group in GROUPS for path in expected_files(group)]


@pytest.mark.parametrize("path", ALL_EXPECTED_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_fixture_is_reviewed_and_marked_as_reconstruction_or_real(path):
    fixture = json.loads(path.read_text(encoding="utf-8"))["fixture"]
    assert fixture["reviewed"] is True, f"{path.name}: a person must check the expected JSON and set reviewed"
    assert fixture["kind"] in ("reconstructed", "real")


@pytest.mark.parametrize("fixture", RAW_FIXTURES, ids=lambda f: f.expected_path.stem)
def test_article_fields_and_teasers(fixture):
    mismatches = fixture.diff()  # every Article field, and the sidebar teasers
    assert not mismatches, json.dumps(mismatches, indent=1, ensure_ascii=False)
    want = fixture.expected_article()
    assert fixture.parsed()["content_hash"] == documented_hash(want["title"], want["body"])
