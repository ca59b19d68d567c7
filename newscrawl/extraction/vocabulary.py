"""The vocabularies a story box is read with, so that a renamed layout still gives its headline, bylines, times,
keywords and body: Dawn's BEM blocks (`story__title`, `story__byline`, `story__time`, `story__content`), schema.org
microdata (`itemprop=headline|author|datePublished|dateModified|articleBody|keywords`), HTML's own (`h1`,
`<time datetime>`, `rel=author`), and the BEM element names a renamed block keeps (`post__title`, `post__byline`,
`post__content`: a redesign renames the block and keeps the element). Pure functions on lxml elements.

Each finder takes the box and an ownership test (`story.owned_by`), so that a teaser or related box nested in the
story never lends it a headline, a byline or a time.
"""

from __future__ import annotations

from functools import lru_cache
from weakref import WeakKeyDictionary

from newscrawl.extraction.boxes import time_of
from newscrawl.extraction.html import compiled_xpath, has_class, text_of
from newscrawl.extraction.text import clean, iso_datetime

# BEM element names (the part after the last "__", modifiers cut) that mean the same in any block
HEADLINE_ELEMENTS = frozenset({"title", "headline"})
BYLINE_ELEMENTS = frozenset({"byline"})
TIME_ELEMENTS = frozenset({"time", "date"})
BODY_ELEMENTS = frozenset({"content", "body", "text"})
# Every element a vocabulary can name (a cheap XPath pre-filter; the tests below decide exactly)
VOCABULARY_XPATH = ".//h1 | .//time | .//a[@rel] | .//*[@itemprop] | .//*[contains(@class, '__')]"


def bem_elements(element) -> frozenset[str]:
    """The BEM element names of an element's classes: `post__title` -> title, `media__item--wide` -> item."""
    classes = element.get("class")
    return _bem_elements_of(classes) if classes and "__" in classes else frozenset()


@lru_cache(maxsize=8192)
def _bem_elements_of(classes: str) -> frozenset[str]:
    # a page repeats a few hundred class strings (one template): each is read once per process
    return frozenset(token.split("__")[-1].split("--")[0] for token in classes.split() if "__" in token)


def itemprop(element) -> set[str]:
    value = element.get("itemprop")
    return set(value.split()) if value else set()


def is_headline(element) -> bool:
    return element.tag == "h1" or "headline" in itemprop(element) or bool(bem_elements(element) & HEADLINE_ELEMENTS)


def is_byline(element) -> bool:
    return "author" in itemprop(element) or bool(bem_elements(element) & BYLINE_ELEMENTS) or (
        element.tag == "a" and "author" in (element.get("rel") or "").split())


def is_time(element) -> bool:
    return (element.tag == "time" or bool(itemprop(element) & {"datePublished", "dateModified"})
            or bool(bem_elements(element) & TIME_ELEMENTS))


def is_header_element(element) -> bool:
    """A headline, byline or time: the story's header, never its body text."""
    return isinstance(element.tag, str) and (is_headline(element) or is_byline(element) or is_time(element))


def is_body_container(element) -> bool:
    return "articleBody" in itemprop(element) or bool(bem_elements(element) & BODY_ELEMENTS)


def in_body(element, box) -> bool:
    """The element sits in a body container of the box (the container itself aside)."""
    node = element.getparent()
    while node is not None and node is not box:
        if is_body_container(node):
            return True
        node = node.getparent()
    return False


# box -> {xpath or (owned_by, xpath): elements}: each box's vocabulary is looked up by several fields (headline,
# bylines, times, keywords) and by the story locator, so it is found once per box, while the page lives
_found_in: WeakKeyDictionary = WeakKeyDictionary()


def vocabulary_elements(box, xpath: str = VOCABULARY_XPATH) -> list:
    """Every element of the box `xpath` finds (by default every element a vocabulary can name), in page order."""
    found = _found_in.setdefault(box, {})
    if xpath not in found:
        found[xpath] = compiled_xpath(xpath)(box)
    return found[xpath]


def own_elements(box, owned_by, test, xpath: str = VOCABULARY_XPATH) -> list:
    """Elements of the box (among those `xpath` finds) passing `test`, owned by it, outside its body container,
    in page order."""
    found = _found_in.setdefault(box, {})
    key = (owned_by, xpath)
    if key not in found:
        found[key] = [el for el in vocabulary_elements(box, xpath) if owned_by(el, box) and not in_body(el, box)]
    return [el for el in found[key] if test(el)]


def headline_elements(box, owned_by) -> list:
    """The box's own headlines, most telling vocabulary first: `story__title`, `itemprop=headline`, `h1`, a BEM
    `*__title`/`*__headline`."""
    found = own_elements(box, owned_by, is_headline)
    ranked = (lambda el: has_class(el, "story__title"), lambda el: "headline" in itemprop(el),
              lambda el: el.tag == "h1", lambda el: True)
    return list(dict.fromkeys(el for rank in ranked for el in found if rank(el)))


def body_containers(box, owned_by) -> list:
    """The box's own body containers, outermost, most telling first: `story__content` (even empty: a script
    fills it), `itemprop=articleBody`, a BEM `*__content`/`*__body`/`*__text` holding paragraphs; none in a
    figure (a caption block is no body)."""
    found = [el for el in own_elements(box, owned_by, is_body_container)
             if not any(a.tag == "figure" for a in el.iterancestors())
             and (has_class(el, "story__content") or any(True for _ in el.iter("p", "li")))]
    ranked = (lambda el: has_class(el, "story__content"), lambda el: "articleBody" in itemprop(el), lambda el: True)
    return list(dict.fromkeys(el for rank in ranked for el in found if rank(el)))


def byline_elements(box, owned_by) -> list:
    """Bylines other than Dawn's `story__byline`: a BEM `*__byline`, else schema.org `author` items and
    `rel=author` links (a link inside an author item counts once, as its item)."""
    found = own_elements(box, owned_by, is_byline)
    bem = [el for el in found if bem_elements(el) & BYLINE_ELEMENTS and not has_class(el, "story__byline")]
    if bem:
        return bem
    items = [el for el in found if "author" in itemprop(el)]
    return [el for el in found if el in items or not any(a in items for a in el.iterancestors())]


def author_name(element) -> str:
    """A schema.org author item's `name`, else its text."""
    names = [el for el in element.iter() if "name" in itemprop(el)]
    return text_of(names[0]) if names else text_of(element)


def _label(element) -> str:
    """The text a `<time>` shows plus the text before it in its parent, up to the previous time: "Updated"."""
    parent, before = element.getparent(), []
    if parent is not None:
        before.append(parent.text or "")
        for sibling in parent:
            if sibling is element:
                break
            before = [] if is_time(sibling) else before + [text_of(sibling), sibling.tail or ""]
    return " ".join([*before, text_of(element)]).lower()


def shown_times(box, owned_by) -> dict[str, str]:
    """{"published": iso, "updated": iso} from the box's own times: Dawn's `story__time` blocks, then
    `<time datetime>` and `itemprop=datePublished|dateModified` (its `content`)."""
    times: dict[str, str] = {}
    for block in own_elements(box, owned_by, lambda el: has_class(el, "story__time")):
        shown = time_of(block)
        if shown.stamp:
            times.setdefault("updated" if shown.updated else "published", shown.stamp)
    dates = {"datePublished", "dateModified"}
    for el in own_elements(box, owned_by, lambda el: el.tag == "time" or itemprop(el) & dates):
        if any(has_class(a, "story__time") for a in el.iterancestors()):
            continue
        stamp = iso_datetime(el.get("datetime") or el.get("content"))
        if stamp:
            props = itemprop(el)
            updated = "dateModified" in props or ("datePublished" not in props and "updated" in _label(el))
            times.setdefault("updated" if updated else "published", stamp)
    return times


def keywords(box, owned_by) -> list[str]:
    """schema.org `keywords` of the box (a meta's content or the element's text), comma-separated."""
    found = own_elements(box, owned_by, lambda el: "keywords" in itemprop(el))
    values = [el.get("content") or text_of(el) for el in found]
    return [tag for value in values for t in value.split(",") if (tag := clean(t))]
