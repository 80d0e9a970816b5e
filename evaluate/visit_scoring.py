"""Visit records (spec §5) predicted and scored against gold, in grouped CV or held out.

Systems: ``learned`` (the side model of `kaocha.visit_predict.VisitModel`,
refitted inside each fold on that fold's training reports only),
``learned-parties`` (the same with the learned visitor/host choice of
`kaocha.visit_party_model`, also refitted per fold) and the rule baseline for
sides (``rules``: post jurisdiction against visitor and host, undecided →
``host``, the majority side; ``rules-other``: undecided → ``other``, the
spec's default). Visitor and host come from the rules except in
``learned-parties``; dates are the same everywhere; leaders are the
leading-verb candidates on the visiting side, so they follow each system's
sides. Figures are `kaocha.metrics.visit_scores`; ``visitor_division_f1``
and ``host_division_f1`` compare the places as gazetteer divisions (written
forms `黔西南州` and `贵州省黔西南州` agree), the others compare strings.

The predictor reads the gold OFFICIAL/POST spans, so these figures measure
the visit record alone, not entity recognition.
"""

from __future__ import annotations

import statistics
from typing import Callable

from kaocha.annotations.records import AnnotatedReport
from kaocha.annotations.visit import Visit
from kaocha.metrics import PRF, visit_scores
from kaocha.visit_predict import VisitModel, predict_visit

SYSTEMS = ("learned", "learned-parties", "rules", "rules-other")
FIGURES = ("visitor_f1", "host_f1", "visitor_division_f1", "host_division_f1", "dates_exact", "leaders_f1",
           "side_accuracy", "visiting_f1", "host_side_f1", "other_f1")


def with_visits(reports: list[AnnotatedReport]) -> list[AnnotatedReport]:
    return [r for r in reports if r.visit is not None]


def predict_reports(reports: list[AnnotatedReport], system: str, model: VisitModel | None = None,
                    use_meta: bool = False) -> dict[str, Visit]:
    """Predicted visits of ``reports`` by one system (``model`` must be fitted for ``learned``)."""
    if system in ("learned", "learned-parties"):
        if model is None or not model.fitted:
            raise ValueError("the learned systems need a fitted VisitModel")
        if (system == "learned-parties") != model.uses_party_model:
            raise ValueError(f"system {system} needs a VisitModel {'with' if system == 'learned-parties' else 'without'} the party model")
        chosen = model
    elif system == "rules":
        chosen = VisitModel(None, {"fallback": "host"})
    elif system == "rules-other":
        chosen = VisitModel(None, {"fallback": "other"})
    else:
        raise ValueError(f"unknown system {system!r}; known: {', '.join(SYSTEMS)}")
    return {r.id: predict_visit(r.text, r.spans, r.meta if use_meta else None, chosen) for r in reports}


def _as_divisions(names: list[str]) -> list[str]:
    from kaocha.jurisdictions import normalize_jurisdiction

    context = [j for j in (normalize_jurisdiction(n) for n in names) if j.code]
    return [(j.code or "w:" + n) for n, j in ((n, normalize_jurisdiction(n, context)) for n in names)]


def division_f1(gold: dict[str, Visit], predicted: dict[str, Visit], field: str) -> float:
    tp = fp = fn = 0
    for rid, g in gold.items():
        p = predicted.get(rid) or Visit()
        gs, ps = set(_as_divisions(getattr(g, field))), set(_as_divisions(getattr(p, field)))
        tp, fp, fn = tp + len(gs & ps), fp + len(ps - gs), fn + len(gs - ps)
    return PRF(tp, fp, fn).f1


def flat_figures(gold: dict[str, Visit], predicted: dict[str, Visit]) -> dict[str, float]:
    scores = visit_scores(gold, predicted)
    sides: dict[str, PRF] = scores["sides"]
    return {"visitor_f1": scores["visitor"].f1, "host_f1": scores["host"].f1,
            "visitor_division_f1": division_f1(gold, predicted, "visitor"),
            "host_division_f1": division_f1(gold, predicted, "host"), "dates_exact": scores["dates"],
            "leaders_f1": scores["leaders"].f1, "side_accuracy": scores["side_accuracy"],
            "visiting_f1": sides["visiting"].f1, "host_side_f1": sides["host"].f1, "other_f1": sides["other"].f1}


def fit_models(train: list[AnnotatedReport], c: float = 0.3) -> dict[str, VisitModel]:
    """The fitted models of the learned systems."""
    return {"learned": VisitModel(None, {"c": c, "fallback": "host"}).fit(train),
            "learned-parties": VisitModel(None, {"c": c, "fallback": "host", "parties": "learned"}).fit(train)}


def cross_validate_visits(reports: list[AnnotatedReport], k: int = 5, c: float = 0.3, use_meta: bool = False,
                          log: Callable[[str], None] = lambda m: None) -> dict:
    """Out-of-fold predictions of every system and their figures: pooled, per fold, and the folds' sd."""
    from evaluate.cv import report_folds

    reports = with_visits(reports)
    if len(reports) < 2:
        raise ValueError(f"{len(reports)} report(s) with a visit record: cross-validation needs at least 2")
    folds = report_folds([r.id for r in reports], k)
    predicted: dict[str, dict[str, Visit]] = {system: {} for system in SYSTEMS}
    for number, held_out in enumerate(folds, start=1):
        train = [r for r in reports if r.id not in held_out]
        test = [r for r in reports if r.id in held_out]
        models = fit_models(train, c)
        log(f"fold {number}/{len(folds)}: models fitted on {len(train)} reports, testing on {len(test)}")
        for system in SYSTEMS:
            predicted[system].update(predict_reports(test, system, models.get(system), use_meta))
    gold = {r.id: r.visit for r in reports}
    return summarize(gold, predicted, folds)


def summarize(gold: dict[str, Visit], predicted: dict[str, dict[str, Visit]], folds: list[list[str]]) -> dict:
    pooled = {system: flat_figures(gold, preds) for system, preds in predicted.items()}
    per_fold = {system: [flat_figures({rid: gold[rid] for rid in fold}, {rid: preds[rid] for rid in fold if rid in preds})
                         for fold in folds] for system, preds in predicted.items()}
    sd = {system: {key: (statistics.pstdev(f[key] for f in figures) if len(figures) > 1 else 0.0) for key in FIGURES}
          for system, figures in per_fold.items()}
    return {"pooled": pooled, "per_fold": per_fold, "sd": sd, "folds": folds, "predicted": predicted}


def markdown_table(summary: dict) -> str:
    systems = list(summary["pooled"])
    lines = ["| figure | " + " | ".join(f"{s} | sd" for s in systems) + " |",
             "|---|" + "---|---|" * len(systems)]
    single = len(summary["folds"]) < 2  # held out: no spread
    for key in FIGURES:
        cells = [f"{summary['pooled'][s][key]:.3f} | " + ("–" if single else f"{summary['sd'][s][key]:.3f}") for s in systems]
        lines.append(f"| {key} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def error_rows(gold: dict[str, Visit], predicted: dict[str, Visit]) -> list[dict]:
    """One row per wrong field of each report (for reading the errors)."""
    rows = []
    for rid, g in gold.items():
        p = predicted.get(rid) or Visit()
        for field in ("visitor", "host", "leaders"):
            if set(getattr(g, field)) != set(getattr(p, field)):
                rows.append({"report": rid, "field": field, "gold": "、".join(getattr(g, field)),
                             "predicted": "、".join(getattr(p, field))})
        if (g.start, g.end) != (p.start, p.end):
            rows.append({"report": rid, "field": "dates", "gold": f"{g.start}/{g.end}", "predicted": f"{p.start}/{p.end}"})
        for name, side in g.sides.items():
            if p.sides.get(name) != side:
                rows.append({"report": rid, "field": f"side {name}", "gold": side, "predicted": p.sides.get(name) or ""})
    return rows
