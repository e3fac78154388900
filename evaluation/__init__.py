"""Dev-only: the extractor's evaluation (labelled sets and metrics); not shipped in the wheel.

Used by `bench/eval_extract.py` and the quality tests.
"""
