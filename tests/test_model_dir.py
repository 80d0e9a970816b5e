"""Where the model is found, and a damaged model directory reported by file."""

import shutil

import pytest

from kaocha import model_dir
from kaocha.model_dir import BrokenModel, ModelNotFound, check_model_dir, find_model, load_model

from conftest import ROOT


@pytest.fixture
def nowhere(tmp_path, monkeypatch):
    """A directory without models/, no $KAOCHA_MODEL, no installed package, no checkout."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KAOCHA_MODEL", raising=False)
    monkeypatch.setattr(model_dir, "package_installed", lambda name="zh_kaocha": False)
    monkeypatch.setattr(model_dir, "checkout_model", lambda: None)
    return tmp_path


def test_nothing_found_lists_every_place_and_what_to_do(nowhere):
    with pytest.raises(ModelNotFound) as caught:
        find_model()
    message = str(caught.value)
    for place in ("--model: not given", "$KAOCHA_MODEL: not set", "zh_kaocha: not installed",
                  str(nowhere / "models" / "model-best")):
        assert place in message
    assert "python -m training.train" in message and "kaocha package" in message


def test_explicit_places_that_hold_nothing_are_errors_not_skipped(nowhere, small_model, monkeypatch):
    monkeypatch.setenv("KAOCHA_MODEL", str(nowhere / "gone"))
    with pytest.raises(ModelNotFound, match=r"\$KAOCHA_MODEL= .*gone: does not exist"):
        find_model()
    with pytest.raises(ModelNotFound, match="--model .*also-gone: does not exist"):
        find_model(nowhere / "also-gone")
    monkeypatch.setenv("KAOCHA_MODEL", str(small_model))
    assert find_model() == small_model
    assert find_model(small_model) == small_model


def test_order_package_then_here_then_the_checkout(nowhere, small_model, monkeypatch):
    monkeypatch.setattr(model_dir, "checkout_model", lambda: small_model)
    assert find_model() == small_model
    here = nowhere / "models" / "model-best"
    shutil.copytree(small_model, here)
    assert find_model() == here.resolve()
    monkeypatch.setattr(model_dir, "package_installed", lambda name="zh_kaocha": True)
    assert find_model() == "zh_kaocha"


def test_the_checkout_of_an_editable_install_is_this_repository():
    assert model_dir.checkout_model() == ROOT / "models" / "model-best"


def test_score_finds_the_model_from_another_directory_through_the_variable(small_model, seeds_dir, tmp_path,
                                                                           monkeypatch):
    from typer.testing import CliRunner

    from kaocha.cli import app

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(model_dir, "package_installed", lambda name="zh_kaocha": False)
    result = CliRunner().invoke(app, ["score", str(sorted(seeds_dir.glob("*.txt"))[0])],
                                env={"KAOCHA_MODEL": str(small_model)})
    assert result.exit_code == 0, result.stderr
    assert f"model: {small_model}" in result.stderr and '"officials"' in result.stdout


def test_a_whole_model_passes_the_check(small_model):
    check_model_dir(small_model)


@pytest.mark.parametrize("damage, file, problem", [
    (lambda d: (d / "meta.json").write_text('{"lang": "zh", ', encoding="utf-8"), "meta.json", "truncated or corrupt"),
    (lambda d: (d / "tok2vec" / "model").write_bytes((d / "tok2vec" / "model").read_bytes()[:500]),
     "tok2vec/model", "truncated or corrupt"),
    (lambda d: (d / "kaocha_sentence_cats" / "coef.npy").write_bytes(b""), "kaocha_sentence_cats/coef.npy", "empty (0 bytes)"),
    (lambda d: (d / "kaocha_sentence_cats" / "idf.npy").unlink(), "kaocha_sentence_cats/idf.npy", "missing"),
    (lambda d: (d / "config.cfg").unlink(), "config.cfg", "missing"),
    (lambda d: (d / "ner" / "moves").unlink(), "ner/moves", "missing"),
])
def test_a_damaged_model_names_the_file_the_problem_and_the_fix(small_model, tmp_path, damage, file, problem):
    broken = tmp_path / "model"
    shutil.copytree(small_model, broken)
    damage(broken)
    with pytest.raises(BrokenModel) as caught:
        load_model(broken)
    message = str(caught.value)
    assert message.startswith(str(broken / file)) and problem in message
    assert "train it again" in message and "kaocha package" in message
