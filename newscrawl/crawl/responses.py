"""What the crawl does with a Scrapy response once its page is parsed."""

from __future__ import annotations


def release_tree(response) -> None:
    """Let reference counting free a parsed page as soon as Scrapy lets go of its response.

    Scrapy's cached `response.selector` and the response refer to each other, a cycle that only the garbage
    collector frees: between two collections dozens of parsed pages (each tree several times its HTML) piled up,
    and peak RSS with them (docs/PERFORMANCE.md). Called once the spider has read the page; the selector stays
    usable, it only forgets the response it was made from (Scrapy reads that only while building it)."""
    selector = getattr(response, "_cached_selector", None)  # None: the page was never parsed
    if selector is not None:
        selector.response = None
