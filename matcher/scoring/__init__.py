"""Match scores: the config (`config`), the per-pair reference scorer that explains a score
(`pair`), the vectorised all-pairs kernel (`matrices`, `kernel`) and the top-K selection
with the reuse of stored explanations (`topk`). Tests hold the kernel to the pair scorer.
"""
