"""Rule knowledge, version 1: FROZEN. The regex baseline reads this version.

Never edit a file here (tests/test_baseline.py pins every one by hash, and the
baseline's outputs on every corpus report). Improve the rules in the newest
version instead.
"""
