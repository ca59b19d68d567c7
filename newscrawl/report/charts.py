"""The report's charts: matplotlib figures as inline SVG (no browser script, nothing fetched), scaled to the page's
width by the page's CSS (the SVG keeps its viewBox). Text stays text (svg.fonttype none), so the files are small and
a phone renders them with its own fonts.

Long histories are drawn as areas and daily aggregates, not one mark per run or per day: a year of hourly runs
(8,760 records) draws in about the time of a week's.
"""

from __future__ import annotations

import io
import statistics
from datetime import date, datetime

import matplotlib
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure

# one colour per outcome, the same in every chart and table (colour-blind safe: Okabe-Ito)
OUTCOME_COLOURS = {"written": "#009E73", "moved": "#56B4E9", "not_found": "#999999", "dropped": "#E69F00",
                   "filtered": "#CC79A7", "failed": "#D55E00", "not_tried": "#0072B2"}
BARS_UP_TO = 92  # days; a longer range is drawn as stacked areas
RUNS_UP_TO = 400  # runs drawn one by one; more are aggregated per day
COVERAGE_FIELDS = 5  # the run history draws the coverage of this many fields, those that sank lowest
FEW_DAYS = 14  # up to this many days, each is labelled
WIDTH = 9.0  # inches at 100 dpi: the SVG's natural width; CSS scales it


def _svg(figure: Figure, name: str) -> str:
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": name}):
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", bbox_inches="tight")
    text = buffer.getvalue()
    return text[text.index("<svg"):]  # no XML declaration or DOCTYPE inside HTML


def _day_axis(axes, days: list, label: str = "%d %b") -> None:
    """Dates on the x axis: each one labelled when there are few, else a concise locator's choice."""
    if len(days) <= FEW_DAYS:
        axes.set_xticks(days, [f"{d:{label}}" for d in days])
        return
    locator = AutoDateLocator(minticks=3, maxticks=8)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))


def outcome_of_reason(reason: str) -> str:
    return reason.split("/", 1)[0]


def days_chart(days: list[dict]) -> str:
    """Articles per publication day, stacked by outcome; incomplete days marked under the axis."""
    figure = Figure(figsize=(WIDTH, 3.6))
    axes = figure.subplots()
    x = [date.fromisoformat(day["day"]) for day in days]
    stacks = {outcome: [0] * len(days) for outcome in OUTCOME_COLOURS}
    for index, day in enumerate(days):
        stacks["written"][index] = day["written"]
        stacks["moved"][index] = day["moved"]
        for reason, count in day["missing"].items():
            stacks[outcome_of_reason(reason)][index] += count
    shown = {outcome: values for outcome, values in stacks.items() if any(values)}
    if len(days) <= BARS_UP_TO:
        bottom = [0] * len(days)
        for outcome, values in shown.items():
            axes.bar(x, values, bottom=bottom, color=OUTCOME_COLOURS[outcome], label=outcome, width=0.8)
            bottom = [b + v for b, v in zip(bottom, values)]
    elif shown:
        axes.stackplot(x, *shown.values(), colors=[OUTCOME_COLOURS[o] for o in shown], labels=list(shown), step="mid")
    # marked under the axis when the days are bars; a longer range has the completeness chart for that
    incomplete = [d for d, day in zip(x, days) if not day["complete"]] if len(days) <= BARS_UP_TO else []
    if incomplete:
        axes.plot(incomplete, [0] * len(incomplete), linestyle="none", marker="^", color="#D55E00",
                  markersize=7, label="incomplete day", clip_on=False)
    axes.set_ylabel("article ids")
    axes.set_title("Articles per publication day, by outcome")
    _day_axis(axes, x)
    if shown or incomplete:
        axes.legend(loc="upper left", fontsize="small", ncols=4, frameon=False)
    return _svg(figure, "days")


def completeness_chart(days: list[dict]) -> str:
    """Share of each day's known ids written; green when the day is complete, red when not."""
    figure = Figure(figsize=(WIDTH, 2.4))
    axes = figure.subplots()
    x = [date.fromisoformat(day["day"]) for day in days]
    share = [100 * day["written"] / day["known"] if day["known"] else 0 for day in days]
    colours = ["#009E73" if day["complete"] else "#D55E00" for day in days]
    if len(days) <= BARS_UP_TO:
        axes.bar(x, share, color=colours, width=0.8)
    else:
        axes.vlines(x, 0, share, colors=colours, linewidth=1)
    axes.set_ylim(0, 105)
    axes.set_ylabel("% written")
    axes.set_title("Completeness per day (green: complete; red: incomplete, see the table)")
    _day_axis(axes, x)
    return _svg(figure, "completeness")


def discovery_chart(sources: list[dict]) -> str:
    figure = Figure(figsize=(WIDTH, 0.6 + 0.45 * max(1, len(sources))))
    axes = figure.subplots()
    names = [source["source"] for source in sources][::-1]
    axes.barh(names, [s["ids"] for s in sources][::-1], color="#56B4E9", label="ids listed")
    axes.barh(names, [s["written"] for s in sources][::-1], color="#009E73", height=0.5, label="of them written")
    axes.barh(names, [s["only_this_source"] for s in sources][::-1], color="#E69F00", height=0.25,
              label="listed by no other source")
    axes.set_title("Discovery: ids each source listed")
    axes.legend(loc="lower right", fontsize="small", frameon=False)
    return _svg(figure, "discovery")


def _mean(values) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.fmean(values) if values else None


def _per_day(runs: list[dict]) -> list[dict]:
    """Runs aggregated per day of their start: sums of pages, items, errors and failed runs, the median duration,
    the mean of each share (coverage per field, story box not found, feed/page disagreement)."""
    by_day: dict[str, list[dict]] = {}
    for run in runs:
        by_day.setdefault(str(run["start"])[:10], []).append(run)
    aggregated = []
    for day, group in sorted(by_day.items()):
        fields = sorted({field for run in group for field in run["coverage"]})
        aggregated.append({"start": day, "duration": statistics.median(r["duration"] for r in group),
                           "pages": sum(r["pages"] for r in group), "items": sum(r["items"] for r in group),
                           "errors": sum(r["errors"] for r in group), "failed": sum(r["failed"] for r in group),
                           "coverage": {f: _mean(r["coverage"].get(f) for r in group) for f in fields},
                           "story_not_found_share": _mean(r["story_not_found_share"] for r in group),
                           "feed_disagreement_share": _mean(r["feed_disagreement_share"] for r in group)})
    return aggregated


def _lowest_fields(points: list[dict]) -> list[str]:
    """The COVERAGE_FIELDS fields whose coverage sank lowest over the history: where a drift shows first."""
    lowest: dict[str, float] = {}
    for point in points:
        for field, share in point["coverage"].items():
            if share is not None:
                lowest[field] = min(share, lowest.get(field, share))
    return sorted(sorted(lowest, key=lambda field: (lowest[field], field))[:COVERAGE_FIELDS])


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text) if len(text) > 10 else datetime.fromisoformat(text + "T00:00:00")


def runs_chart(runs: list[dict]) -> str:
    """Run history: duration, pages and items, errors and failed runs, the drift figures (a slow drift shows)."""
    points = []
    for run in runs:
        start, end = _when(str(run["start"])), _when(str(run["end"] or run["start"]))
        points.append({**run, "duration": (end - start).total_seconds() / 60,
                       "failed": int(run["exit_code"] not in (0, 7))})
    daily = len(points) > RUNS_UP_TO
    if daily:
        points = _per_day(points)
    x = [_when(str(p["start"])) for p in points]
    figure = Figure(figsize=(WIDTH, 8.4))
    panels = figure.subplots(4, 1, sharex=True)
    unit = "per day" if daily else "per run"
    panels[0].plot(x, [p["duration"] for p in points], color="#0072B2")
    panels[0].set_ylabel("minutes" + (" (median)" if daily else ""))
    panels[0].set_title(f"Run history ({len(runs)} runs{', aggregated per day' if daily else ''})")
    panels[1].plot(x, [p["pages"] for p in points], color="#56B4E9", label=f"pages {unit}")
    panels[1].plot(x, [p["items"] for p in points], color="#009E73", label=f"items written {unit}")
    panels[1].legend(loc="upper left", fontsize="small", frameon=False)
    panels[2].bar(x, [p["errors"] for p in points], color="#E69F00", label=f"errors logged {unit}",
                  width=0.8 if daily else 0.02)
    failed = [(when, p["failed"]) for when, p in zip(x, points) if p["failed"]]
    panels[2].plot([w for w, _ in failed], [n for _, n in failed], linestyle="none", marker="v", color="#D55E00",
                   label="failed runs (exit code not 0 or 7)")
    panels[2].legend(loc="upper left", fontsize="small", frameon=False)
    series = {f"coverage: {field}": [p["coverage"].get(field) for p in points] for field in _lowest_fields(points)}
    series["story box not found"] = [p["story_not_found_share"] for p in points]
    series["feed/page disagreement"] = [p["feed_disagreement_share"] for p in points]
    for label, values in series.items():
        drawn = [(when, v) for when, v in zip(x, values) if v is not None]
        panels[3].plot([w for w, _ in drawn], [v for _, v in drawn], label=label, linewidth=1.2,
                       marker="." if len(drawn) <= FEW_DAYS * 4 else None)
    panels[3].set_ylim(-0.05, 1.05)
    panels[3].set_ylabel("share" + (" (daily mean)" if daily else ""))
    panels[3].set_title("Drift figures: field coverage, story box not found, feed/page disagreement", fontsize="medium")
    panels[3].legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="small", frameon=False)
    _day_axis(panels[3], x, "%d %b" if daily else "%d %b\n%H:%M")
    return _svg(figure, "runs")
