"""Drift alarms: at the end of a crawl, judge the field coverage (pipelines/coverage.py), the share of generic
extractions, the share of article pages whose story box the locator could not prove, and the share of bodies
that disagree with their feed copy (newscrawl/monitoring/agreement.py) against thresholds, so that a Dawn redesign shows
within one crawl instead of as silently empty (or wrong) fields.

A spidermon monitor suite (SPIDERMON_SPIDER_CLOSE_MONITORS) runs the check when the spider closes; when it fails,
the MarkUnhealthy action logs an ERROR per field with its coverage and sets `newscrawl/unhealthy` and
`newscrawl/drift/<field>` in the stats, before newscrawl.monitoring.summary saves them (its extension runs after spidermon's).
Spidermon's own actions (mail, Slack, Sentry, ...) can be added to the suite by a deployment. The arithmetic is
plain functions, tested without a crawl.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from spidermon import MonitorSuite, monitors
from spidermon.contrib.scrapy.monitors.base import BaseScrapyMonitor
from spidermon.core.actions import Action

from newscrawl.stats_keys import (COVERAGE, COVERAGE_ARTICLES, DRIFT, EXTRACTOR, FEED_AGREEMENT_BELOW_SHARE,
                         FEED_AGREEMENT_COMPARED, STORY_NOT_FOUND, UNHEALTHY, under)

logger = logging.getLogger(__name__)

GENERIC = "generic_extractions"  # the name the generic share goes by in findings and stats
# the name the share of bodies disagreeing with their feed copy goes by in findings and `newscrawl/drift/<name>`
# (not stats_keys.FEED_AGREEMENT, the agreement monitor's prefix)
FEED_DISAGREEMENT = "feed_agreement"
# the name the share of article pages without a proven story box goes by in findings and stats: the layout changed
NO_STORY_BOX = "story_not_found"


@dataclass(frozen=True)
class Finding:
    field: str
    share: float
    threshold: float

    def message(self) -> str:
        if self.field == GENERIC:
            return f"{self.share:.1%} of Articles took their body from the generic extractor (at most {self.threshold:.1%})"
        if self.field == FEED_DISAGREEMENT:
            return (f"{self.share:.1%} of the Articles also seen in a feed disagree with the feed's copy of their body "
                    f"(word 4-gram F1 below NEWSCRAWL_FEED_AGREEMENT_MIN_F1; at most {self.threshold:.1%})")
        if self.field == NO_STORY_BOX:
            return (f"story box not found on {self.share:.1%} of pages (at most {self.threshold:.1%}): the story markup "
                    f"changed, fields came from the page's metadata")
        return f"field {self.field!r} is non-empty in {self.share:.1%} of Articles (at least {self.threshold:.1%})"


def article_count(stats: dict) -> int:
    """Articles judged: every one the parser produced (pipelines/coverage.py counts them before Validate)."""
    return stats.get(COVERAGE_ARTICLES, 0)


def field_share(stats: dict, field: str) -> float | None:
    return stats.get(f"{COVERAGE}/{field}")


def parsed_articles(stats: dict) -> int:
    """Article pages parsed (each counted once by the extractor that gave its body)."""
    return sum(under(stats, EXTRACTOR).values())


def generic_share(stats: dict) -> float | None:
    total = parsed_articles(stats)
    return round(under(stats, EXTRACTOR).get("generic", 0) / total, 4) if total else None


def story_not_found_share(stats: dict) -> float | None:
    """Share of the article pages parsed on which no story box was proven; None when none was parsed."""
    total = parsed_articles(stats)
    return round(stats.get(STORY_NOT_FOUND, 0) / total, 4) if total else None


def drift_findings(stats: dict, min_coverage: dict[str, float], max_generic: float, min_articles: int,
                   max_story_not_found: float = 1.0, max_disagreement: float = 1.0) -> list[Finding]:
    """The thresholds this crawl crossed; none when it judged fewer Articles than `min_articles` (the share of a
    handful of pages says nothing about the site). Feed agreement is judged when that many Articles were compared
    with a feed (newscrawl/monitoring/agreement.py)."""
    if article_count(stats) < max(min_articles, 1):
        return []
    findings = [Finding(field, share, float(threshold)) for field, threshold in min_coverage.items()
                if (share := field_share(stats, field)) is not None and share < float(threshold)]
    if (share := generic_share(stats)) is not None and share > max_generic:
        findings.append(Finding(GENERIC, share, max_generic))
    if (share := story_not_found_share(stats)) is not None and share > max_story_not_found:
        findings.append(Finding(NO_STORY_BOX, share, max_story_not_found))
    if stats.get(FEED_AGREEMENT_COMPARED, 0) >= max(min_articles, 1) and stats.get(FEED_AGREEMENT_BELOW_SHARE, 0) > max_disagreement:
        findings.append(Finding(FEED_DISAGREEMENT, stats[FEED_AGREEMENT_BELOW_SHARE], max_disagreement))
    return findings


def crawl_findings(crawler) -> list[Finding]:
    settings = crawler.settings
    return drift_findings(crawler.stats.get_stats(), settings.getdict("NEWSCRAWL_DRIFT_MIN_COVERAGE"),
                          settings.getfloat("NEWSCRAWL_DRIFT_MAX_GENERIC"),
                          settings.getint("NEWSCRAWL_DRIFT_MIN_ARTICLES"),
                          settings.getfloat("NEWSCRAWL_DRIFT_MAX_STORY_NOT_FOUND"),
                          settings.getfloat("NEWSCRAWL_DRIFT_MAX_FEED_DISAGREEMENT"))


@monitors.name("Extraction drift")
class DriftMonitor(BaseScrapyMonitor):
    """Field coverage, generic extractions and pages without a proven story box within their thresholds."""

    @monitors.name("Field coverage, generic extractions and story boxes found")
    def test_extraction_within_thresholds(self):
        findings = crawl_findings(self.crawler)
        self.assertFalse(findings, "; ".join(f.message() for f in findings))


class MarkUnhealthy(Action):
    """Log each crossed threshold as an ERROR and mark the crawl unhealthy in its stats."""

    def run_action(self):
        stats = self.data.crawler.stats
        for finding in crawl_findings(self.data.crawler):
            logger.error("Extraction drift: %s", finding.message())
            stats.set_value(f"{DRIFT}/{finding.field}", finding.share)
        stats.set_value(UNHEALTHY, True)


class DriftMonitorSuite(MonitorSuite):
    monitors = [DriftMonitor]
    monitors_failed_actions = [MarkUnhealthy]
