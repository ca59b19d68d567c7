"""Remove Opinion/Editorial sidebar text from an article body. Pure text; the pipeline feeds it.

The sidebar repeats the day's editorial teasers on every article page. When a layout puts it inside the
story container, or a fallback extractor takes the whole page, its pieces (headings, titles, date lines,
excerpts) end up in the body: as blocks of their own, or glued to the end of the last paragraph.

A block is sidebar text when it is made only of known pieces. A run of pieces glued to the start or end
of a real paragraph is cut off only when the run holds a distinctive piece (an excerpt or a date line):
a paragraph that merely opens with words equal to a short editorial title is left alone.
"""

from __future__ import annotations

from datetime import date

from .extraction.text import clean

HEADINGS = ("Opinion", "Editorial")
DATE_FORMATS = ("%d %b, %Y", "%b %d, %Y", "%B %d, %Y")


def _key(text: str) -> str:
    """Comparison form: whitespace collapsed, lower case. Body blocks are already collapsed, so a key has
    the same length as its block and an index in one is an index in the other."""
    return clean(text).lower()


def _variants(text: str) -> set[str]:
    """A piece as shown with "..." and with the ellipsis character."""
    key = _key(text)
    return {key, key.replace("...", "…"), key.replace("…", "...")}


class SidebarText:
    def __init__(self) -> None:
        self.titles: set[str] = set()
        self.distinctive: set[str] = set()  # excerpts and date lines
        self._pieces: list[str] = []  # longest first, for greedy matching

    def add_teaser(self, title: str | None, excerpt: str | None, day: str | None, updated: bool) -> None:
        if title:
            self.titles |= _variants(title)
        if excerpt and len(_key(excerpt)) >= 20:
            self.distinctive |= _variants(excerpt)
        if day:
            shown = date.fromisoformat(day)
            for fmt in DATE_FORMATS:
                line = shown.strftime(fmt)
                self.distinctive.update({_key(line), _key(f"Updated {line}")})
        self._pieces = sorted(self.titles | self.distinctive | {_key(h) for h in HEADINGS}, key=len, reverse=True)

    def _consume(self, text: str) -> tuple[int, bool]:
        """How much of `text` (a key) from its start is made of pieces; and whether a distinctive one was seen."""
        position, distinctive = 0, False
        while position < len(text):
            while position < len(text) and text[position] == " ":
                position += 1
            piece = next((p for p in self._pieces if text.startswith(p, position)), None)
            if piece is None:
                break
            distinctive |= piece in self.distinctive
            position += len(piece)
        return position, distinctive

    def _is_all_pieces(self, text: str) -> bool:
        return self._consume(text)[0] >= len(text)

    def clean_block(self, block: str) -> str:
        """The block without sidebar pieces: "" when it is all sidebar, else the paragraph it glues to."""
        if not self._pieces:
            return block
        key = _key(block)
        if len(key) != len(block):  # not a collapsed block: compare whole blocks only
            return "" if self._is_all_pieces(key) else block
        if self._is_all_pieces(key):
            return ""
        # a run glued at the end: the earliest start from which the rest is all pieces, with a distinctive one
        words = [i for i, ch in enumerate(key) if ch == " "]
        for cut in words:
            end, distinctive = self._consume(key[cut + 1:])
            if cut + 1 + end >= len(key) and distinctive:
                return block[:cut].strip()
        # a run glued at the start
        end, distinctive = self._consume(key)
        if distinctive and 0 < end < len(key) and key[end - 1] == " ":  # the run ends at a word boundary
            return block[end:].strip()
        return block

    def strip(self, body: str) -> tuple[str, int]:
        """The body without sidebar text, and how many blocks were removed or shortened."""
        kept, changed = [], 0
        for block in body.split("\n\n"):
            cleaned = self.clean_block(block)
            changed += cleaned != block
            if cleaned:
                kept.append(cleaned)
        return "\n\n".join(kept), changed
