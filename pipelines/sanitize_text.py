"""Pipeline 1: one text sanitation step that every string of every item passes (lists and dicts included), before
anything hashes, checks or writes it. Extraction stays as it is (it reads what the page says); this decides what
of it may be written. docs/OUTPUT.md ("Text sanitation") lists the same decisions:

- a lone surrogate (JSON-LD `"\\ud83d"`: a CMS that cut a string inside an emoji) encodes no character and cannot
  be written as UTF-8: removed;
- C0 and C1 control characters and DEL (raw, or JSON-LD `\\u0000`): removed; in one-line fields a tab or line
  break becomes a space; in the body a line break stays, a tab becomes a space;
- noncharacters (U+FFFE, U+FFFF, U+FDD0..U+FDEF, U+nFFFE/U+nFFFF): removed;
- zero-width space, word joiner and zero-width no-break space (U+200B, U+2060, U+FEFF): removed (ZWJ and ZWNJ,
  which Urdu and emoji need, stay);
- after a removal, a one-line field's spaces are collapsed again;
- a value with nothing visible left (only spaces, zero-width or other format characters): a title or body drops
  the item (`text_invisible_<field>`), any other value is left out;
- U+FFFD (what a decoder leaves for bytes it could not read) in an accessory field (authors, section, summary,
  captions, tags, dateline...): the value is left out; in a title, body or excerpt the Validate pipeline drops the
  item as `mojibake`;
- longer than its field's limit (FIELD_LIMITS): a title drops the item (`text_too_long_title`), any other value
  is left out; the body's limit is the Validate pipeline's (MAX_BODY_CHARS, `body_too_long`);
- a URL value (an image's, the item's) that sanitation had to change is not that URL any more: left out (an image
  without its URL is left out whole).

Values changed or left out are counted as `newscrawl/sanitized/<what>`; items dropped as `newscrawl/dropped/<reason>`
and `newscrawl/lost/<reason>` (the crawl exits non-zero).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from itemadapter import ItemAdapter

from newscrawl.crawl.drops import drop
from newscrawl.items import Article
from newscrawl.stats_keys import SANITIZED

# longest value written, in characters, by field ("images.caption": an image's caption); others: DEFAULT_LIMIT.
# Dawn's longest headline is some 150 characters, its longest caption under 1,000.
FIELD_LIMITS = {"title": 500, "summary": 5_000, "excerpt": 5_000, "authors": 200, "section": 200, "dateline": 200,
                "tags": 200, "images.caption": 5_000, "url": 2_048, "images.url": 2_048, "first_seen_on": 2_048}
DEFAULT_LIMIT = 5_000
UNLIMITED = {"body"}  # the Validate pipeline bounds it (MAX_BODY_CHARS)
ITEM_FIELDS = {"title", "body"}  # an item without them is no item: bad ones drop it
URL_FIELDS = {"url", "images.url", "first_seen_on"}
MULTI_LINE = {"body"}

_NONCHARACTERS = "\ufdd0-\ufdef\ufffe\uffff" + "".join(
    f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(1, 17))
_REMOVED = {
    "lone_surrogate": "\ud800-\udfff",
    "control_character": "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f",
    "noncharacter": _NONCHARACTERS,
    "zero_width": "\u200b\u2060\ufeff",
}
_REMOVED_RE = {what: re.compile(f"[{chars}]+") for what, chars in _REMOVED.items()}
_LINE_BREAKS = re.compile(r"[\t\n\r]")
_SPACES = re.compile(r"\s+")
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Cs", "Mn", "Me", "Zs", "Zl", "Zp", "Co", "Cn"}
REPLACEMENT_CHARACTER = "\ufffd"


def visible(text: str) -> bool:
    """Whether the text shows anything: a character that is not a space, a format or control character, nor a
    combining mark alone."""
    if re.search(r"[0-9A-Za-z]", text):
        return True
    return any(unicodedata.category(ch) not in _INVISIBLE_CATEGORIES for ch in text)


def without_surrogates(text: str) -> str:
    """Surrogate pairs left as two code points joined into their character; lone ones are left for removal."""
    try:
        return text.encode("utf-16", "surrogatepass").decode("utf-16")
    except UnicodeDecodeError:
        return text


class TextSanitizer:
    """Sanitizes one item's values; `notes` counts what it did, `fatal` names why the item must be dropped."""

    def __init__(self):
        self.notes: Counter = Counter()
        self.fatal: str | None = None

    def text(self, text: str, field: str) -> str | None:
        """The value to write, or None to leave it out."""
        original = text
        if not original:
            return original  # missing: the Validate pipeline's to judge
        # str.isprintable is False for every character removed here (and for a few kept: NBSP, ZWJ): a fast sieve
        if not (text.replace("\n", "") if field in MULTI_LINE else text).isprintable():
            text = self._cleaned(text, field)
        if not visible(text):
            return self._bad(field, "invisible")
        if field in URL_FIELDS and text != original:
            return self._bad(field, "url_changed")
        if REPLACEMENT_CHARACTER in text and field not in ITEM_FIELDS and field != "excerpt":
            return self._bad(field, "replacement_character")
        if field not in UNLIMITED and len(text) > FIELD_LIMITS.get(field, DEFAULT_LIMIT):
            return self._bad(field, "too_long")
        return text

    def _cleaned(self, text: str, field: str) -> str:
        if _REMOVED_RE["lone_surrogate"].search(text):
            text = without_surrogates(text)
        if field in MULTI_LINE:
            text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
        elif _LINE_BREAKS.search(text):
            text = _LINE_BREAKS.sub(" ", text)
        changed = False
        for what, pattern in _REMOVED_RE.items():
            text, removed = pattern.subn("", text)
            if removed:
                self.notes[what] += removed
                changed = True
        if field not in MULTI_LINE:
            text = _SPACES.sub(" ", text).strip()
        elif changed:
            text = "\n\n".join(block.strip() for block in text.split("\n\n") if block.strip())
        return text

    def _bad(self, field: str, why: str) -> None:
        if field in ITEM_FIELDS and self.fatal is None:
            self.fatal = f"text_{why}_{field}"
        self.notes[f"left_out/{why}"] += 1
        return None

    def value(self, value, field: str):
        """Any JSON value: strings sanitized, lists and dicts walked (a left-out entry leaves the list)."""
        if isinstance(value, str):
            return self.text(value, field)
        if isinstance(value, list):
            kept = [self.value(entry, field) for entry in value]
            return [entry for entry in kept if entry is not None]
        if isinstance(value, dict):
            cleaned = {}
            for key, entry in value.items():
                cleaned[key] = self.value(entry, f"{field}.{key}") if entry is not None else None
                if cleaned[key] is None and entry is not None and key == "url":
                    return None  # an image without its URL
            return cleaned
        return value


class SanitizeTextPipeline:
    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item):
        adapter = ItemAdapter(item)
        sanitizer = TextSanitizer()
        for name in adapter.field_names():
            value = adapter.get(name)
            if value is not None and not isinstance(value, (bool, int, float)):
                cleaned = sanitizer.value(value, name)
                adapter[name] = [] if cleaned is None and isinstance(value, list) else cleaned
        for what, count in sanitizer.notes.items():
            self.stats.inc_value(f"{SANITIZED}/{what}", count)
        if sanitizer.fatal is not None:
            detail = f"{sanitizer.fatal.replace('_', ' ')} (docs/OUTPUT.md, text sanitation)"
            raise drop(self.stats, sanitizer.fatal, item, detail, lost=isinstance(item, Article))
        return item

