"""Evaluation: the regex baseline and the model compared on reports the model did not train on."""
