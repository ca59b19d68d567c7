"""Article images: the story's own figures with their captions, or image URLs from metadata, captioned by the
main-column figure that shows the same picture."""

from __future__ import annotations

from newscrawl.urls import absolute_url, web_url_problem
from newscrawl.extraction.html import elements_with_class, owned_by, text_of

LAZY_PLACEHOLDER_PREFIX = "data:"
# og:image of a page without a picture of its own is the site's default social card, not an article image.
SITE_IMAGE_PATH = "/_img/"
# a picture: HTML's, and AMP's `amp-img` (an AMP copy is read when it is the only copy of an article)
PICTURE_TAGS = ("img", "amp-img")


def is_embed(figure) -> bool:
    """A figure holding a player or a social-media embed, not a picture."""
    if next(figure.iter("iframe", "video"), None) is not None:
        return True
    for el in figure.iter():
        classes = el.get("class")  # a cheap test first: most elements of a figure name no embed
        if classes and ("twitter-tweet" in classes or "instagram-media" in classes or "media__item--" in classes):
            tokens = classes.split()
            if {"twitter-tweet", "instagram-media"}.intersection(tokens) or any(
                    t.startswith("media__item--") for t in tokens):
                return True
    return False


def image_url(img, page_url: str) -> str | None:
    """The real picture of an `img` (a lazy-loaded one's `data-src`, not its placeholder), absolute; None for an
    unreadable or non-web URL (a flipped byte: "\x05ttps://" is no image of the article)."""
    src = next((s for s in (img.get("data-src"), img.get("src"))
                if s and not s.startswith(LAZY_PLACEHOLDER_PREFIX)), None)
    url = absolute_url(page_url, src) if src else None
    return url if url and web_url_problem(url) is None else None


def caption_of(figure) -> str | None:
    """Dawn's `media__caption`, else the `figcaption`, else a schema.org `caption`."""
    captions = (elements_with_class(figure, "media__caption") or list(figure.iter("figcaption"))
                or [el for el in figure.iter() if el.get("itemprop") == "caption"])
    return (text_of(captions[0]) or None) if captions else None


def story_images(story, page_url: str, owned=owned_by) -> list[dict]:
    """[{"url", "caption"}] of the pictures in the story's own figures (Dawn's `figure.media` and any other
    `figure` with an `img` or `amp-img`; no embed), each URL once, in page order."""
    images: dict[str, dict] = {}
    for figure in story.iter("figure"):
        if not owned(figure, story) or is_embed(figure):
            continue
        for img in figure.iter(*PICTURE_TAGS):
            if url := image_url(img, page_url):
                images.setdefault(url, {"url": url, "caption": caption_of(figure)})
    return list(images.values())


def captioned(images: list[dict], root, page_url: str, in_main_column) -> list[dict]:
    """Images without a caption (named by og:image or JSON-LD) with the caption of a main-column figure that
    shows the same picture; a figure in a sidebar or another article's box lends nothing."""
    if all(image["caption"] for image in images):
        return images
    shown: dict[str, str] = {}
    for figure in root.iter("figure"):
        if (caption := caption_of(figure)) and not is_embed(figure) and in_main_column(figure):
            for img in figure.iter(*PICTURE_TAGS):
                if url := image_url(img, page_url):
                    shown.setdefault(url, caption)
    return [{**image, "caption": image["caption"] or shown.get(image["url"])} for image in images]


def bare_images(urls: list[str | None], page_url: str) -> list[dict]:
    """Images named outside the story (og:image, JSON-LD): no caption; never the site's default card."""
    found = [url for u in urls if isinstance(u, str) and SITE_IMAGE_PATH not in u
             and (url := absolute_url(page_url, u)) and web_url_problem(url) is None]
    return [{"url": u, "caption": None} for u in dict.fromkeys(found)]
