"""Benchmark the build at scale against the naive stack, in one run.

    .venv/bin/python bench/bench.py [--docs 3,30,320,1000] [--cap 600] [--no-naive] [--work DIR]

For each corpus size (documents written by the synthetic generator, kgbuild.synth, in the
three real layouts, with their ground truth) it prints:
  - the full build (read -> map -> align -> reason -> validate -> write): seconds per stage,
    peak RSS and quads; each build runs in its own process, so peak RSS is that build's;
  - nothing lost: the ground truth's recommendations and key actions against the graph;
  - the naive stack on the same documents, each step in its own process capped at --cap
    seconds (a capped step counts as the cap): rdflib parse of the N-Quads, owlrl's OWL 2 RL
    closure, pySHACL over the data graph; and the ratio naive / build;
  - the growth exponent of each stage from the smallest to the largest size of the run.
On the largest size below 1,500 documents with about 1M quads (320 documents by default) it
also times every saved query (p50 / p95 over 20 runs on the persisted store, the engine alone
and through kgbuild's query API), `kgbuild query`
as a command, and an incremental rebuild after one document changed.

Nothing here is a test; it prints figures and ratios, and needs a few minutes per size.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PY = sys.executable

BUILD_CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from kgbuild.build import build
started = time.perf_counter()
result = build(Path(sys.argv[1]), Path(sys.argv[2]), progress=lambda m: None)
total = time.perf_counter() - started
print(json.dumps({"stages": result.timings, "total": total, "quads": len(result.store),
                  "reread": result.reread, "violations": result.validation.violations,
                  "classes": result.counts,
                  "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

NAIVE_CHILD = {
    "rdflib parse": r"""
import sys
from rdflib import Dataset
Dataset().parse(sys.argv[1], format="nquads")
""",
    "owlrl closure": r"""
import sys
import owlrl
from rdflib import Graph
graph = Graph().parse(sys.argv[1], format="nt")
owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(graph)
""",
    "pySHACL": r"""
import sys
from pathlib import Path
from pyshacl import validate
from rdflib import Graph
data = Graph().parse(sys.argv[1], format="nt")
shapes = Graph()
for path in sorted(Path(sys.argv[2]).glob("*.ttl")):
    shapes.parse(path, format="turtle")
ontology = Graph().parse(sys.argv[3], format="nt")
validate(data, shacl_graph=shapes, ont_graph=ontology, inference="none", allow_infos=True, allow_warnings=True,
         advanced=True)
""",
}


def run_child(code: str, *args: str, timeout: float | None = None) -> tuple[float, str | None, bool]:
    """Seconds, stdout and whether the child hit the cap."""
    started = time.perf_counter()
    try:
        done = subprocess.run([PY, "-c", code, *args], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return timeout or 0.0, None, True
    if done.returncode != 0:
        raise SystemExit(f"child failed:\n{done.stderr[-3000:]}")
    return time.perf_counter() - started, done.stdout, False


def naive(out: Path, cap: float) -> dict[str, tuple[float, bool]]:
    """The naive card stack over the graph the build wrote (the data graph for pySHACL is
    every graph but the ontology and the reasoner's output, as the old pipeline had it)."""
    nquads = out / "kgbuild.nq"
    data, ontology = out / "naive-data.nt", out / "naive-ontology.nt"
    with nquads.open("rb") as source, data.open("wb") as d, ontology.open("wb") as o:
        for line in source:
            graph = line.rsplit(b" ", 2)[-2]
            triple = line.rsplit(b" ", 2)[0] + b" .\n"
            if graph.endswith(b"/graph/ontology>"):
                o.write(triple)
            elif not graph.endswith(b"/graph/inferred/reasoning>"):
                d.write(triple)
    root = Path(__file__).resolve().parents[1]
    steps = {}
    for name, code in NAIVE_CHILD.items():
        args = {"rdflib parse": [str(nquads)], "owlrl closure": [str(data)],
                "pySHACL": [str(data), str(root / "shapes"), str(ontology)]}[name]
        seconds, _, capped = run_child(code, *args, timeout=cap)
        steps[name] = (seconds, capped)
        print(f"    naive {name}: {'>' if capped else ''}{seconds:.1f}s{' (capped)' if capped else ''}", flush=True)
    return steps


def nothing_lost(sources: Path, out: Path) -> str:
    """Ground truth of the generator against the documents as read (every field of every
    recommendation and key action) and against the persisted store (counts)."""
    from kgbuild.store import OxigraphStore
    from kgbuild.synth import check_corpus, default_truth_dir, load_truth
    fields = check_corpus(sources)
    truth = load_truth(default_truth_dir(sources))
    expected_recs = sum(len(t.get("recommendations", [])) for t in truth.values())
    expected_actions = sum(len(r.get("key_actions", [])) for t in truth.values() for r in t.get("recommendations", []))
    store = OxigraphStore(out / "store", read_only=True)
    (row,) = store.select("SELECT (COUNT(DISTINCT ?r) AS ?recs) (COUNT(DISTINCT ?a) AS ?actions) WHERE { "
                          "{ ?r a kgb:Recommendation } UNION { ?a a kgb:KeyAction } }")
    recs, actions = int(row[0]), int(row[1])
    ok = recs == expected_recs and actions == expected_actions and not fields["documents_with_differences"]
    return (f"{'OK' if ok else 'LOST'}: {recs}/{expected_recs} recommendations, "
            f"{actions}/{expected_actions} key actions in the graph; fields differ in "
            f"{fields['documents_with_differences']} of {fields['documents']} documents")


def time_queries(store_dir: Path, runs: int = 20) -> list[tuple[str, float, float, float, float, float, int]]:
    """Per saved query (default parameters): p50 and p95 of the engine alone, every solution
    of pyoxigraph read and every value materialized as a term; p50 and p95 through
    kgbuild's query API (`queries.run`: the same, then each term converted to rdflib's);
    and p50 of the answer as SPARQL JSON written by the engine (`Store.select_as`: what the
    server and `kgbuild query -f json` send)."""
    import pyoxigraph as ox

    from kgbuild.queries import bindings, catalog, run
    from kgbuild.store import OxigraphStore, substitute
    store = OxigraphStore(store_dir, read_only=True)
    engine = ox.Store.read_only(str(store_dir))

    def percentiles(call) -> tuple[float, float]:
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            call()
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        return statistics.median(times), times[max(0, math.ceil(0.95 * runs) - 1)]

    out = []
    for name, query in catalog().items():
        terms = bindings(query, {})
        text = substitute(query.text, terms) if terms else query.text
        rows = len(run(store, query).rows)
        engine_p50, engine_p95 = percentiles(
            lambda: [list(solution) for solution in engine.query(text, use_default_graph_as_union=True)])
        api_p50, api_p95 = percentiles(lambda: run(store, query))
        json_p50, _ = percentiles(lambda: store.select_as(query.text, terms, "json"))
        out.append((name, engine_p50, engine_p95, api_p50, api_p95, json_p50, rows))
    return out


def print_query_times(timed: list) -> None:
    for name, engine_p50, engine_p95, api_p50, api_p95, json_p50, rows in timed:
        print(f"    {name:<48} engine p50 {engine_p50:6.1f} p95 {engine_p95:6.1f}   "
              f"API p50 {api_p50:6.1f} p95 {api_p95:6.1f}   JSON p50 {json_p50:6.1f}  ({rows} rows)")
    print(f"  p50 <= 50 ms: engine {sum(t[1] <= 50 for t in timed)} of {len(timed)}, "
          f"API {sum(t[3] <= 50 for t in timed)} of {len(timed)}, JSON {sum(t[5] <= 50 for t in timed)} "
          f"of {len(timed)}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", default="2,40,400,1000",
                        help="corpus sizes in documents, comma-separated (default: about 1e4, 1e5 and 1e6 quads, "
                             "and 1,000 documents)")
    parser.add_argument("--cap", type=float, default=600.0, help="seconds a naive step may run (default 600)")
    parser.add_argument("--no-naive", action="store_true", help="skip the naive stack")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, help="folder for corpora and builds (default: a temporary one)")
    parser.add_argument("--queries-on", type=Path, metavar="STORE",
                        help="only time the saved queries on this built store folder, and stop")
    args = parser.parse_args()
    if args.queries_on:
        print(f"machine: {os.cpu_count()} cores; saved queries on {args.queries_on} (ms, 20 runs)")
        print_query_times(time_queries(args.queries_on))
        return
    from kgbuild.synth import generate
    sizes = [int(n) for n in args.docs.split(",")]
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; naive cap {args.cap:.0f}s")
    work = args.work or Path(tempfile.mkdtemp(prefix="kgbuild-bench-"))
    results = {}
    for docs in sizes:
        sources, out = work / f"corpus-{docs}", work / f"build-{docs}"
        if not sources.exists():
            summary = generate(sources, docs, seed=args.seed)
            print(f"\n== {docs} documents: generated {summary.key_actions} key actions in {summary.seconds:.1f}s")
        else:
            print(f"\n== {docs} documents")
        seconds, stdout, _ = run_child(BUILD_CHILD, str(sources), str(out))
        figures = json.loads(stdout.strip().splitlines()[-1])
        stages = ", ".join(f"{name} {s:.2f}s" for name, s in figures["stages"].items())
        print(f"  build: {figures['total']:.1f}s ({stages}); {figures['quads']:,} quads; "
              f"peak RSS {figures['rss_mib']:.0f} MiB; {figures['violations']} violations", flush=True)
        print(f"  nothing lost: {nothing_lost(sources, out)}", flush=True)
        results[docs] = figures
        # The queries first, on the store as its build left it (as a user queries a fresh
        # build), not after the naive stack's many minutes and gigabytes.
        if 200 <= docs < 1000 and "queries" not in results:
            results["queries"] = docs
            print(f"  saved queries on the {figures['quads']:,}-quad store (ms, 20 runs): the engine "
                  f"(pyoxigraph, every value read), through kgbuild's API (values as rdflib terms), "
                  f"and the answer as SPARQL JSON written by the engine")
            print_query_times(time_queries(out / "store"))
            started = time.perf_counter()
            done = subprocess.run([PY, "-m", "kgbuild.cli", "query", "cq05-action-status-counts", "-f", "csv",
                                   "--input", str(out / "store")], capture_output=True, text=True)
            print(f"  `kgbuild query cq05-action-status-counts` as a command: "
                  f"{time.perf_counter() - started:.2f}s (exit {done.returncode})")
        if not args.no_naive and docs < 1000:
            steps = naive(out, args.cap)
            total = sum(s for s, _ in steps.values())
            capped = any(c for _, c in steps.values())
            print(f"  naive stack: {'≥' if capped else ''}{total:.0f}s; ratio naive / build "
                  f"{'≥ ' if capped else ''}{total / figures['total']:.1f}x", flush=True)
        if docs >= 1000:
            changed = sorted(sources.glob("*.txt"))[docs // 2]
            changed.write_text(changed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
            seconds, stdout, _ = run_child(BUILD_CHILD, str(sources), str(out))
            again = json.loads(stdout.strip().splitlines()[-1])
            print(f"  rebuild after one document changed: {again['total']:.1f}s, "
                  f"{again['reread']} document(s) re-read", flush=True)
    sized = [d for d in sizes if d in results]
    if len(sized) >= 2:
        small, large = results[sized[0]], results[sized[-1]]
        ratio = math.log(large["quads"] / small["quads"])
        print(f"\ngrowth exponents from {small['quads']:,} to {large['quads']:,} quads "
              f"(1 = linear; n log n over this range ≈ {1 + math.log(math.log(large['quads']) / math.log(small['quads'])) / ratio:.2f}):")
        for stage in large["stages"]:
            a, b = small["stages"].get(stage), large["stages"][stage]
            if a and b and a > 0:
                print(f"  {stage:<10} {math.log(b / a) / ratio:5.2f}")
        print(f"  {'total':<10} {math.log(large['total'] / small['total']) / ratio:5.2f}")


if __name__ == "__main__":
    main()
