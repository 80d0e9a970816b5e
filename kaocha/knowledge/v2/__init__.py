"""Rule knowledge, version 2: the version the model's features read (configs name it).

Started as a copy of version 1; it may change, each change judged by grouped
cross-validation (experiments/EXPERIMENTS.md). Version 1 stays frozen for the
baseline.
"""
