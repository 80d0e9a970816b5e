"""`kaocha package`: an installable pipeline package (``zh_kaocha``) built
with ``spacy package``, with a model card and the training provenance.

The pipeline's custom components come from the ``kaocha`` package (spaCy
entry points), so the built package requires ``kaocha``; install this
repository first (``pip install -e .``), then the built archive.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import typer

from kaocha import __version__

CARD = """# zh_kaocha {version}

Chinese pipeline of **kaocha** (考察): finds officials (OFFICIAL), their posts
(POST) and the venues visited (VENUE) in reports of party-and-government
delegation visits (党政代表团学习考察), and scores each sentence for nine
cooperation areas ({areas}).

    import spacy
    nlp = spacy.load("zh_kaocha")
    doc = nlp(normalized_text)      # kaocha.normalize.normalize(raw_text)
    doc.ents, doc._.sentence_cats

or, for officials with linked posts, venues and report-level areas:
`kaocha.extract(raw_text, nlp)`.

## Intended use
Turning many reports of this genre into data for research on Chinese
government (who visited, in which posts, where, on which topics). Not for
other genres: the model has seen only delegation-visit reports, and its
output is a draft for analysis, not a verified record.

## Training data
{n_reports} hand-annotated reports (annotation spec v1.4; annotations file
sha256: {gold_hash}). Dev reports: {dev}. Characters are tokens; the generic
rules (`kaocha.knowledge`, the version the config names) are features, not
fixed output.

## Figures
Dev-set scores of this model (the dev reports were not trained on):
{metrics}

Cross-validated comparisons with the regex baseline are in the project's
README and training/EXPERIMENTS.md.

## Limits
Few training reports; long venue names are its weakest label. Text must be
normalized (spec §1) first; `kaocha.extract` does that. Trained with spaCy
{spacy_version}.
"""


def package(
    model: Path = typer.Option(Path("models/model-best"), "--model", help="Trained model directory."),
    output: Path = typer.Option(Path("dist"), "--output", help="Where the package source and archive go."),
    version: str = typer.Option(__version__, "--version", help="Package version."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing package directory."),
) -> None:
    """Build an installable pipeline package (pip install it, then spacy.load("zh_kaocha"))."""
    from spacy.cli.package import package as spacy_package

    if not (model / "config.cfg").exists():
        typer.echo(f"error: no trained model at {model}; train one with `python -m training.train configs/ner.cfg`", err=True)
        raise typer.Exit(2)
    meta = json.loads((model / "meta.json").read_text(encoding="utf-8"))
    provenance = meta.get("kaocha", {})
    performance = meta.get("performance", {})
    metrics = "\n".join(f"- {k}: {v:.3f}" for k, v in sorted(performance.items())
                        if isinstance(v, (int, float)) and k in ("ents_f", "ents_p", "ents_r", "cats_macro_f")) or "- (none recorded)"
    cats = meta.get("labels", {}).get("kaocha_sentence_cats") or []
    with tempfile.TemporaryDirectory(prefix="kaocha-package-") as tmp:
        staged = Path(tmp) / "model"
        shutil.copytree(model, staged)
        meta.update({
            "name": "kaocha", "version": version,
            "description": "Officials, posts, venues and cooperation areas in Chinese delegation-visit reports",
            "license": "MIT", "author": "kaocha contributors",
            "requirements": sorted(set(meta.get("requirements", [])) | {"kaocha"}),
        })
        (staged / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
        (staged / "README.md").write_text(CARD.format(
            version=version, areas=", ".join(cats) or "nine areas",
            n_reports=len(provenance.get("train_reports", [])) + len(provenance.get("dev_reports", [])) or "?",
            gold_hash=", ".join(f"{path} {digest}" for path, digest in provenance.get("annotations", {}).items()) or "?", dev=", ".join(provenance.get("dev_reports", [])) or "?",
            metrics=metrics, spacy_version=meta.get("spacy_version", "?")), encoding="utf-8")
        output.mkdir(parents=True, exist_ok=True)
        spacy_package(staged, output, create_sdist=True, force=force, silent=True)
    archives = sorted(output.glob(f"zh_kaocha-{version}/dist/*.tar.gz"))
    if not archives:
        typer.echo(f"error: spacy package wrote no archive under {output}", err=True)
        raise typer.Exit(1)
    typer.echo(f"built {archives[-1]}\ninstall: pip install {archives[-1]}\nthen: spacy.load(\"zh_kaocha\")")
