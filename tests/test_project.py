"""project.yml: the workflow names every step, and every step calls code that exists."""

import importlib.util
import shlex
import subprocess
import sys

from weasel.util import load_project_config

from conftest import ROOT


def test_workflow_all_lists_every_step_in_order():
    config = load_project_config(ROOT)
    names = [c["name"] for c in config["commands"]]
    assert config["workflows"]["all"] == ["check", "convert", "word-vectors", "train", "evaluate", "heldout", "visit", "learning-curve", "package", "bench"]
    assert set(config["workflows"]["all"]) <= set(names)
    result = subprocess.run([sys.executable, "-m", "spacy", "project", "run", "all", ".", "--dry"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    positions = [result.stdout.find(f" {name} ") for name in config["workflows"]["all"]]
    assert all(p >= 0 for p in positions) and positions == sorted(positions)


def test_every_step_runs_an_existing_module_or_command():
    for command in load_project_config(ROOT)["commands"]:
        for line in command["script"]:
            words = shlex.split(line)
            if words[0] == "kaocha":
                continue
            assert words[1] == "-m", line
            assert importlib.util.find_spec(words[2]) is not None, f"{command['name']}: no module {words[2]}"


def test_deps_are_files_of_the_repository_or_outputs_of_earlier_steps():
    config = load_project_config(ROOT)
    produced = set()
    for name in config["workflows"]["all"]:
        command = next(c for c in config["commands"] if c["name"] == name)
        for dep in command.get("deps", []):
            assert (ROOT / dep).exists() or dep in produced, f"{name}: {dep}"
        produced.update(command.get("outputs", []))
