"""`kaocha package` builds a pipeline package that spacy.load("zh_kaocha") reads after install."""

import os
import subprocess
import sys

from typer.testing import CliRunner

from kaocha.cli import app


def test_package_installs_and_loads_by_name(small_model, tmp_path):
    result = CliRunner().invoke(app, ["package", "--model", str(small_model), "--output", str(tmp_path / "dist")])
    assert result.exit_code == 0, result.output
    archive = next((tmp_path / "dist").glob("zh_kaocha-*/dist/zh_kaocha-*.tar.gz"))
    card = next((tmp_path / "dist").glob("zh_kaocha-*/README.md")).read_text(encoding="utf-8")
    assert "Intended use" in card and "Training data" in card and "Limits" in card
    target = tmp_path / "site"
    install = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(archive)],
                             capture_output=True, text=True)
    assert install.returncode == 0, install.stderr[-2000:]
    code = "import spacy; nlp = spacy.load('zh_kaocha'); print(nlp.meta['name'], nlp.pipe_names[-1], len(nlp('北京市委书记尹力考察。').ents) >= 0)"
    load = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": str(target)})
    assert load.returncode == 0, load.stderr[-2000:]
    assert load.stdout.split() == ["kaocha", "kaocha_visit", "True"]
