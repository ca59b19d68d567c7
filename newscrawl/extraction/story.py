"""Which part of an article page is its own story: the story box and its body container.

One class, one job, so that a better locator can replace it whole: a page object asks it for `.story` (the
story box, or None), `.content` (the body container inside it, or None) and the story's own elements outside
the body (`header_elements`, `outside_body`). Sidebars and "related" boxes reuse the story blocks, so every
answer is restricted to elements no other box owns (`html.owned_by`).
"""

from __future__ import annotations

from functools import cached_property

from parsel import Selector

from .html import elements_with_class, has_class, owned_by, text_of


def story_of(element):
    """The nearest `story` box around an element, or None."""
    return next((a for a in element.iterancestors() if has_class(a, "story")), None)


class StoryLocator:
    """Today's rule: the body container (`story__content`) of a story box, preferring the box whose data-id is
    the article's, else the longest; with no body container, the `story` box of that data-id, else the first
    one outside sidebars."""

    def __init__(self, selector: Selector, article_id: int | None):
        self.sel = selector
        self.article_id = article_id

    @cached_property
    def content(self):
        """The body container (`story__content`) of the page's own story, or None."""
        candidates = [el for el in elements_with_class(self.sel.root, "story__content")
                      if not any(has_class(a, "story__content") for a in el.iterancestors())
                      and owned_by(el, story_of(el))]
        if not candidates:
            return None
        wanted = str(self.article_id)
        for el in candidates:  # the story whose data-id is the canonical id, when one says so
            story = story_of(el)
            if story is not None and story.get("data-id") == wanted:
                return el
        return max(candidates, key=lambda el: len(text_of(el)))

    @cached_property
    def story(self):
        """The story container: the `story` box holding the body, else the body's parent. With no body
        container, the `story` box whose data-id is the article's, else the first one outside sidebars."""
        if self.content is not None:
            story = story_of(self.content)
            return story if story is not None else self.content.getparent()
        boxes = [el for el in elements_with_class(self.sel.root, "story")
                 if not any(a.tag == "aside" or has_class(a, "story") for a in el.iterancestors())]
        return next((el for el in boxes if el.get("data-id") == str(self.article_id)), boxes[0] if boxes else None)

    def header_elements(self, token: str) -> list:
        """Elements of class `token` that belong to the story itself, outside its body."""
        return self.outside_body(elements_with_class(self.story, token)) if self.story is not None else []

    def outside_body(self, elements) -> list:
        """Those of `elements` that belong to the story itself (no sidebar or other story between) and sit
        outside its body."""
        return [el for el in elements
                if owned_by(el, self.story) and not any(has_class(a, "story__content") for a in el.iterancestors())]
