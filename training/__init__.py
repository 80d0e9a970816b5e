"""Training: from hand annotations to a saved spaCy pipeline (run from a checkout)."""
