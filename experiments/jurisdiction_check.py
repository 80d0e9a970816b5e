"""`python -m experiments.jurisdiction_check sample|score`: jurisdiction correctness on a hand-checked sample.

``sample`` draws posts that the linker gives a jurisdiction (on the gold
OFFICIAL/POST spans of ``annotations/gold.jsonl``; seeded, reports chosen
before posts so no report dominates) and prints each with its sentence for a
person to check; it writes ``experiments/jurisdiction_check.tsv`` with an
empty ``verdict`` column (the sentences are printed, never stored: the
reports are third-party text). The checker writes ``ok`` or ``wrong`` (and a
note) per row. ``score`` counts the verdicts, overall and by how the
jurisdiction was found.

Checked so far (by reading each printed sentence, with the report's visit
record and the rest of the text where the sentence alone did not settle whose
official it was; a jurisdiction counts as right when it is the place whose
office the post is, and a name the gazetteer lacks counts as right when it is
kept as written and flagged):

* ``jurisdiction_check_1.tsv``: 100 posts of the 183 more2/ reports, seed 16,
  before the bare-post rule "the only place any post names" was replaced:
  81/100 (that rule: 1/12);
* ``jurisdiction_check_2.tsv``: a fresh draw, seed 17, after: 95/100.
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pandas as pd
import typer

from kaocha.annotations.validate import load_gold
from kaocha.files import write_text_atomically
from kaocha.linking import SENTENCE_END, link_officials

app = typer.Typer(add_completion=False)
DEFAULT_SHEET = Path("experiments/jurisdiction_check.tsv")
COLUMNS = ["report", "start", "end", "post", "jurisdiction", "normalized", "code", "resolved_by", "verdict", "note"]


def linked_posts(reports) -> list[dict]:
    rows = []
    for report in reports:
        spans = [(s.start, s.end, s.label) for s in report.spans]
        for official in link_officials(report.text, spans):
            for post in official.posts:
                if post.jurisdiction:
                    j = post.normalized
                    rows.append({"report": report.id, "start": post.start, "end": post.end, "post": post.text,
                                 "jurisdiction": post.jurisdiction, "normalized": j.name if j else "",
                                 "code": (j.code or "") if j else "", "resolved_by": post.resolved_by,
                                 "official": official.name})
    return rows


@app.command()
def sample(n: int = typer.Option(120), seed: int = typer.Option(16), out: Path = typer.Option(DEFAULT_SHEET),
           only: str = typer.Option("", help="Comma-separated report-id prefixes to sample from (e.g. n).")) -> None:
    """Draw ``n`` linked posts with a jurisdiction and print them with their sentences."""
    reports = [r for r in load_gold() if not only or r.id.startswith(tuple(only.split(",")))]
    texts = {r.id: r.text for r in reports}
    rows = linked_posts(reports)
    by_report: dict[str, list[dict]] = {}
    for row in rows:
        by_report.setdefault(row["report"], []).append(row)
    rng = random.Random(seed)
    chosen = []
    order = sorted(by_report)
    while len(chosen) < min(n, len(rows)):
        rng.shuffle(order)
        for rid in order:
            left = [r for r in by_report[rid] if r not in chosen]
            if left and len(chosen) < n:
                chosen.append(rng.choice(left))
    chosen.sort(key=lambda r: (r["report"], r["start"]))
    for i, row in enumerate(chosen, start=1):
        text = texts[row["report"]]
        s = max((m.end() for m in SENTENCE_END.finditer(text, 0, row["start"])), default=0)
        e = SENTENCE_END.search(text, row["end"])
        print(f"{i}\t{row['report']}\t{row['post']}{row['official']} → {row['jurisdiction']} [{row['normalized']} {row['code']}] "
              f"({row['resolved_by']})\n    {text[s:e.start() if e else len(text)][:220]}")
    table = pd.DataFrame([{**{k: r.get(k, "") for k in COLUMNS}, "verdict": "", "note": ""} for r in chosen], columns=COLUMNS)
    write_text_atomically(table.to_csv(sep="\t", index=False), out)
    print(f"wrote {out} ({len(chosen)} posts of {len(rows)} with a jurisdiction)")


@app.command()
def score(sheet: Path = typer.Option(DEFAULT_SHEET)) -> None:
    """Share of checked posts whose jurisdiction is right, overall and by how it was found."""
    table = pd.read_csv(sheet, sep="\t", dtype=str, keep_default_na=False)
    checked = table[table.verdict.isin(["ok", "wrong"])]
    if checked.empty:
        typer.echo(f"error: {sheet}: no row has a verdict (ok or wrong)", err=True)
        raise typer.Exit(1)
    ok = (checked.verdict == "ok").sum()
    print(f"{ok}/{len(checked)} correct ({ok / len(checked):.3f})")
    for how, group in checked.groupby("resolved_by"):
        print(f"  {how}: {(group.verdict == 'ok').sum()}/{len(group)}")
    print("by code: " + ", ".join(f"{k}: {v}" for k, v in Counter(checked.code.astype(bool)).items()))


if __name__ == "__main__":
    app()
