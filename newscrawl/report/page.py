"""The report as one self-contained HTML page: inline CSS, inline SVG charts, no script, nothing fetched. Readable
on a phone (viewport, charts scaled to the width, wide tables scroll sideways)."""

from __future__ import annotations

from html import escape

from newscrawl.report import charts
from newscrawl.urls import canonical_article_url

STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:0 12px;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ddd}
figure.chart{margin:1em 0}figure.chart svg{width:100%;height:auto}
.scroll{overflow-x:auto}table{border-collapse:collapse;font-size:.9em}
td,th{padding:3px 8px;border-bottom:1px solid #eee;text-align:right;vertical-align:top}
td.text,th.text{text-align:left}tr.incomplete td.day{color:#D55E00;font-weight:bold}
.totals{display:flex;flex-wrap:wrap;gap:8px}.totals div{background:#f4f4f4;padding:6px 12px;border-radius:6px}
.totals b{display:block;font-size:1.4em}code{background:#f4f4f4;padding:2px 4px;word-break:break-all}
"""
DAYS_IN_TABLE = 400  # the newest days listed in the table (the chart and --json have every day)


def _cell(value, css: str = "", **data) -> str:
    attributes = "".join(f' data-{k.replace("_", "-")}="{escape(str(v))}"' for k, v in data.items())
    return f'<td class="{css}"{attributes}>{escape(str(value))}</td>'


def _totals(articles: dict) -> str:
    boxes = [("known", "ids known"), ("written", "written"), ("moved", "moved to another property")]
    html = [f'<div><b data-figure="{key}">{articles[key]}</b>{label}</div>' for key, label in boxes]
    missing = sum(articles["missing"].values())
    html.append(f'<div><b data-figure="missing">{missing}</b>missing</div>')
    html.append(f'<div><b data-figure="days-complete">{articles["days_complete"]}</b>of {articles["days"]} days '
                f'complete</div>')
    return '<div class="totals">' + "".join(html) + "</div>"


def _days_table(days: list[dict]) -> str:
    """The days with something known (ids, or an archive page asked), newest first; empty days are only counted."""
    listed = [day for day in days if day["known"] or day["archive_pages_asked"]]
    rows = []
    for day in reversed(listed[-DAYS_IN_TABLE:]):
        missing = ", ".join(f"{reason} {count}" for reason, count in day["missing"].items())
        rows.append(f'<tr class="{"complete" if day["complete"] else "incomplete"}" data-day="{day["day"]}">'
                    + _cell(day["day"], "day text") + _cell(day["known"], figure="known")
                    + _cell(day["written"], figure="written") + _cell(day["moved"], figure="moved")
                    + _cell(missing, "text") + _cell("yes" if day["complete"] else "no", "text")
                    + _cell("; ".join(day["incomplete_because"]), "text") + "</tr>")
    head = "".join(f'<th class="{c}">{h}</th>' for h, c in (("day", "text"), ("known", ""), ("written", ""),
                   ("moved", ""), ("missing", "text"), ("complete", "text"), ("incomplete because", "text")))
    note = f"The newest {min(len(listed), DAYS_IN_TABLE)} of the {len(listed)} days with an id or an archive page"
    if empty := len(days) - len(listed):
        note += f"; {empty} days of the range have neither (no id known, no date archive asked)"
    return (f'<details{" open" if len(listed) <= 60 else ""}><summary>{note}</summary><div class="scroll">'
            f'<table id="days"><tr>{head}</tr>{"".join(rows)}</table></div></details>')


def _gaps_table(gaps: list[dict], retry_command: str) -> str:
    if not gaps:
        return "<p>No article id is missing.</p>"
    rows = []
    for gap in gaps:
        examples = " ".join(f'<a href="{canonical_article_url(i)}">{i}</a>' for i in gap["examples"])
        rows.append(f'<tr data-reason="{escape(gap["reason"])}">' + _cell(gap["reason"], "text")
                    + _cell(gap["count"], figure="count") + _cell("yes" if gap["retryable"] else "no", "text")
                    + f'<td class="text">{examples}{" ..." if gap["count"] > len(gap["examples"]) else ""}</td></tr>')
    return ('<div class="scroll"><table id="gaps"><tr><th class="text">reason</th><th>ids</th>'
            '<th class="text">a crawl can close it</th><th class="text">ids (examples)</th></tr>'
            + "".join(rows) + "</table></div>"
            + "<p>Retry the gaps a crawl can close (failed, not tried, filtered):</p>"
              f'<p><code id="retry-command">{escape(retry_command)}</code></p>'
              "<p>A story gone (404/410) or moved to another Dawn property stays so; ids are shared with "
              "Dawn's other properties, so a gap in the id sequence alone is no missing story.</p>")


def _sources_table(sources: list[dict]) -> str:
    rows = "".join(f'<tr data-source="{escape(s["source"])}">' + _cell(s["source"], "text")
                   + _cell(s["ids"], figure="ids") + _cell(s["written"], figure="written")
                   + _cell(s["only_this_source"], figure="only") + "</tr>" for s in sources)
    return ('<div class="scroll"><table id="sources"><tr><th class="text">source</th><th>ids listed</th>'
            f"<th>written</th><th>listed by no other source</th></tr>{rows}</table></div>")


def _chart(name: str, svg: str) -> str:
    return f'<figure class="chart" id="chart-{name}">{svg}</figure>'


def render(figures: dict, title: str, generated: str, retry_command: str) -> str:
    days, runs, sources = figures["days"], figures["runs"], figures["discovery"]
    sections = [f"<h1>{escape(title)}</h1><p>Made {escape(generated)} from the ledger of the state store and "
                f"{len(runs)} run records.</p>", _totals(figures["articles"])]
    sections.append("<h2>Articles per publication day</h2>")
    if days:
        sections += [_chart("days", charts.days_chart(days)), _chart("completeness", charts.completeness_chart(days)),
                     _days_table(days)]
    else:
        sections.append("<p>No dated article id yet.</p>")
    undated = figures["articles"]["undated"]
    if undated:
        sections.append(f"<p>{undated} ids have no known publication day (listed undated, never read).</p>")
    sections.append("<h2>Discovery</h2>")
    sections += [_chart("discovery", charts.discovery_chart(sources)), _sources_table(sources)] if sources else [
        "<p>No source has listed an article yet.</p>"]
    sections.append("<h2>Run history</h2>")
    sections.append(_chart("runs", charts.runs_chart(runs)) if runs else "<p>No run record (runs.jsonl) yet.</p>")
    sections += ["<h2>Gaps</h2>", _gaps_table(figures["gaps"], retry_command)]
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
            + "\n".join(sections) + "</body></html>\n")
