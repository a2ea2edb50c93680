"""How fast could a saved query answer at best on the embedded store? A lower bound per query.

    .venv/bin/python bench/answer_floor.py STORE_DIR [--runs 20] [--over 50]

Whatever plan or materialized summary a query uses, Oxigraph must still produce every value
of its answer. This script runs each saved query (default parameters) on the built store,
writes its answer as a table (one node per row, one predicate per column) into a fresh
store of the same kind (persisted, and in memory), and times reading the values back
column by column with one single-pattern scan each: no join, no filter, no sort. The sum
is the cost of emitting the answer's values alone, a floor no rewrite can beat on this
engine. It prints, per query: rows, values, the saved query's p50, and the floor p50 on
disk and in memory (milliseconds). Only queries whose p50 is over --over ms are tabled.

Nothing here is a test; it prints figures.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from kgbuild.queries import bindings, catalog
from kgbuild.store import substitute

COLUMN = "urn:kgbuild:answer-floor:column:"


def p50(run, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def answer_table(store: ox.Store, text: str) -> tuple[list[ox.Quad], int, int, int]:
    """The answer as quads, with its row count, value count and column count."""
    solutions = store.query(text, use_default_graph_as_union=True)
    columns = [v.value for v in solutions.variables]
    quads, rows, values = [], 0, 0
    for rows, solution in enumerate(solutions, 1):
        row = ox.BlankNode(f"r{rows}")
        for index, value in enumerate(solution):
            if value is not None:
                quads.append(ox.Quad(row, ox.NamedNode(f"{COLUMN}{index}"), value, ox.DefaultGraph()))
                values += 1
    return quads, rows, values, len(columns)


def column_scans(store: ox.Store, columns: int) -> None:
    for index in range(columns):
        for solution in store.query(f"SELECT ?v WHERE {{ ?row <{COLUMN}{index}> ?v }}"):
            solution[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path, help="a built store folder (kgbuild build writes OUT/store)")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--over", type=float, default=50.0, help="table only queries slower than this (ms)")
    args = parser.parse_args()
    built = ox.Store.read_only(str(args.store))
    print("| query | rows | values | saved query p50 | floor on disk | floor in memory |")
    print("|---|---|---|---|---|---|")
    for name, query in catalog().items():
        if query.form != "select":
            continue
        text = substitute(query.text, bindings(query, {}))
        measured = p50(lambda: [list(s) for s in built.query(text, use_default_graph_as_union=True)], args.runs)
        if measured <= args.over:
            continue
        quads, rows, values, columns = answer_table(built, text)
        with tempfile.TemporaryDirectory() as folder:
            disk = ox.Store(folder)
            disk.extend(quads)
            disk.flush()
            disk.optimize()
            on_disk = p50(lambda: column_scans(disk, columns), args.runs)
            del disk
        memory = ox.Store()
        memory.extend(quads)
        in_memory = p50(lambda: column_scans(memory, columns), args.runs)
        print(f"| {name} | {rows:,} | {values:,} | {measured:.1f} | {on_disk:.1f} | {in_memory:.1f} |")


if __name__ == "__main__":
    main()
