"""The second wall against the Opinion/Editorial sidebar: pure text, on the real seed capture. Both directions: the
widget's runs are removed, a story's paragraphs that quote an editorial are kept."""

from pathlib import Path

import pytest

from newscrawl.extraction.sidebar import SidebarText

SEED = Path(__file__).resolve().parent.parent / "fixtures" / "seed" / "dawn-1532195-page-text.txt"

# The six teasers, typed from the seed page text (title, excerpt, date, updated).
SEED_TEASERS = [
    ("Afghan strikes", "The military option has been employed by the govt apparently to signal its unhappiness "
     "over the state of affairs with Afghanistan.", "2024-12-26", True),
    ("Revamping tax policy", "THE tax bureaucracy appears to have convinced the government that it can boost "
     "revenues simply by taking harsher...", "2024-12-26", False),
    ("Betraying women voters", "THE ECP’s recent pledge to eliminate the gender gap among voters falls flat in "
     "the face of troubling revelations...", "2024-12-26", False),
    ("Kurram ‘roadmap’", "The state must provide ironclad guarantees that the local population will be protected "
     "from all forms of terrorism.", "2024-12-25", True),
    ("Snooping state", "THE state’s attempts to pry into citizens’ internet activities continue apace. The latest "
     "in this regard is a...", "2024-12-25", False),
    ("A welcome first step", "THE commencement of a dialogue between the PTI and the coalition parties occupying "
     "the treasury benches in ...", "2024-12-25", False),
]
SEED_PAGE = "https://www.dawn.com/news/1532195"
LAST_ARTICLE_PARAGRAPH = ("Tleuberdi, whose government has so far steered away from criticism of China over "
                          "Xinjiang, made no comment on the Uighur issue and focused instead on economic and "
                          "security cooperation.")


@pytest.fixture
def sidebar():
    text = SidebarText()
    # a date line is matched with and without "Updated" whatever the teaser says: its `updated` is not asked
    for title, excerpt, day, _updated in SEED_TEASERS:
        text.add_teaser(title, excerpt, day, shown_on=SEED_PAGE)
    return text


def naive_body() -> list[str]:
    """What a naive extractor makes of the seed page: every line from the dateline on, sidebar included."""
    lines = [line.strip() for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    return lines[lines.index(next(l for l in lines if l.startswith("NUR SULTAN:"))):]


def test_seed_sidebar_blocks_are_removed(sidebar):
    blocks = naive_body()
    assert "Afghan strikes" in blocks and "Updated 26 Dec, 2024" in blocks  # the leak is there to remove
    result = sidebar.strip("\n\n".join(blocks))
    kept = result.body.split("\n\n")
    assert kept[-1] == "Published in Dawn, February 3rd, 2020"
    assert kept[-2] == LAST_ARTICLE_PARAGRAPH
    assert kept[0].startswith("NUR SULTAN: US Secretary of State")
    assert len(kept) == 9  # the 8 article paragraphs + the print line
    assert result.changed == len(blocks) - 9 and result.kept == 0
    assert result.runs[0].startswith("Opinion / Editorial / Afghan strikes / Updated 26 Dec, 2024")
    for title, excerpt, _, _ in SEED_TEASERS:
        assert excerpt not in result.body and title not in result.body


def test_sidebar_glued_to_the_last_paragraph_is_cut_off(sidebar):
    blocks = naive_body()
    glued = LAST_ARTICLE_PARAGRAPH + " " + " ".join(blocks[blocks.index("Opinion"):])
    result = sidebar.strip("First paragraph.\n\n" + glued)
    assert (result.body, result.changed) == ("First paragraph.\n\n" + LAST_ARTICLE_PARAGRAPH, 1)


def test_sidebar_glued_to_the_start_of_a_paragraph_is_cut_off(sidebar):
    result = sidebar.strip("Opinion Editorial Afghan strikes Updated 26 Dec, 2024 Real first paragraph.\n\nTwo.")
    assert (result.body, result.changed) == ("Real first paragraph.\n\nTwo.", 1)


def test_a_paragraph_that_merely_mentions_a_title_is_kept(sidebar):
    body = ("Snooping state agencies were discussed in parliament.\n\n"
            "Critics called the Afghan strikes a mistake.\n\nOpinion")
    result = sidebar.strip(body)
    assert result.body == body  # a lone heading is no widget either
    assert result.changed == 0


AFGHAN_EXCERPT = SEED_TEASERS[0][1]


@pytest.mark.parametrize("quote", [
    # the editorial's first sentence as a paragraph of its own
    AFGHAN_EXCERPT,
    # its title as a subhead, then its first sentence
    f"Afghan strikes\n\n{AFGHAN_EXCERPT}",
    # its title inside a sentence, and its first sentence glued after a colon
    f"The editorial Afghan strikes said: {AFGHAN_EXCERPT}",
    # two editorials' titles as subheads, one after the other
    "Afghan strikes\n\nRevamping tax policy",
])
def test_a_story_quoting_the_editorial_keeps_its_paragraphs(sidebar, quote):
    body = f"ISLAMABAD: The Foreign Office responded on Friday.\n\n{quote}\n\nThe spokesperson declined to comment."
    result = sidebar.strip(body)
    assert result.body == body
    assert result.changed == 0


def test_quote_kept_next_to_a_sidebar_run_that_is_removed(sidebar):
    blocks = naive_body()
    widget = blocks[blocks.index("Opinion"):]
    body = f"ISLAMABAD: One.\n\n{AFGHAN_EXCERPT}\n\n" + "\n\n".join(widget)
    result = sidebar.strip(body)
    assert result.body == f"ISLAMABAD: One.\n\n{AFGHAN_EXCERPT}"
    assert (result.changed, result.kept) == (len(widget), 1)


def test_a_run_out_of_the_widget_order_is_kept(sidebar):
    """Teasers' pieces in an order no widget showed them in are not the widget (a story listing the week's
    editorials with their dates, newest last)."""
    body = "One.\n\nSnooping state\n\n25 Dec, 2024\n\nAfghan strikes\n\nUpdated 26 Dec, 2024\n\nTwo."
    reversed_order = sidebar.strip(body)
    assert reversed_order.body == body
    in_order = sidebar.strip("One.\n\nAfghan strikes\n\nUpdated 26 Dec, 2024\n\nSnooping state\n\n25 Dec, 2024\n\nTwo.")
    assert in_order.body == "One.\n\nTwo."


def test_ellipsis_character_matches_three_dots(sidebar):
    body = ("Real text.\n\nRevamping tax policy\n\n26 Dec, 2024\n\nTHE tax bureaucracy appears to have convinced "
            "the government that it can boost revenues simply by taking harsher…")
    result = sidebar.strip(body)
    assert (result.body, result.changed) == ("Real text.", 3)


def test_without_teasers_nothing_changes():
    result = SidebarText().strip("Opinion\n\nEditorial")
    assert (result.body, result.changed) == ("Opinion\n\nEditorial", 0)


def test_each_page_widget_order_counts_and_repeats_are_kept_once(sidebar):
    """A later page shows a newer widget (a new editorial on top, then older ones): runs in its order are the
    widget too; the same widget on many pages is remembered once."""
    for page in ("https://www.dawn.com/news/2", "https://www.dawn.com/news/3"):
        sidebar.add_teaser("Fresh start", "THE new day brings a new editorial that nobody has quoted yet at all.",
                           "2024-12-27", shown_on=page)
        sidebar.add_teaser("Afghan strikes", AFGHAN_EXCERPT, "2024-12-26", shown_on=page)
    body = "One.\n\nFresh start\n\n27 Dec, 2024\n\nAfghan strikes\n\nUpdated 26 Dec, 2024\n\nTwo."
    assert sidebar.strip(body).body == "One.\n\nTwo."
    sidebar.add_teaser("Afghan strikes", AFGHAN_EXCERPT, "2024-12-26", shown_on="https://www.dawn.com/news/4")
    assert len(sidebar._orders) == 2  # the seed page's and the two-teaser widget; page 4's is being read
