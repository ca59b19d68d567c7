"""Article images: the story's own `figure.media` pictures with their captions, or bare image URLs from metadata."""

from __future__ import annotations

from ..urls import absolute_url, web_url_problem
from .html import class_tokens, elements_with_class, has_class, owned_by, text_of

LAZY_PLACEHOLDER_PREFIX = "data:"
# og:image of a page without a picture of its own is the site's default social card, not an article image.
SITE_IMAGE_PATH = "/_img/"


def is_embed(figure) -> bool:
    """A figure holding a player or a social-media embed, not a picture."""
    for el in figure.iter():
        tokens = class_tokens(el)
        if (el.tag in ("iframe", "video") or tokens & {"twitter-tweet", "instagram-media"}
                or any(t.startswith("media__item--") for t in tokens)):
            return True
    return False


def story_images(story, page_url: str) -> list[dict]:
    """[{"url", "caption"}] of the pictures in the story's own `figure.media` blocks, each URL once."""
    images: dict[str, dict] = {}
    for figure in story.iter("figure"):
        if not has_class(figure, "media") or not owned_by(figure, story) or is_embed(figure):
            continue
        for img in figure.iter("img"):
            src = next((s for s in (img.get("data-src"), img.get("src"))
                        if s and not s.startswith(LAZY_PLACEHOLDER_PREFIX)), None)
            # an unreadable or non-web URL (a flipped byte: "\x05ttps://") is no image of the article
            if src and (url := absolute_url(page_url, src)) and web_url_problem(url) is None:
                captions = elements_with_class(figure, "media__caption") or list(figure.iter("figcaption"))
                caption = text_of(captions[0]) if captions else ""
                images.setdefault(url, {"url": url, "caption": caption or None})
    return list(images.values())


def bare_images(urls: list[str | None], page_url: str) -> list[dict]:
    """Images named outside the story (og:image, JSON-LD): no caption; never the site's default card."""
    found = [url for u in urls if isinstance(u, str) and SITE_IMAGE_PATH not in u
             and (url := absolute_url(page_url, u)) and web_url_problem(url) is None]
    return [{"url": u, "caption": None} for u in dict.fromkeys(found)]
