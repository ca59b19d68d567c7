"""Remove the Opinion/Editorial sidebar from an article body: its blocks, never the article's own sentences.
Pure text; the strip-sidebar pipeline feeds it the teasers and the bodies.

The sidebar repeats the day's editorial teasers on every article page. When a layout puts it inside the story
container, or a fallback extractor takes the whole page, its pieces (headings, titles, date lines, excerpts) end up
in the body: as blocks of their own, or glued to the start or end of a real paragraph.

What is removed is a *run* of pieces that looks like the widget: consecutive pieces (whole blocks, or a glued
start or end of a block) holding at least two pieces, one of them a date line or a heading, the others teaser
titles, excerpts and dates in the order some page's widget showed its teasers. A story that quotes the day's
editorial (its title inside a sentence, its first sentence as a paragraph of its own, or a subhead with the title
before it) shows no date line and no heading there: it keeps its paragraphs. Such near misses are counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from newscrawl.extraction.text import clean

HEADINGS = ("Opinion", "Editorial")
DATE_FORMATS = ("%d %b, %Y", "%b %d, %Y", "%B %d, %Y")
# A teaser's excerpt shorter than this is too common a phrase to recognise.
MIN_EXCERPT_CHARS = 20
# The smallest run taken for the widget: one teaser's title and its date line (with a heading or date among them).
MIN_RUN_PIECES = 2
# Pieces are looked up by their first characters (a dict lookup per position instead of trying every piece).
PREFIX_CHARS = 4
HEADING, TITLE, DATE, EXCERPT = "heading", "title", "date", "excerpt"
STRUCTURAL = frozenset({HEADING, DATE})  # kinds that occur in the widget and never in a quoting story


def _key(text: str) -> str:
    """Comparison form: whitespace collapsed, lower case. Body blocks are already collapsed, so a key has
    the same length as its block and an index in one is an index in the other."""
    return clean(text).lower()


def _variants(text: str) -> set[str]:
    """A piece as shown with "..." and with the ellipsis character."""
    key = _key(text)
    return {key, key.replace("...", "…"), key.replace("…", "...")}


@dataclass
class Match:
    """One sidebar piece found in the body: block number, character span in it, the piece's key."""
    block: int
    start: int
    end: int
    key: str


@dataclass
class Stripped:
    body: str
    changed: int = 0  # blocks removed or shortened
    kept: int = 0  # blocks holding sidebar pieces that were kept as the article's own text (quotes)
    runs: list[str] = field(default_factory=list)  # what was removed, one string per run


class SidebarText:
    def __init__(self) -> None:
        self._kinds: dict[str, str] = {_key(h): HEADING for h in HEADINGS}
        self._teasers_of: dict[str, set[int]] = {}  # piece key -> numbers of the teasers that show it
        self._numbers: dict[str, int] = {}  # teaser title (or excerpt) key -> teaser number
        # the distinct orders in which pages showed their teasers (teaser numbers), and the page being read now:
        # a page's teasers arrive together, before its Article; a day's widget is the same on every page
        self._orders: set[tuple[int, ...]] = set()
        self._page: str | None = None
        self._widget: list[int] = []
        # piece keys by their first PREFIX_CHARS characters, each list longest first (greedy matching); the shorter
        # pieces longest first; every piece, for str.endswith. Rebuilt when a teaser adds pieces (None: stale).
        self._by_prefix: dict[str, list[str]] | None = {}
        self._short: list[str] = []
        self._all: tuple[str, ...] = ()

    def add_teaser(self, title: str | None, excerpt: str | None, day: str | None, shown_on: str = "") -> None:
        """A teaser of the widget on page `shown_on`; teasers of one page come in the order the page shows them."""
        identity = _key(title or excerpt or "")
        if not identity:
            return
        number = self._numbers.setdefault(identity, len(self._numbers))
        if shown_on != self._page:
            if self._widget:
                self._orders.add(tuple(self._widget))
            self._page, self._widget = shown_on, []
        if number not in self._widget:
            self._widget.append(number)
        pieces = {k: TITLE for k in _variants(title)} if title else {}
        if excerpt and len(_key(excerpt)) >= MIN_EXCERPT_CHARS:
            pieces.update({k: EXCERPT for k in _variants(excerpt)})
        if day:
            shown = date.fromisoformat(day)
            for fmt in DATE_FORMATS:
                line = shown.strftime(fmt)
                pieces.update({_key(line): DATE, _key(f"Updated {line}"): DATE})
        for key, kind in pieces.items():
            self._kinds.setdefault(key, kind)
            self._teasers_of.setdefault(key, set()).add(number)
        self._by_prefix = None

    # ---- finding pieces -------------------------------------------------------------------------
    def _index(self) -> None:
        """Index the pieces once per change of the set (teasers are few and come early; bodies are many)."""
        by_prefix: dict[str, list[str]] = {}
        short: list[str] = []
        for piece in sorted(self._kinds, key=len, reverse=True):
            if len(piece) >= PREFIX_CHARS:
                by_prefix.setdefault(piece[:PREFIX_CHARS], []).append(piece)
            else:
                short.append(piece)
        self._by_prefix, self._short, self._all = by_prefix, short, tuple(self._kinds)

    def _piece_at(self, text: str, position: int) -> str | None:
        """The longest piece that `text` shows at `position`: only the pieces that start with the same characters
        can (two different pieces of one length cannot both match, so longest-first decides as before)."""
        for piece in self._by_prefix.get(text[position:position + PREFIX_CHARS], ()):
            if text.startswith(piece, position):
                return piece
        for piece in self._short:
            if text.startswith(piece, position):
                return piece
        return None

    def _consume(self, text: str, offset: int = 0) -> tuple[int, list[tuple[int, int, str]]]:
        """How far `text` (a key) is made of pieces from `offset` on, and the pieces (start, end, key)."""
        position, found = offset, []
        while position < len(text):
            while position < len(text) and text[position] == " ":
                position += 1
            piece = self._piece_at(text, position)
            if piece is None:
                break
            found.append((position, position + len(piece), piece))
            position += len(piece)
        return position, found

    def _block_matches(self, number: int, block: str) -> list[list[Match]]:
        """The piece runs of one block: [all] when the block is all pieces, else [glued start, glued end]."""
        key = _key(block)
        end, found = self._consume(key)
        if end >= len(key):
            return [[Match(number, s, e, k) for s, e, k in found]]
        if len(key) != len(block):  # not a collapsed block: compare whole blocks only
            return [[], []]
        # a glued start ends at a word boundary (the pieces were followed by a space)
        head = [Match(number, s, e, k) for s, e, k in found] if found and key[end - 1] == " " else []
        tail: list[Match] = []
        if not key.endswith(self._all):  # an all-pieces end ends with a piece (a key has no trailing space)
            return [head, tail]
        for cut in (i for i, ch in enumerate(key) if ch == " " and i >= end):  # earliest start of an all-pieces end
            stop, pieces = self._consume(key, cut + 1)
            if stop >= len(key) and pieces:
                tail = [Match(number, s, e, k) for s, e, k in pieces]
                break
        return [head, tail]

    # ---- judging runs ---------------------------------------------------------------------------
    def _in_widget_order(self, keys: list[str]) -> bool:
        """The teaser pieces follow the teasers' order on some page's widget (a teaser's own pieces in any order)."""
        teaser_keys = [k for k in keys if self._kinds[k] != HEADING]
        for widget in self._orders | {tuple(self._widget)}:
            place = {number: i for i, number in enumerate(widget)}
            previous = -1
            for key in teaser_keys:
                options = [place[n] for n in self._teasers_of.get(key, ()) if n in place and place[n] >= previous]
                if not options:
                    break
                previous = min(options)
            else:
                return True
        return False

    def is_widget_run(self, keys: list[str]) -> bool:
        kinds = [self._kinds[k] for k in keys]
        return (len(keys) >= MIN_RUN_PIECES and any(k in STRUCTURAL for k in kinds)
                and any(k != HEADING for k in kinds) and self._in_widget_order(keys))

    @staticmethod
    def _segments(run: list[Match], kinds: dict[str, str]) -> list[list[Match]]:
        """A run cut before each heading that follows a teaser piece: a widget starts with its headings."""
        segments: list[list[Match]] = [[]]
        for match in run:
            if kinds[match.key] == HEADING and any(kinds[m.key] != HEADING for m in segments[-1]):
                segments.append([])
            segments[-1].append(match)
        return [s for s in segments if s]

    def strip(self, body: str) -> Stripped:
        """The body without the sidebar's runs; how many blocks changed; how many piece blocks were kept."""
        blocks = body.split("\n\n")
        if not self._numbers:
            return Stripped(body)
        if self._by_prefix is None:
            self._index()
        runs: list[list[Match]] = [[]]
        for number, block in enumerate(blocks):
            parts = self._block_matches(number, block)
            if len(parts) == 1:  # the whole block is pieces: the run goes on
                runs[-1].extend(parts[0])
                continue
            head, tail = parts
            runs[-1].extend(head)
            runs.append(list(tail))  # text in between ends the run
        removed: dict[int, list[Match]] = {}
        texts: list[str] = []
        kept_blocks: set[int] = set()
        for run in runs:
            for segment in self._segments(run, self._kinds):
                if self.is_widget_run([m.key for m in segment]):
                    for match in segment:
                        removed.setdefault(match.block, []).append(match)
                    texts.append(" / ".join(blocks[m.block][m.start:m.end] for m in segment))
                else:
                    kept_blocks.update(m.block for m in segment if self._kinds[m.key] != HEADING)
        kept, changed = [], 0
        for number, block in enumerate(blocks):
            spans = removed.get(number)
            if not spans:
                kept.append(block)
                continue
            changed += 1
            mask = [False] * len(block)
            for match in spans:
                mask[match.start:match.end] = [True] * (match.end - match.start)
            if rest := clean("".join(ch for ch, gone in zip(block, mask) if not gone)):
                kept.append(rest)
        return Stripped("\n\n".join(kept), changed, len(kept_blocks - set(removed)), texts)
