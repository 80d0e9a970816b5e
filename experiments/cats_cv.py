"""`python -m experiments.cats_cv [--c 4 --ngram-max 3 --rule-weight 2 ...]`: the
sentence categorizer alone in grouped cross-validation.

The categorizer (`kaocha.components.sentence_cats`) is fitted at
initialization and never touched by the NER's training steps, so its
settings can be compared in seconds instead of a full `python -m evaluate`
round. Same folds (`evaluate.cv.report_folds`) and the same scoring
(`evaluate.scoring`) as the evaluation; the fitted model sees only each
fold's training reports.
"""

from __future__ import annotations

import statistics
from pathlib import Path

import spacy
import typer
from spacy.training import Example

from evaluate.baseline import RegexBaseline
from evaluate.cv import report_folds
from evaluate.scoring import fold_figures, score_system
from evaluate.systems import Prediction
from kaocha.annotations.validate import load_gold
from kaocha.components.sentence_cats import SentenceCategorizer
from kaocha.knowledge import rules as rules_version
from kaocha.labels import CATEGORY_LABELS
from kaocha.sentences import sentence_spans
from training.convert import DEFAULT_GOLD, sentence_docs


def sentence_examples(nlp, reports) -> list[Example]:
    """What the categorizer is fitted on in training: `training.convert.sentence_docs`
    (one sentence Doc with its gold entities and cats) as examples."""
    return [Example(doc, doc) for report in reports for doc in sentence_docs(nlp, report)]


def out_of_fold(reports, folds, settings: dict, rules: str = "v2", word_vectors: Path | None = None) -> dict[str, Prediction]:
    """Out-of-fold sentence scores; with ``word_vectors`` the LAC word features run before the categorizer."""
    nlp = spacy.blank("zh")
    if word_vectors is not None:
        nlp.add_pipe("kaocha_word_features")
        settings = {**settings, "words_from": "kaocha_word_features"}
    predictions = {}
    for held_out in map(set, folds):
        categorizer = SentenceCategorizer(nlp, "cats", rules_version(rules), **settings)
        training = sentence_examples(nlp, [r for r in reports if r.id not in held_out])
        categorizer.initialize(lambda: training, nlp=nlp, word_vectors=word_vectors)
        held = [r for r in reports if r.id in held_out]
        docs = nlp.pipe(r.text for r in held)  # the word features, when there
        for report, doc in zip(held, categorizer.pipe(docs)):
            predictions[report.id] = Prediction([], [(s["start"], s["end"], s["cats"]) for s in doc._.sentence_cats])
    return predictions


def spacy_bow_out_of_fold(reports, folds, ngram_size: int, epochs: int, threshold: float) -> dict[str, Prediction]:
    """spaCy's own ``textcat_multilabel`` (bag of character n-grams, `spacy.TextCatBOW.v3`)
    fitted on the same sentences, for comparison with the scikit-learn categorizer."""
    import random

    from spacy.util import minibatch

    predictions = {}
    for held_out in map(set, folds):
        nlp = spacy.blank("zh")
        nlp.add_pipe("textcat_multilabel", config={"threshold": threshold, "model": {
            "@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": False, "ngram_size": ngram_size,
            "no_output_layer": False, "length": 262144}})
        training = sentence_examples(nlp, [r for r in reports if r.id not in held_out])
        optimizer = nlp.initialize(lambda: training)
        rng = random.Random(0)
        for _ in range(epochs):
            rng.shuffle(training)
            for batch in minibatch(training, 32):
                nlp.update(batch, sgd=optimizer, drop=0.1)
        for report in (r for r in reports if r.id in held_out):
            spans = sentence_spans(report.text)
            docs = nlp.pipe(report.text[s:e] for s, e in spans)
            predictions[report.id] = Prediction([], [(s, e, dict(doc.cats)) for (s, e), doc in zip(spans, docs)])
    return predictions


def main(
    gold: Path = typer.Option(DEFAULT_GOLD, help="Standoff gold annotations."),
    folds: int = typer.Option(5),
    c: float = typer.Option(4.0),
    ngram_max: int = typer.Option(3),
    rule_weight: float = typer.Option(2.0),
    mask_entities: bool = typer.Option(False, help="Keyword votes on sentences with the rules' entities masked."),
    rules: str = typer.Option("v2", help="Rule knowledge version for the keyword votes."),
    threshold: float = typer.Option(0.5),
    word_vectors: Path = typer.Option(None, help="Directory of `python -m training.word_vectors`: add the mean word vectors."),
    vector_weight: float = typer.Option(2.0, help="Weight of the mean word vector (with --word-vectors)."),
    spacy_bow: bool = typer.Option(False, help="Also fit spaCy's textcat_multilabel (BOW, n-grams up to --ngram-max)."),
    bow_epochs: int = typer.Option(10),
) -> None:
    """Print category macro-F1 (and per label) of the categorizer and the regex baseline, ± fold sd."""
    reports = load_gold(gold)
    fold_ids = report_folds([r.id for r in reports], folds)
    settings = {"threshold": threshold, "c": c, "ngram_max": ngram_max, "rule_weight": rule_weight,
                "mask_entities": mask_entities, "vector_weight": vector_weight if word_vectors else 0.0}
    systems = {"categorizer": out_of_fold(reports, fold_ids, settings, rules, word_vectors),
               "baseline": RegexBaseline().predict({r.id: r.text for r in reports})}
    if spacy_bow:
        systems["spacy BOW"] = spacy_bow_out_of_fold(reports, fold_ids, ngram_max, bow_epochs, threshold)
    print(f"{len(fold_ids)}-fold CV grouped by report over {len(reports)} reports; categorizer {settings}, rules {rules}")
    for name, predictions in systems.items():
        figures = score_system(reports, predictions, threshold)
        spread = statistics.pstdev(f["cats_macro_f1"] for f in fold_figures(reports, predictions, fold_ids, threshold))
        per_label = " ".join(f"{label} {figures[f'{label}_f1']:.3f}" for label in CATEGORY_LABELS)
        print(f"{name:12s} macro-F1 {figures['cats_macro_f1']:.3f} ± {spread:.3f}  |  {per_label}")


if __name__ == "__main__":
    typer.run(main)
