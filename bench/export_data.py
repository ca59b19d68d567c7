"""A generated crawl output for bench/export.py: N Articles (some in several versions) and their teasers, spread
over four workers' files (`articles.w<k>.jsonl`, `editorial_teasers.w<k>.jsonl`) as a distributed crawl writes
them. Deterministic for a given N and seed; bodies of about 3 KB, published over two years in Pakistan time."""

from __future__ import annotations

import hashlib
import json
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

PKT = timezone(timedelta(hours=5))
WORDS = ("the government said on Monday that talks with the opposition would resume after Eid while traders in "
         "Karachi complained about load-shedding and the rupee fell against the dollar in the interbank market").split()
SECTIONS = ("Pakistan", "World", "Business", "Sport", "Editorial", "Opinion")


def article_line(rng: random.Random, article_id: int, version: int, published: datetime) -> dict:
    paragraphs = [" ".join(rng.choices(WORDS, k=60)).capitalize() + "." for _ in range(8)]
    body = "\n\n".join(paragraphs) + f" (v{version})"
    title = " ".join(rng.choices(WORDS, k=8)).capitalize()
    fetched = published + timedelta(hours=version * 7, seconds=rng.randrange(3600))
    return {
        "item_type": "Article", "url": f"https://www.dawn.com/news/{article_id}", "article_id": article_id,
        "title": title, "summary": paragraphs[0][:140], "authors": rng.sample(["Reuters", "AFP", "Our Staff Reporter",
                                                                               "Dawn Report"], k=rng.randint(0, 2)),
        "section": rng.choice(SECTIONS), "published_at": published.isoformat(),
        "updated_at": (published + timedelta(hours=version)).isoformat() if version > 1 else None,
        "dateline": rng.choice(["KARACHI", "LAHORE", None]), "body": body,
        "print_edition": {"publication": "Dawn", "date": published.date().isoformat()} if article_id % 3 else None,
        "images": [{"url": f"https://i.dawn.com/primary/{article_id}_{n}.jpg", "caption": rng.choice([None, title])}
                   for n in range(rng.randint(0, 2))],
        "tags": rng.sample(["economy", "politics", "cricket", "weather"], k=rng.randint(0, 2)), "language": "en",
        "fetched_at": fetched.astimezone(timezone.utc).isoformat(),
        "content_hash": hashlib.sha256(f"{title}\n\n{body}".encode()).hexdigest(), "extractor": "dawn",
        "version": version,
    }


def write_output(directory: Path, articles: int, workers: int = 4, seed: int = 7) -> dict:
    """Writes the files; returns {"lines": Article lines, "articles": distinct ids, "bytes": bytes written}."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    handles = [(directory / f"articles.w{k}.jsonl").open("w", encoding="utf-8") for k in range(1, workers + 1)]
    teasers = [(directory / f"editorial_teasers.w{k}.jsonl").open("w", encoding="utf-8") for k in range(1, workers + 1)]
    start = datetime(2024, 1, 1, 6, 0, tzinfo=PKT)
    lines = 0
    for n in range(articles):
        article_id = 1_800_000 + n
        published = start + timedelta(minutes=n * 10)  # 100,000 articles: about two years
        versions = 3 if n % 20 == 0 else 2 if n % 5 == 0 else 1  # 5% three versions, 15% two
        for version in range(1, versions + 1):
            # a later version is often written by another worker (the one that leased the page that time)
            handle = handles[(n + version) % workers]
            handle.write(json.dumps(article_line(rng, article_id, version, published), ensure_ascii=False) + "\n")
            lines += 1
        if n % 50 == 0:
            teasers[n % workers].write(json.dumps({
                "item_type": "EditorialTeaser", "url": f"https://www.dawn.com/news/{article_id}",
                "article_id": article_id, "title": "An editorial", "excerpt": "It is time...",
                "date": published.date().isoformat(), "updated": False, "section": "Editorial",
                "first_seen_on": f"https://www.dawn.com/news/{article_id + 1}",
                "fetched_at": published.astimezone(timezone.utc).isoformat()}) + "\n")
    for handle in handles + teasers:
        handle.close()
    size = sum(p.stat().st_size for p in directory.glob("*.jsonl"))
    return {"lines": lines, "articles": articles, "bytes": size}
