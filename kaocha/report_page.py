"""The report page of `kaocha score --format html`: one self-contained HTML file.

Built from report records (the dicts of `kaocha.Report.to_dict`, i.e. JSONL
lines), so a page can be made from any saved output:

- a header with a filter box (matches report id, title, officials, posts,
  venues, area codes and metadata; ``page.html?q=上海`` opens it filtered);
- an index, one row per report: title, date and visitor → host when known
  (from the record's ``visit`` or its ``meta``), and counts; each row links
  to the report's card (``page.html#<report id>`` works as a link from
  elsewhere too);
- a legend of the entity marks and the nine area codes;
- one card per report: metadata, the visit record when the record has one
  (visitor, host, dates, leaders, sides), officials with their posts (and
  sides), venues, areas with their supporting sentences, and the full text
  with entity marks (folded).

No external file, font, script or network access: the style and the small
filter script are inline, and everything is readable without the script.

The page scrolls inside one full-window element (``#page``) rather than as
a document: Chromium's headless screenshots of a document scrolled to a
fragment (``page.html#r030``) come out blank, those of a scrolled element
do not; printing shows the whole page as usual (print style).
"""

from __future__ import annotations

import html
import re
from collections import Counter

from kaocha import __version__
from kaocha.labels import CATEGORY_LABELS, ENTITY_LABELS

ENTITY_COLORS = {"OFFICIAL": "#f4b183", "POST": "#9dc3e6", "VENUE": "#a9d18e"}
ENTITY_MEANINGS = {
    "OFFICIAL": "personal name of an office holder (姓名)",
    "POST": "title of a public office, as written (职务)",
    "VENUE": "named place that can be visited (考察地点)",
}
#: The nine cooperation areas (annotation spec §3), as shown in the legend and docs/fields.md.
AREA_MEANINGS = {
    "SCI_TECH": "科技 science, technology, innovation, talent",
    "INDUSTRY": "产业 industrial cooperation, specific industries, finance, digital economy",
    "OPENING_UP": "开放 opening-up, foreign trade, free-trade zones, expos",
    "REFORM": "改革 reform, business environment, private and state-owned enterprise",
    "URBAN": "城市 urban planning and renewal, infrastructure, city governance",
    "ECOLOGY": "生态 environment, ecology, green development",
    "CULTURE_TOURISM": "文旅 culture, tourism, consumption, sports events, heritage",
    "REGIONAL": "区域 regional coordination strategies, paired assistance",
    "LIVELIHOOD": "民生 rural revitalization, common prosperity, public services, well-being",
}
SIDE_NAMES = {"visiting": "visiting", "host": "host", "other": "other"}
SAFE_ANCHOR = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
SHOWN_SENTENCES = 3

STYLE = """
html,body{margin:0;height:100%;overflow:hidden}
#page{height:100%;overflow-y:auto;outline:none}
.content{font-family:'WenQuanYi Zen Hei','Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:0 auto;
 padding:1em 2em;max-width:70em;line-height:1.5;color:#222;background:#fff}
@media print{html,body,#page{height:auto;overflow:visible}}
h1{margin:.2em 0}h2{margin:.3em 0}h3{margin:.8em 0 .2em;font-size:1em}
table{border-collapse:collapse;margin:.3em 0}td,th{border:1px solid #ccc;padding:.15em .4em;vertical-align:top;text-align:left}
th{background:#f3f3f3}td.n{text-align:right}
.filter{background:#f7f7f7;border:1px solid #ddd;padding:.5em;margin:.5em 0}
.filter input{font-size:1.1em;width:24em;max-width:90%}
article.report{border:1px solid #bbb;border-radius:6px;padding:.5em 1em;margin:1.2em 0}
article.report:target{outline:3px solid #e69500}
.source{color:#666;font-size:.85em;word-break:break-all}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:0 1em;margin:.3em 0}
dl.meta dt{color:#555}dl.meta dd{margin:0}
section.visit{background:#f4f8fc;border-left:4px solid #9dc3e6;padding:.2em .8em;margin:.5em 0}
mark.ent{padding:0 .15em;border-radius:3px;color:#000}
mark.ent .lbl{font-size:.6em;font-weight:bold;margin-left:.2em;vertical-align:middle;opacity:.7}
.text{white-space:pre-wrap;border-top:1px solid #eee;padding-top:.3em}
.code{font-family:monospace;font-weight:bold}
.muted{color:#777}
"""

SCRIPT = """
(function(){
  var box=document.getElementById('filter'), shown=document.getElementById('shown');
  var rows=document.querySelectorAll('tr[data-search]'), cards=document.querySelectorAll('article[data-search]');
  function apply(){
    var q=box.value.trim().toLowerCase(), n=0;
    rows.forEach(function(el){var hit=!q||el.getAttribute('data-search').indexOf(q)>=0; el.hidden=!hit; if(hit)n++;});
    cards.forEach(function(el){el.hidden=!(!q||el.getAttribute('data-search').indexOf(q)>=0);});
    shown.textContent=n+' of '+rows.length+' reports shown';
  }
  box.addEventListener('input',apply);
  var q=new URLSearchParams(location.search).get('q'); if(q){box.value=q;}
  apply();
  document.getElementById('page').focus({preventScroll:true});  // arrow keys and Page Down scroll the page
})();
"""


def esc(value) -> str:
    return html.escape("" if value is None else str(value))


def anchors(records: list[dict]) -> list[str]:
    """A unique fragment name per record: its id when that is a plain name, else ``report-N``."""
    counts = Counter(str(r.get("id")) for r in records)
    names = []
    for n, record in enumerate(records, start=1):
        rid = str(record.get("id"))
        names.append(rid if SAFE_ANCHOR.match(rid) and counts[rid] == 1 else f"report-{n}")
    return names


def title_of(record: dict) -> str:
    meta = record.get("meta") or {}
    if meta.get("title"):
        return str(meta["title"])
    first = next((line.strip() for line in record.get("text", "").split("\n") if line.strip()), "")
    return first[:60] + ("…" if len(first) > 60 else "")


def _visit(record: dict) -> dict | None:
    visit = record.get("visit")
    if visit is None:
        visit = (record.get("extra") or {}).get("visit")
    return visit if isinstance(visit, dict) else None


def _joined(values) -> str:
    if isinstance(values, (list, tuple)):
        return "、".join(str(v) for v in values if v)
    return "" if values is None else str(values)


def when_and_who(record: dict) -> tuple[str, str]:
    """Dates and "visitor → host" of a report, from its visit record, else its metadata."""
    visit, meta = _visit(record), record.get("meta") or {}
    if visit:
        start, end = visit.get("start"), visit.get("end")
        dates = (start if start == end or not end else f"{start or '?'} – {end}") if (start or end) else ""
        who = f"{_joined(visit.get('visitor')) or '?'} → {_joined(visit.get('host')) or '?'}"
        return dates, who
    who = ""
    if meta.get("visiting_region") or meta.get("host_region"):
        who = f"{meta.get('visiting_region') or '?'} → {meta.get('host_region') or '?'}"
    return str(meta.get("date", "")), who


def search_text(record: dict) -> str:
    parts = [record.get("id"), record.get("source"), title_of(record)]
    parts += [o["name"] for o in record.get("officials", [])]
    parts += [p["text"] for o in record.get("officials", []) for p in o.get("posts", [])]
    parts += [v["name"] for v in record.get("venues", [])]
    parts += [a["label"] for a in record.get("areas", [])]
    parts += [str(v) for v in (record.get("meta") or {}).values()]
    visit = _visit(record)
    if visit:
        parts += [_joined(visit.get("visitor")), _joined(visit.get("host"))]
    return " ".join(str(p) for p in parts if p).lower()


def marked_text(record: dict) -> str:
    """The text with each entity in a coloured ``<mark>`` carrying its label."""
    text, out, position = record.get("text", ""), [], 0
    for entity in sorted(record.get("entities", []), key=lambda e: (e["start"], -e["end"])):
        start, end = entity["start"], entity["end"]
        if start < position:  # overlapping spans cannot be nested in marks; the first one is shown
            continue
        label = entity["label"]
        out.append(esc(text[position:start]))
        out.append(f'<mark class="ent ent-{esc(label)}" title="{esc(label)}" '
                   f'style="background:{ENTITY_COLORS.get(label, "#ddd")}">{esc(text[start:end])}'
                   f'<span class="lbl">{esc(label)}</span></mark>')
        position = end
    out.append(esc(text[position:]))
    return "".join(out)


def index_table(records: list[dict], names: list[str]) -> str:
    rows = []
    for record, name in zip(records, names):
        dates, who = when_and_who(record)
        officials = record.get("officials", [])
        posts = sum(len(o.get("posts", [])) for o in officials)
        areas = record.get("areas", [])
        top = ", ".join(f'{a["label"]} {a.get("count", len(a.get("sentences", [])))}' for a in areas[:3])
        rows.append(
            f'<tr data-search="{esc(search_text(record))}" data-report="{esc(name)}">'
            f'<td><a href="#{esc(name)}">{esc(record.get("id"))}</a></td><td>{esc(title_of(record))}</td>'
            f'<td>{esc(dates)}</td><td>{esc(who)}</td><td class="n">{len(officials)}</td><td class="n">{posts}</td>'
            f'<td class="n">{len(record.get("venues", []))}</td>'
            f'<td title="area: number of supporting sentences">{esc(top)}{" …" if len(areas) > 3 else ""}</td>'
            f'<td class="n">{len(record.get("sentences", []))}</td><td class="n">{len(record.get("text", ""))}</td></tr>')
    return ('<table class="index"><thead><tr><th>report</th><th>title</th><th>date</th><th>visitor → host</th>'
            '<th>officials</th><th>posts</th><th>venues</th><th>top areas (sentences)</th><th>sentences</th>'
            f'<th>characters</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')


def legend() -> str:
    entities = "".join(
        f'<li><mark class="ent" style="background:{ENTITY_COLORS[label]}">{label}</mark> {esc(ENTITY_MEANINGS[label])}</li>'
        for label in ENTITY_LABELS)
    areas = "".join(f'<tr><td class="code">{label}</td><td>{esc(AREA_MEANINGS[label])}</td></tr>'
                    for label in CATEGORY_LABELS)
    return (f'<section id="legend"><h2>Legend</h2><ul class="entities">{entities}</ul>'
            f'<table class="area-codes"><thead><tr><th>area code</th><th>meaning</th></tr></thead><tbody>{areas}</tbody></table>'
            '<p class="muted">An area belongs to a report when at least one sentence carries it: '
            '<b>sentences</b> is how many do, <b>share</b> their part of all the report\'s sentences, '
            '<b>best</b> the highest single-sentence score (0–1).</p></section>')


def visit_block(visit: dict) -> str:
    dates, who = when_and_who({"visit": visit})
    rows = [("visitor → host", who), ("dates", dates or "not stated"), ("leaders", _joined(visit.get("leaders")) or "none named")]
    sides = visit.get("sides") or {}
    if isinstance(sides, dict) and sides:
        grouped: dict[str, list[str]] = {}
        for name, side in sides.items():
            grouped.setdefault(str(side), []).append(str(name))
        rows.append(("sides", "; ".join(f"{side}: {'、'.join(names)}" for side, names in grouped.items())))
    body = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in rows)
    return f'<section class="visit"><h3>Visit</h3><dl class="meta">{body}</dl></section>'


def officials_table(record: dict, sides: dict) -> str:
    officials = record.get("officials", [])
    if not officials:
        return '<p class="muted">no officials found</p>'
    rows = []
    for official in officials:
        posts = "、".join(p["text"] + (f' ({p["jurisdiction"]})' if p.get("jurisdiction") else "")
                         for p in official.get("posts", []))
        side = f'<td>{esc(sides.get(official["name"], ""))}</td>' if sides else ""
        rows.append(f'<tr><td>{esc(official["name"])}</td><td>{esc(posts) or "<span class=muted>–</span>"}</td>'
                    f'{side}<td class="n">{len(official.get("mentions", []))}</td></tr>')
    side_head = "<th>side</th>" if sides else ""
    return (f'<table class="officials"><thead><tr><th>official</th><th>posts (jurisdiction)</th>{side_head}'
            f'<th>mentions</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')


def venues_list(record: dict) -> str:
    venues = record.get("venues", [])
    if not venues:
        return '<p class="muted">no venues found</p>'
    items = "".join(f'<li>{esc(v["name"])}' + (f' <span class="muted">×{len(v["mentions"])}</span>' if len(v["mentions"]) > 1 else "")
                    + "</li>" for v in venues)
    return f'<ol class="venues">{items}</ol>'


def areas_table(record: dict) -> str:
    areas = record.get("areas", [])
    if not areas:
        return '<p class="muted">no area carried by any sentence</p>'
    sentences = {s["id"]: s for s in record.get("sentences", [])}
    total = max(len(sentences), 1)
    rows = []
    for area in areas:
        ids = area.get("sentences", [])
        count = area.get("count", len(ids))
        share = area.get("share", count / total)
        quoted = [f'<li><span class="muted">S{i}</span> {esc(sentences[i]["text"])}</li>' for i in ids if i in sentences]
        shown = "".join(quoted[:SHOWN_SENTENCES])
        more = (f'<details><summary>{len(quoted) - SHOWN_SENTENCES} more</summary><ul>{"".join(quoted[SHOWN_SENTENCES:])}</ul></details>'
                if len(quoted) > SHOWN_SENTENCES else "")
        rows.append(f'<tr><td class="code" title="{esc(AREA_MEANINGS.get(area["label"], ""))}">{esc(area["label"])}</td>'
                    f'<td class="n">{count}</td><td class="n">{share:.0%}</td><td class="n">{area["score"]:.2f}</td>'
                    f'<td><ul>{shown}</ul>{more}</td></tr>')
    return ('<table class="areas"><thead><tr><th>area</th><th>sentences</th><th>share</th><th>best</th>'
            f'<th>supporting sentences</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')


def report_card(record: dict, name: str) -> str:
    visit = _visit(record)
    sides = visit.get("sides") if visit and isinstance(visit.get("sides"), dict) else {}
    meta = record.get("meta") or {}
    meta_rows = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in meta.items() if v not in (None, ""))
    source = [esc(record["source"])] if record.get("source") else []
    if record.get("sha256"):
        source.append(f'sha256 {esc(record["sha256"][:12])}…')
    return (
        f'<article class="report" id="{esc(name)}" data-search="{esc(search_text(record))}">'
        f'<h2>{esc(record.get("id"))} <span class="muted">—</span> {esc(title_of(record))}</h2>'
        f'<p class="source">{" · ".join(source)}</p>'
        + (f'<dl class="meta">{meta_rows}</dl>' if meta_rows else "")
        + (visit_block(visit) if visit else "")
        + f'<h3>Officials ({len(record.get("officials", []))})</h3>{officials_table(record, sides)}'
        + f'<h3>Venues ({len(record.get("venues", []))})</h3>{venues_list(record)}'
        + f'<h3>Areas ({len(record.get("areas", []))})</h3>{areas_table(record)}'
        + f'<details class="fulltext"><summary>Text with entity marks ({len(record.get("text", ""))} characters, '
          f'{len(record.get("entities", []))} marks)</summary><div class="text">{marked_text(record)}</div></details>'
        + '<p><a href="#index">↑ index</a> · <a href="#legend">legend</a></p></article>')


def render_page(records: list[dict], title: str = "kaocha") -> str:
    """The whole page for ``records`` (dicts as in the JSONL output)."""
    names = anchors(records)
    officials = sum(len(r.get("officials", [])) for r in records)
    venues = sum(len(r.get("venues", [])) for r in records)
    heading = f"{esc(title)}: {len(records)} report{'s' if len(records) != 1 else ''}"
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{heading}</title><style>{STYLE}</style></head><body><div id="page" tabindex="-1"><div class="content">'
        f'<header><h1>{heading}</h1><p class="muted">{officials} officials and {venues} venues found; '
        f'made by kaocha {esc(__version__)}. Click a report to go to its card; '
        '<a href="#legend">legend of marks and area codes</a>.</p>'
        '<div class="filter"><label for="filter">Filter reports: </label>'
        '<input id="filter" type="search" placeholder="id, title, official, post, venue, area code…" autocomplete="off"> '
        f'<span id="shown">{len(records)} of {len(records)} reports shown</span></div></header>'
        f'<nav id="index"><h2>Reports</h2>{index_table(records, names)}</nav>'
        f'{legend()}<main>{"".join(report_card(r, n) for r, n in zip(records, names))}</main>'
        f'</div></div><script>{SCRIPT}</script></body></html>\n')
