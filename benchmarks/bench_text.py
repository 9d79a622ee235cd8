"""Benchmark: the complaint-text pipeline against Kiwi's own tokenizer alone.

100,000 synthetic complaints (``wb.samples.complaints``) go, in one run, through

1. Kiwi alone: ``kiwipiepy.Kiwi(num_workers=2).tokenize`` over the raw texts;
2. the pipeline: ``wb.blocks.mask_complaints`` (personal information masked first),
   ``KoreanTokenizer`` (Kiwi with the user dictionary, POS filter, stop words), TF-IDF
   and NMF (``ComplaintTopics``).

Prints complaints/s of each stage, of the whole pipeline and of Kiwi alone, and the
ratio pipeline / Kiwi alone (goal: at least 0.5x, i.e. masking, filtering and the topic
model cost no more than tokenising). Both use two threads for Kiwi. CPU seconds (this
process, all threads) are printed beside wall time: on a machine shared with other work
the wall-time ratio swings with the load, the CPU-time ratio much less.

Run: ``.venv/bin/python benchmarks/bench_text.py [--rows N] [--workers W]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="complaints (default 100000)")
    parser.add_argument("--workers", type=int, default=2, help="Kiwi threads (default 2)")
    args = parser.parse_args()

    from kiwipiepy import Kiwi

    from workbench import blocks, samples

    start = time.perf_counter()
    texts = samples.complaints(n=args.rows, seed=0)["민원내용"].tolist()
    print(f"{len(texts):,} complaints generated in {time.perf_counter() - start:.1f} s")

    kiwi = Kiwi(num_workers=args.workers)
    kiwi.tokenize(texts[:10])  # load and warm up outside the timing, as below
    start, cpu = time.perf_counter(), time.process_time()
    alone = list(kiwi.tokenize(texts))
    kiwi_seconds = time.perf_counter() - start
    kiwi_cpu = time.process_time() - cpu
    assert len(alone) == len(texts)

    tokenizer = blocks.KoreanTokenizer(num_workers=args.workers)
    tokenizer.tokenize(texts[:10])  # loads Kiwi and its user dictionary
    stages: dict[str, float] = {}
    cpu = time.process_time()
    start = time.perf_counter()
    masked = blocks.mask_complaints(texts)
    stages["masking"] = time.perf_counter() - start
    start = time.perf_counter()
    tokens = tokenizer.tokenize(masked)
    stages["tokenising"] = time.perf_counter() - start
    start = time.perf_counter()
    documents = np.asarray(blocks.token_documents(tokens), dtype=object)
    topics = blocks.ComplaintTopics(n_topics=6, seed=0).fit(documents)
    stages["TF-IDF + NMF"] = time.perf_counter() - start
    pipeline_seconds = sum(stages.values())
    pipeline_cpu = time.process_time() - cpu

    n = len(texts)
    for name, seconds in stages.items():
        print(f"  {name:<14} {seconds:7.1f} s  {n / seconds:>10,.0f} complaints/s")
    for name, seconds, cpu_seconds in (
        ("pipeline", pipeline_seconds, pipeline_cpu),
        ("Kiwi alone", kiwi_seconds, kiwi_cpu),
    ):
        print(
            f"{name:<14} {seconds:7.1f} s  {n / seconds:>10,.0f} complaints/s"
            f"  (CPU {cpu_seconds:.1f} s)"
        )
    ratio = kiwi_seconds / pipeline_seconds
    print(f"ratio pipeline / Kiwi alone: {ratio:.2f}x wall (goal >= 0.5x), ", end="")
    print(f"{kiwi_cpu / pipeline_cpu:.2f}x CPU")
    print("topics:", ", ".join(topics.names_))


if __name__ == "__main__":
    main()
