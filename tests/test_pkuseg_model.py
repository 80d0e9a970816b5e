"""The pkuseg model fetcher and the pkuseg config, without the network or the 180 MB model."""

import zipfile

import pytest

from training import pkuseg_model
from training.data import TrainingDataError
from training.train import build_nlp

from conftest import ROOT


def fake_wheel(path):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("pkuseg/models/default/features.pkl", b"features")
        archive.writestr("pkuseg/models/default/weights.npz", b"weights")
        archive.writestr("pkuseg/__init__.py", b"")
    return path


def test_extract_writes_only_the_two_model_files(tmp_path):
    target = tmp_path / "pkuseg-default"
    assert not pkuseg_model.is_complete(target)
    pkuseg_model.extract_model(fake_wheel(tmp_path / "w.whl"), target)
    assert sorted(p.name for p in target.iterdir()) == ["features.pkl", "weights.npz"]
    assert (target / "weights.npz").read_bytes() == b"weights"
    assert pkuseg_model.is_complete(target)


def test_an_existing_model_is_not_fetched_again(tmp_path, monkeypatch, capsys):
    pkuseg_model.extract_model(fake_wheel(tmp_path / "w.whl"), tmp_path / "m")
    monkeypatch.setattr(pkuseg_model, "download_wheel", lambda into: pytest.fail("downloaded although present"))
    pkuseg_model.main(tmp_path / "m")
    assert "already holds" in capsys.readouterr().out


def test_a_wheel_that_is_not_the_pinned_one_is_refused(tmp_path, monkeypatch):
    def fake_pip(command, check):
        fake_wheel(tmp_path / "dl" / pkuseg_model.WHEEL)
    (tmp_path / "dl").mkdir()
    monkeypatch.setattr(pkuseg_model.subprocess, "run", fake_pip)
    with pytest.raises(RuntimeError, match="not the pinned wheel"):
        pkuseg_model.download_wheel(tmp_path / "dl")


def test_pkuseg_config_without_the_model_says_how_to_fetch_it(tmp_path):
    with pytest.raises(TrainingDataError, match="training.pkuseg_model"):
        build_nlp(ROOT / "configs" / "ner_pkuseg.cfg", {"initialize.tokenizer.pkuseg_model": str(tmp_path / "absent")})
