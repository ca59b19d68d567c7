"""Navigation lines inside a story's body: pointers to other stories, not the article's text. Pure.

Dawn's editors put lines such as "Read more: <a>Another story</a>", "Also read: ...", "READ: ..." between the
paragraphs of a story, or a label and a list of links to other stories. A reader skips them; in the body they are
text of another article. A block is a navigation line when, its links taken out, nothing but such a label is left,
and its one link leads to another www.dawn.com story; a list is navigation when every item is one such link.
A sentence of the story that links to another story keeps its words around the link, so it stays.
"""

from __future__ import annotations

import re

from newscrawl.extraction.html import text_of
from newscrawl.urls import absolute_url, article_id_from_url

# What a navigation line says besides its link, punctuation and case aside: "Read more:", "Also read:", "READ: ",
# "See also", "Related:", "More on this story:", "Read the full report here:": a few words, all of them from
# LABEL_WORDS, one of them a pointing word
LABEL_WORDS = frozenset({"read", "reading", "see", "watch", "listen", "related", "more", "also", "here", "next",
                         "on", "this", "the", "full", "story", "stories", "report", "further", "latest", "click",
                         "to", "about", "in", "depth"})
POINTING_WORDS = frozenset({"read", "reading", "see", "watch", "listen", "related", "more"})
MAX_LABEL_WORDS = 6
_WORD = re.compile(r"\w+")
# between a label and the title inside a link's text: "Read more: Title", "Also read - Title"
_SEPARATOR = re.compile(r"\s*[:|>»›–—]\s*|\s+-\s+")
# the body's blocks (newscrawl.extraction.body.BLOCK_TAGS) that can hold a line
LINE_TAGS = frozenset({"p", "h2", "h3", "h4", "h5", "h6", "blockquote"})
LIST_TAGS = frozenset({"ul", "ol"})


def is_label(text: str) -> bool:
    words = _WORD.findall(text.casefold())
    return (0 < len(words) <= MAX_LABEL_WORDS and LABEL_WORDS.issuperset(words)
            and not POINTING_WORDS.isdisjoint(words) and not re.search(r"[^\w\s:|>»›\-–—.!]", text))


def _story_links(element, article_id: int | None, page_url: str) -> list | None:
    """The element's links when every one leads to another www.dawn.com story; None when one leads elsewhere."""
    links = list(element.iter("a"))
    for link in links:
        linked = article_id_from_url(absolute_url(page_url, link.get("href")))
        if linked is None or linked == article_id:
            return None
    return links


def _rest(element, links) -> str:
    """The element's text without its links' text."""
    text = text_of(element)
    for link in links:
        text = text.replace(text_of(link), " ", 1)
    return text.strip()


def is_navigation_line(element, article_id: int | None, page_url: str, label_needed: bool = True) -> bool:
    """A label and a link to another story ("Read more: Title"), the label inside the link or before it, or a label
    and links alone ("Read more:<br><a>A</a><br><a>B</a>"); a list item may be one link alone (`label_needed`
    False)."""
    links = _story_links(element, article_id, page_url)
    if not links:
        return False
    rest = _rest(element, links)
    if rest:
        return is_label(rest)
    if len(links) != 1:
        return False
    label = _SEPARATOR.split(text_of(links[0]), maxsplit=1)
    return not label_needed or (len(label) == 2 and is_label(label[0]))


def _is_link_list(element, article_id: int | None, page_url: str) -> bool:
    items = [li for li in element if li.tag == "li"]
    return bool(items) and len(items) == len(element) and all(
        is_navigation_line(li, article_id, page_url, label_needed=False) for li in items)


def navigation_blocks(container, article_id: int | None, page_url: str) -> list:
    """The navigation blocks of a body container: navigation lines, the items of lists of links to other stories,
    and the label line ("Read more:") that introduces such a list. Nested blocks are looked at once."""
    found = []
    for element in container.iter(*LINE_TAGS, *LIST_TAGS):
        if any(a in found for a in element.iterancestors()):
            continue
        if element.tag in LIST_TAGS:
            if _is_link_list(element, article_id, page_url):
                found.extend(li for li in element if li.tag == "li")
                label = element.getprevious()
                if label is not None and label.tag in LINE_TAGS and is_label(text_of(label)):
                    found.append(label)
        elif is_navigation_line(element, article_id, page_url):
            found.append(element)
    return found
