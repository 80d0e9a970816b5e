"""Tables for analysis built from extracted reports: ``visits``, ``officials`` and the cross-report ``people``.

Each function takes Report-like records: anything with ``text`` and
``entities`` (``label``/``start``/``end`` objects or ``(start, end, label)``
tuples) and optionally ``id``, ``visit`` (a :class:`~kaocha.annotations.visit.Visit`
or its dict) and metadata in ``meta`` or ``extra`` (``title``, ``source``,
``date``). A record without a visit gets one from :func:`kaocha.visit_predict.analyse`
(with ``model``, else the rule baseline). Columns are listed in
``VISIT_COLUMNS``, ``OFFICIAL_COLUMNS`` and ``PEOPLE_COLUMNS`` and documented
in docs/visits.md.
"""

from __future__ import annotations

import re
from typing import Iterable

from kaocha.annotations.visit import Visit, parse_visit
from kaocha.jurisdictions import normalize_jurisdiction
from kaocha.posts import code_post
from kaocha.visit_predict import VisitModel, analyse, meta_title

LIST_JOIN = "、"
VISIT_COLUMNS = ["report", "title", "source", "published", "start", "end", "visitor", "visitor_code", "visitor_province",
                 "host", "host_code", "host_province", "leaders"]
OFFICIAL_COLUMNS = ["report", "name", "side", "leader", "post", "posts", "post_type", "post_level", "jurisdiction",
                    "jurisdiction_written", "jurisdiction_code", "jurisdiction_level", "province", "jurisdiction_flag",
                    "start"]
PEOPLE_COLUMNS = ["name", "province", "jurisdictions", "jurisdiction_codes", "posts", "post_types", "reports",
                  "n_reports", "first_date", "last_date", "sides"]
FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _meta(report) -> dict:
    meta = dict(getattr(report, "meta", None) or {})
    for key, value in (getattr(report, "extra", None) or {}).items():
        meta.setdefault(key, value)
    if getattr(report, "source", None) and "source" not in meta:
        meta["source"] = report.source
    return meta


def _visit(report, analysis) -> Visit:
    visit = getattr(report, "visit", None)
    if visit is None:
        return analysis.visit
    return parse_visit(visit) if isinstance(visit, dict) else visit


def _published(meta: dict) -> str | None:
    match = re.search(r"\d{4}-\d{2}-\d{2}", str(meta.get("date") or ""))
    return match.group(0) if match else None


def _analyses(reports: Iterable, model: VisitModel | None):
    for n, report in enumerate(reports):
        meta = _meta(report)
        analysis = analyse(report.text, report.entities, meta, model)
        rid = getattr(report, "id", None)
        yield (rid if rid is not None else n), report, meta, analysis, _visit(report, analysis)


def _codes(names: list[str], context) -> tuple[str, str]:
    js = [normalize_jurisdiction(name, context) for name in names]
    return LIST_JOIN.join(j.code or "" for j in js), LIST_JOIN.join(j.province or "" for j in js)


def visits(reports: Iterable, model: VisitModel | None = None):
    """One row per report: id, title, source, publication date, visit days, visitor and host with codes, leaders."""
    import pandas as pd

    rows = []
    for rid, _, meta, analysis, visit in _analyses(reports, model):
        context = [p.jurisdiction for p in analysis.parties.visitor + analysis.parties.host]
        visitor_code, visitor_province = _codes(visit.visitor, context)
        host_code, host_province = _codes(visit.host, context)
        rows.append({"report": rid, "title": meta_title(meta), "source": meta.get("source"), "published": _published(meta),
                     "start": visit.start, "end": visit.end, "visitor": LIST_JOIN.join(visit.visitor),
                     "visitor_code": visitor_code, "visitor_province": visitor_province,
                     "host": LIST_JOIN.join(visit.host), "host_code": host_code, "host_province": host_province,
                     "leaders": LIST_JOIN.join(visit.leaders)})
    return pd.DataFrame(rows, columns=VISIT_COLUMNS)


def _official_rows(rid, analysis, visit: Visit) -> list[dict]:
    rows: dict[str, dict] = {}
    for official in analysis.officials:
        row = rows.setdefault(official.name, {
            "report": rid, "name": official.name, "side": visit.sides.get(official.name),
            "leader": official.name in visit.leaders, "post": None, "posts": [], "post_type": None, "post_level": None,
            "jurisdiction": None, "jurisdiction_written": None, "jurisdiction_code": None, "jurisdiction_level": None,
            "province": None, "jurisdiction_flag": None, "start": official.start, "_codes": []})
        for post in official.posts:
            if post.text not in row["posts"]:
                row["posts"].append(post.text)
            row["_codes"].append((post, code_post(post.text, post.normalized, post.bare)))
    out = []
    for row in rows.values():
        coded = row.pop("_codes")
        if coded:
            # the post that says most: one with a known jurisdiction, else the first
            post, code = next(((p, c) for p, c in coded if p.normalized is not None and p.normalized.known), coded[0])
            j = post.normalized
            row.update({"post": post.text, "post_type": code.type, "post_level": code.level})
            if j is not None:
                row.update({"jurisdiction": j.name, "jurisdiction_written": j.written, "jurisdiction_code": j.code,
                            "jurisdiction_level": j.level, "province": j.province, "jurisdiction_flag": j.problem})
        row["posts"] = LIST_JOIN.join(row["posts"])
        out.append(row)
    return out


def officials(reports: Iterable, model: VisitModel | None = None):
    """One row per official per report: side, leader, posts, the coded main post and its normalized jurisdiction."""
    import pandas as pd

    rows = []
    for rid, _, _, analysis, visit in _analyses(reports, model):
        rows.extend(_official_rows(rid, analysis, visit))
    return pd.DataFrame(rows, columns=OFFICIAL_COLUMNS)


def people(reports: Iterable, model: VisitModel | None = None):
    """The same official across reports, grouped by name and province of their posts' jurisdictions.

    An official whose posts name no jurisdiction in a report joins the one
    group of the same name when there is exactly one, else stays apart
    (province empty). ``first_date``/``last_date`` are the earliest and latest
    full visit start dates (else publication dates) of their reports.
    """
    import pandas as pd

    appearances = []
    for rid, _, meta, analysis, visit in _analyses(reports, model):
        date = visit.start if visit.start and FULL_DATE.match(visit.start) else _published(meta)
        for row in _official_rows(rid, analysis, visit):
            appearances.append((row, date))
    provinces_by_name: dict[str, set[str]] = {}
    for row, _ in appearances:
        if row["province"]:
            provinces_by_name.setdefault(row["name"], set()).add(row["province"])
    groups: dict[tuple[str, str], dict] = {}
    for row, date in appearances:
        province = row["province"]
        if not province and len(provinces_by_name.get(row["name"], ())) == 1:
            province = next(iter(provinces_by_name[row["name"]]))
        group = groups.setdefault((row["name"], province or ""), {
            "name": row["name"], "province": province, "jurisdictions": [], "jurisdiction_codes": [], "posts": [],
            "post_types": [], "reports": [], "dates": [], "sides": {}})
        for key, value in (("jurisdictions", row["jurisdiction"]), ("jurisdiction_codes", row["jurisdiction_code"]),
                           ("post_types", row["post_type"]), ("reports", str(row["report"]))):
            if value and value not in group[key]:
                group[key].append(value)
        for post in (row["posts"] or "").split(LIST_JOIN):
            if post and post not in group["posts"]:
                group["posts"].append(post)
        if date:
            group["dates"].append(date)
        if row["side"]:
            group["sides"][row["side"]] = group["sides"].get(row["side"], 0) + 1
    rows = []
    for group in groups.values():
        dates = sorted(group.pop("dates"))
        sides = group.pop("sides")
        rows.append({**{k: (LIST_JOIN.join(v) if isinstance(v, list) else v) for k, v in group.items()},
                     "n_reports": len(group["reports"]), "first_date": dates[0] if dates else None,
                     "last_date": dates[-1] if dates else None,
                     "sides": LIST_JOIN.join(f"{side}:{n}" for side, n in sorted(sides.items()))})
    return pd.DataFrame(rows, columns=PEOPLE_COLUMNS).sort_values(["name", "province"], na_position="last").reset_index(drop=True)
