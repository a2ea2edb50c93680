"""Benchmark the pipeline: seconds per stage, peak memory, and the aligner's evaluation.

    .venv/bin/python bench/bench.py [--runs N]

Prints one line per run and the median per stage; nothing here is a test.
"""
from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from pathlib import Path

from kgbuild import paths
from kgbuild.align_eval import ablation, dev_set
from kgbuild.build import build


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    timings: dict[str, list[float]] = {}
    for run in range(1, args.runs + 1):
        with tempfile.TemporaryDirectory() as out:
            started = time.perf_counter()
            result = build(paths.sources_dir(), Path(out))
            total = time.perf_counter() - started
        for stage, seconds in [*result.timings.items(), ("total", total)]:
            timings.setdefault(stage, []).append(seconds)
        print(f"run {run}: " + ", ".join(f"{s} {v:.2f}s" for s, v in result.timings.items())
              + f", total {total:.2f}s, {len(result.kg)} triples")
    print("median: " + ", ".join(f"{s} {statistics.median(v):.2f}s" for s, v in timings.items()))
    framework = next(p for p in sorted(paths.sources_dir().glob("*.txt")) if "unsdcf" in p.name)
    started = time.perf_counter()
    dev = dev_set(framework)
    rows = ablation(dev)
    print(f"eval-align: {len(dev)} sentences, {len(rows)} configurations in {time.perf_counter() - started:.2f}s; "
          f"all signals target P@1 {rows[0][1]['target_p1']:.3f}, goal P@1 {rows[0][1]['goal_p1']:.3f}")
    print(f"peak memory (max RSS): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
