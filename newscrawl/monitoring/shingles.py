"""Word 4-gram overlap of two texts: precision, recall and F1, as Zyte's article-extraction-benchmark counts them
(`\\w+` tokens, shingles as a multiset). One copy, used by bench/quality.py (extraction against hand-written
bodies) and by newscrawl.monitoring.agreement (extracted bodies against the feeds' copies)."""

from __future__ import annotations

import re
from collections import Counter

_TOKEN = re.compile(r"\w+", re.UNICODE)


def word_count(text: str | None) -> int:
    return len(_TOKEN.findall(text or ""))


def shingles(text: str | None, n: int = 4) -> Counter:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i:i + n]) for i in range(max(len(tokens) - n + 1, 0)))


def body_scores(expected: str | None, got: str | None) -> dict:
    """Precision and recall of `got` against `expected`, and their F1 (1.0 when both are empty)."""
    truth, found = shingles(expected), shingles(got)
    tp = sum((truth & found).values())
    precision = tp / sum(found.values()) if found else float(not truth)
    recall = tp / sum(truth.values()) if truth else float(not found)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}
