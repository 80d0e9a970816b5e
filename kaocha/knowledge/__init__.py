"""Versioned rule knowledge: each version is a rules module with its own data files.

* ``v1`` is frozen with the regex baseline (never edited);
* ``v2`` started as a copy of ``v1`` and is what the model's features use.

A pipeline config picks a version with ``rules = {"@misc": "kaocha.rules.v2"}``
(registered here and through the ``spacy_misc`` entry point, so a saved model
names its rules by version and loading it runs no stored code).
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from spacy.util import registry

VERSIONS = ("v1", "v2")
LATEST = VERSIONS[-1]


def rules(version: str = LATEST) -> ModuleType:
    """The rules module of a knowledge version (``find_entities``, ``categorize``, …)."""
    if version not in VERSIONS:
        raise ValueError(f"unknown rule knowledge version {version!r}; known: {', '.join(VERSIONS)}")
    return import_module(f"kaocha.knowledge.{version}.rules")


def lexicon(version: str = LATEST) -> ModuleType:
    """The word lists of a knowledge version (``surnames``, ``cue_words``, …)."""
    if version not in VERSIONS:
        raise ValueError(f"unknown rule knowledge version {version!r}; known: {', '.join(VERSIONS)}")
    return import_module(f"kaocha.knowledge.{version}.lexicon")


@registry.misc("kaocha.rules.v1")
def rules_v1() -> ModuleType:
    return rules("v1")


@registry.misc("kaocha.rules.v2")
def rules_v2() -> ModuleType:
    return rules("v2")
