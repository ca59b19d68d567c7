"""The layout-variant pages (fixtures/variants/) against their hand-written expected JSON, field by field, and the
variants' builder: pages in sync with it, marked as reconstructions, kept out of the offline site."""

import json
import sys

import pytest

from newscrawl.fixture_library import FIXTURES, article_fixtures

VARIANTS = article_fixtures(("variants",))
# the variations the issue asks for, each a page of its own (the others are in fixtures/site: see fixtures/README.md)
REQUIRED = {"h1-headline", "time-only-in-meta", "byline-plain-dawn-report", "byline-plain-correspondent",
            "several-bylines", "sidebar-in-story", "decoys-first", "data-id-disagrees", "no-body-container",
            # redesigns (issue #8): whole layouts invented from how news sites and Dawn's past layouts changed
            "redesign-widget-before-story", "redesign-microdata", "redesign-no-story-markup", "redesign-teaser-rail",
            "redesign-renamed-blocks",
            # pages that are not one plain story (issue #21): split bodies, navigation lines, times in UTC, an AMP
            # copy, a live page whose server sent its entries
            "split-body-around-ad", "split-body-three-parts", "navigation-lines", "times-utc-meta",
            "times-shown-clock-utc", "amp-copy", "live-updates-server-rendered"}


def test_every_required_variation_has_a_page():
    assert REQUIRED <= {f.expected_path.stem for f in VARIANTS}


@pytest.mark.parametrize("fixture", VARIANTS, ids=lambda f: f.expected_path.stem)
def test_variant_parses_as_expected(fixture):
    mismatches = fixture.diff()
    assert not mismatches, json.dumps(mismatches, indent=1, ensure_ascii=False)


@pytest.mark.parametrize("fixture", VARIANTS, ids=lambda f: f.expected_path.stem)
def test_variant_page_is_marked_as_reconstruction(fixture):
    assert fixture.html().startswith("<!-- newscrawl fixture: RECONSTRUCTED article page.")
    assert f"VARIANT {fixture.expected_path.stem}:" in fixture.html().splitlines()[0]


def builder(name: str):
    sys.path.insert(0, str(FIXTURES / "build"))
    sys.dont_write_bytecode = True
    try:
        return __import__(name)
    finally:
        sys.path.remove(str(FIXTURES / "build"))


def test_pages_are_what_the_builder_makes():
    build_variants = builder("build_variants")
    for name, (story, description, transform) in build_variants.VARIANTS.items():
        built = build_variants.page(name, story, description, transform)
        assert built == (FIXTURES / "variants" / f"{name}.html").read_text(encoding="utf-8"), f"rebuild {name}"


def test_page_kind_pages_are_what_their_builder_makes():
    build_pagekinds = builder("build_pagekinds")
    for name in build_pagekinds.NAMES:
        built = build_pagekinds.page(name)
        assert built == (FIXTURES / "variants" / f"{name}.html").read_text(encoding="utf-8"), f"rebuild {name}"


def test_variants_stay_out_of_the_offline_site():
    manifest = (FIXTURES / "site" / "manifest.jsonl").read_text(encoding="utf-8")
    assert not any(f"/news/{f.expected_article()['article_id']}" in manifest for f in VARIANTS)
