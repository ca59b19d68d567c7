"""The second wall against the Opinion/Editorial sidebar: pure text, on the real seed capture."""

from pathlib import Path

import pytest

from newscrawl.sidebar import SidebarText

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
LAST_ARTICLE_PARAGRAPH = ("Tleuberdi, whose government has so far steered away from criticism of China over "
                          "Xinjiang, made no comment on the Uighur issue and focused instead on economic and "
                          "security cooperation.")


@pytest.fixture
def sidebar():
    text = SidebarText()
    for title, excerpt, day, updated in SEED_TEASERS:
        text.add_teaser(title, excerpt, day, updated)
    return text


def naive_body() -> list[str]:
    """What a naive extractor makes of the seed page: every line from the dateline on, sidebar included."""
    lines = [line.strip() for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    return lines[lines.index(next(l for l in lines if l.startswith("NUR SULTAN:"))):]


def test_seed_sidebar_blocks_are_removed(sidebar):
    blocks = naive_body()
    assert "Afghan strikes" in blocks and "Updated 26 Dec, 2024" in blocks  # the leak is there to remove
    body, changed = sidebar.strip("\n\n".join(blocks))
    kept = body.split("\n\n")
    assert kept[-1] == "Published in Dawn, February 3rd, 2020"
    assert kept[-2] == LAST_ARTICLE_PARAGRAPH
    assert kept[0].startswith("NUR SULTAN: US Secretary of State")
    assert len(kept) == 9  # the 8 article paragraphs + the print line
    assert changed == len(blocks) - 9
    for title, excerpt, _, _ in SEED_TEASERS:
        assert excerpt not in body and title not in body


def test_sidebar_glued_to_the_last_paragraph_is_cut_off(sidebar):
    blocks = naive_body()
    glued = LAST_ARTICLE_PARAGRAPH + " " + " ".join(blocks[blocks.index("Opinion"):])
    body, changed = sidebar.strip("First paragraph.\n\n" + glued)
    assert body == "First paragraph.\n\n" + LAST_ARTICLE_PARAGRAPH
    assert changed == 1


def test_a_paragraph_that_merely_mentions_a_title_is_kept(sidebar):
    body = ("Snooping state agencies were discussed in parliament.\n\n"
            "Critics called the Afghan strikes a mistake.\n\nOpinion")
    stripped, changed = sidebar.strip(body)
    assert stripped == "Snooping state agencies were discussed in parliament.\n\nCritics called the Afghan strikes a mistake."
    assert changed == 1  # only the lone "Opinion" heading block


def test_ellipsis_character_matches_three_dots(sidebar):
    body = "Real text.\n\nTHE tax bureaucracy appears to have convinced the government that it can boost revenues simply by taking harsher…"
    assert sidebar.strip(body) == ("Real text.", 1)


def test_without_teasers_nothing_changes():
    assert SidebarText().strip("Opinion\n\nEditorial") == ("Opinion\n\nEditorial", 0)
