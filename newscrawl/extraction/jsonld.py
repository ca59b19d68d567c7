"""JSON-LD read as untrusted input: any value may have any type and any depth. Pure functions.

A page's JSON-LD is written by whoever made the page; a wrong type (`"keywords": 7`, `"author": {"name": ["a"]}`)
or a nesting a thousand deep must give "no value", never an exception.
"""

from __future__ import annotations

import json

from newscrawl.extraction.text import clean, clean_or_none

ARTICLE_TYPES = frozenset({"NewsArticle", "Article", "ReportageNewsArticle", "OpinionNewsArticle"})


def parse(raw: str | None):
    """The JSON value of one script, or None when it does not parse (nesting too deep included)."""
    try:
        return json.loads(raw or "")
    except (ValueError, RecursionError):
        return None


def _types(node: dict) -> set[str]:
    types = node.get("@type")
    return {t for t in (types if isinstance(types, list) else [types]) if isinstance(t, str)}


def article_node(scripts: list[str]) -> dict:
    """The first NewsArticle (or Article) node of the page's JSON-LD scripts, top level or in `@graph`; {}."""
    for raw in scripts:
        data = parse(raw)
        nodes = data.get("@graph", [data]) if isinstance(data, dict) else data
        for node in nodes if isinstance(nodes, list) else []:
            if isinstance(node, dict) and _types(node) & ARTICLE_TYPES:
                return node
    return {}


def text(node: dict, key: str) -> str | None:
    """A property that must be a string; None for anything else."""
    value = node.get(key)
    return clean_or_none(value) if isinstance(value, str) else None


def strings(value, key: str) -> list[str]:
    """A property that is a string, an object (its `key`: a Person's "name", an ImageObject's "url"), or a list
    of them; a value of any other type (numbers, nested lists, an object whose `key` is not a string) is left out."""
    found = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict):
            item = item.get(key)
        if isinstance(item, str) and (cleaned := clean(item)):
            found.append(cleaned)
    return found


def keywords(value) -> list[str]:
    """`keywords`: a comma-separated string or a list of strings."""
    if isinstance(value, str):
        return [k for part in value.split(",") if (k := clean(part))]
    return strings(value, "name") if isinstance(value, list) else []
