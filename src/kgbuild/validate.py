"""The validation gate: shapes/*.ttl against the data graphs of the store.

The data graph is every named graph but the ontology and the reasoner's output: what was
read, the reference lists and the alignments. The ontology supplies the class axioms: the
rdfs:subClassOf closure that sh:class and sh:targetClass use (pySHACL's ontology graph);
its own terms are never validated as data.

Two engines give the same results (tests/test_shacl_engine.py proves it):
- "sparql" (default): the shapes compiled to whole-graph SPARQL (`kgbuild.shacl_sparql`),
  one query per constraint on the store; linear in the size of the graph.
- "pyshacl": the reference. The data and ontology graphs are copied into rdflib and
  pySHACL runs as it always did; slow (per focus node), kept to check the compiler.

Each result is located in its source document and line by one batched query.
"""
from __future__ import annotations

import hashlib

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH

from . import project
from .namespaces import graph_iri
from .shacl_sparql import ShapeResult, class_closure, compile_shapes, sparql_term

SEVERITY_ORDER = {SH.Violation: 0, SH.Warning: 1, SH.Info: 2}
ENGINES = ("sparql", "pyshacl")
LOCATE_BATCH = 2000   # focus nodes per locating query
DATA_UNION = "urn:kgbuild:validation:data"


@dataclass(frozen=True)
class Result:
    severity: str          # "Violation" | "Warning" | "Info"
    shape: str             # label of the node shape
    focus: URIRef
    message: str
    path: str | None
    value: str | None
    file: str | None
    line: int | None

    def location(self) -> str:
        return f"{self.file}:{self.line}" if self.file else "(no source line)"


@dataclass
class Report:
    results: list[Result]
    shape_results: list[ShapeResult] = field(default_factory=list)   # as SHACL defines them
    shapes: Graph | None = None
    engine: str = "sparql"
    notes: list[str] = field(default_factory=list)                   # shape oddities found while compiling

    def write(self, path: Path) -> None:
        """The SHACL validation report as Turtle, its blank nodes labelled by their content
        (see `report_graph`): same results, same bytes, in time linear in the results."""
        from .store import turtle, write_atomically
        graph = report_graph(self.shape_results, self.shapes if self.shapes is not None else Graph())
        from .namespaces import PREFIXES
        prefixes = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
        prefixes["sh"] = str(SH)
        write_atomically(path, turtle(graph, prefixes))

    def count(self, severity: str) -> int:
        return sum(r.severity == severity for r in self.results)

    @property
    def violations(self) -> int:
        return self.count("Violation")


def shapes_graph(shapes_dir: Path | None = None) -> Graph:
    graph = Graph()
    for path in sorted((shapes_dir or project.current().shapes_dir).glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def data_graph_names(store) -> list[str]:
    """Every named graph but the ontology and the reasoner's output."""
    skip = {str(graph_iri("ontology")), str(graph_iri("inferred", "reasoning"))}
    return [name for name in store.graph_names() if name not in skip]


def validate(store, engine: str = "sparql", shapes_dir: Path | None = None,
             progress: Callable[[str], None] | None = None, shapes: Graph | None = None) -> Report:
    """Validate the store's data graphs against shapes_dir (default shapes/), or against an
    already parsed `shapes` graph (so two runs can name the same blank-node shapes)."""
    if engine not in ENGINES:
        raise ValueError(f"unknown validation engine {engine!r}; use one of {', '.join(ENGINES)}")
    shapes = shapes if shapes is not None else shapes_graph(shapes_dir)
    data = data_graph_names(store)
    notes: list[str] = []
    # The union of the data graphs as one view: the store itself before reasoning (its
    # graphs are then all data; the ontology's own terms are never targets), else a copy.
    # A default graph of n named graphs costs n lookups per pattern (locating 2,000 nodes
    # over 325 graphs took 7.6 s, over the union 0.4 s), so no query reads a list of graphs.
    if str(graph_iri("inferred", "reasoning")) in store.graph_names():
        if progress is not None:
            progress(f"validate: copying the {len(data)} data graphs into one (the reasoner's output left out)")
        view, view_graphs = union_copy(store, data), [DATA_UNION]
    else:
        view, view_graphs = store, None
    if engine == "sparql":
        ontology = [str(graph_iri("ontology"))] if str(graph_iri("ontology")) in store.graph_names() else []
        compiled = compile_shapes(shapes, class_closure(store, data + ontology))
        notes = list(dict.fromkeys(compiled.notes))
        shape_results = compiled.run(view, view_graphs, progress)
    else:
        shape_results = run_pyshacl(store, shapes, data)
    located = locate_all(view, view_graphs, {r.focus for r in shape_results})
    del view
    return Report(to_results(shape_results, shapes, located), shape_results, shapes, engine, notes)


def union_copy(store, graphs: Sequence[str]):
    """The union of `graphs` as one graph of a scratch in-memory store.

    Oxigraph answers a triple pattern over a default graph made of n named graphs with n
    lookups; with one graph per document, the compiled queries would grow as documents x
    triples. One copy (linear, blank node labels kept) keeps every query linear. The graphs
    are loaded at once (lines with blank nodes apart, through the parser that keeps their
    labels), not graph by graph."""
    from .store import OxigraphStore
    scratch = OxigraphStore()
    lines = b"".join(store.dump("ntriples", name) for name in graphs)
    if b"_:" in lines:
        split = lines.splitlines(keepends=True)
        scratch.add_to_graph(DATA_UNION, b"".join(line for line in split if b"_:" in line))
        lines = b"".join(line for line in split if b"_:" not in line)
    scratch.add_to_graph(DATA_UNION, lines)
    return scratch


# -- the reference engine ---------------------------------------------------------------------

def run_pyshacl(store, shapes: Graph, data: Sequence[str]) -> list[ShapeResult]:
    """pySHACL over rdflib copies of the data graphs, with the ontology as ontology graph."""
    from pyshacl import validate as pyshacl_validate
    data_graph = Graph()
    for name in data:
        data_graph.parse(data=store.dump("ntriples", name), format="nt")
    ontology = Graph()
    if str(graph_iri("ontology")) in store.graph_names():
        ontology.parse(data=store.dump("ntriples", str(graph_iri("ontology"))), format="nt")
    _, report, _ = pyshacl_validate(
        data_graph, shacl_graph=shapes, ont_graph=ontology, inference="none", abort_on_first=False,
        allow_infos=True, allow_warnings=True, advanced=True)
    return results_of_report(report)


def results_of_report(report: Graph) -> list[ShapeResult]:
    """A pySHACL report graph as ShapeResults (its source shapes keep their shapes-graph ids).
    Only the report's own results: nested ones (sh:detail) explain a sh:node failure."""
    results = []
    for node in report.objects(None, SH.result):
        messages = sorted(str(m) for m in report.objects(node, SH.resultMessage))
        results.append(ShapeResult(
            report.value(node, SH.focusNode), report.value(node, SH.resultPath), report.value(node, SH.value),
            report.value(node, SH.resultSeverity), report.value(node, SH.sourceShape),
            report.value(node, SH.sourceConstraintComponent), "; ".join(messages) or "constraint not met",
            report.value(node, SH.sourceConstraint)))
    results.sort(key=lambda r: tuple("" if x is None else str(x) for x in (r.shape, r.focus, r.path, r.value,
                                                                           r.message)))
    return results


# -- results for people -----------------------------------------------------------------------

def to_results(shape_results: Sequence[ShapeResult], shapes: Graph,
               located: dict) -> list[Result]:
    parent = {prop: node for node, prop in shapes.subject_objects(SH.property)}
    results = []
    for r in shape_results:
        node_shape = parent.get(r.shape, r.shape)
        label = shapes.value(node_shape, RDFS.label) or str(node_shape).rsplit("#", 1)[-1]
        file, line = located.get(r.focus, (None, None))
        results.append(Result(str(r.severity).rsplit("#", 1)[-1], str(label), r.focus, r.message,
                              path_text(shapes, r.path) if r.path is not None else None,
                              str(r.value) if r.value is not None else None, file, line))
    results.sort(key=lambda r: (SEVERITY_ORDER.get(SH[r.severity], 3), r.shape, r.file or "", r.line or 0,
                                str(r.focus), r.message, r.path or "", r.value or ""))
    return results


def path_text(shapes: Graph, path) -> str:
    """A SHACL path in short words: `thematicArea/inScheme`, `^baseline`."""
    if isinstance(path, URIRef):
        text = str(path)
        return text.rsplit("#", 1)[-1] if "#" in text else text.rsplit("/", 1)[-1]
    if (path, RDF.first, None) in shapes:
        return "/".join(path_text(shapes, step) for step in Collection(shapes, path))
    inverse = shapes.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + path_text(shapes, inverse)
    alternatives = shapes.value(path, SH.alternativePath)
    if alternatives is not None:
        return "|".join(path_text(shapes, step) for step in Collection(shapes, alternatives))
    for predicate, mark in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        inner = shapes.value(path, predicate)
        if inner is not None:
            return f"({path_text(shapes, inner)}){mark}"
    return str(path)


LOCATE = """
SELECT ?node ?rank ?doc ?title ?start WHERE {
  { VALUES ?node { %(nodes)s }
    ?node a kgb:SourceDocument . BIND(?node AS ?doc) BIND(0 AS ?rank) BIND(1 AS ?start) }
  UNION
  { VALUES ?node { %(nodes)s }
    ?node (kgb:alignmentOf|^kgb:baseline|^kgb:targetValue)? ?candidate .
    ?candidate kgb:sourceSpan ?span .
    OPTIONAL { ?candidate prov:wasDerivedFrom ?derivedFrom }
    OPTIONAL { ?span oa:hasSource ?spanSource }
    OPTIONAL { ?span kgb:startLine ?start }
    BIND(COALESCE(?derivedFrom, ?spanSource) AS ?doc)
    FILTER(BOUND(?doc))
    BIND(IF(sameTerm(?candidate, ?node), 1,
         IF(EXISTS { ?node kgb:alignmentOf ?candidate }, 2,
         IF(EXISTS { ?candidate kgb:baseline ?node }, 3, 4))) AS ?rank) }
  OPTIONAL { ?doc dcterms:title ?title }
}"""


def locate_all(store, graphs: Sequence[str] | None, nodes) -> dict:
    """Node -> (source file, first line): of the node, of the item an alignment is about, or
    of the indicator a measurement hangs off; a source document is at its line 1. A few
    queries for all nodes (batches of LOCATE_BATCH), not one per node, over the union of
    `graphs` (None: of every graph of the store)."""
    iris = sorted(n for n in nodes if isinstance(n, URIRef))
    best: dict = {}
    for start in range(0, len(iris), LOCATE_BATCH):
        batch = " ".join(sparql_term(n) for n in iris[start:start + LOCATE_BATCH])
        rows = store.select(LOCATE % {"nodes": batch}, graphs=list(graphs) if graphs is not None else None)
        for node, rank, doc, title, line in rows:
            line_number = int(line) if line is not None and _is_int(line) else None
            candidate = (int(rank), str(title) if title is not None else str(doc),
                         line_number if line_number is not None else 0)
            if node not in best or candidate < best[node][0]:
                best[node] = (candidate, line_number)
    return {node: (found[1], line) for node, (found, line) in best.items()}


def _is_int(term) -> bool:
    try:
        int(term)
        return True
    except ValueError:
        return False


# -- the SHACL report graph -------------------------------------------------------------------

def report_graph(results: Sequence[ShapeResult], shapes: Graph) -> Graph:
    """A sh:ValidationReport; blank-node shapes and paths are copied from the shapes graph
    (their concise bounded description), as pySHACL does, so the report stands alone.

    Every blank node is labelled by a digest of what it says (a result by its focus node,
    path, value, shape and message; a copied shape by its own description), so the same
    results give the same bytes without a graph canonicalization, which grows much faster
    than linearly with thousands of results."""
    graph = Graph()
    for prefix, namespace in (("sh", SH), ("xsd", "http://www.w3.org/2001/XMLSchema#")):
        graph.bind(prefix, namespace)
    for prefix, namespace in shapes.namespaces():
        if prefix not in ("sh", "xsd", "kgbsh"):
            graph.bind(prefix, namespace)
    labels: dict = {}

    def stable(term):
        return _stable_label(shapes, term, labels) if isinstance(term, BNode) else term

    report = BNode("report")
    graph.add((report, RDF.type, SH.ValidationReport))
    graph.add((report, SH.conforms, Literal(not any(r.severity == SH.Violation for r in results))))
    for r in results:
        fields = [stable(r.focus), r.severity, r.component, stable(r.shape), Literal(r.message),
                  stable(r.path), stable(r.value), stable(r.constraint)]
        node = BNode("r" + hashlib.sha1("\x1f".join(t.n3() if t is not None else "" for t in fields)
                                        .encode("utf-8")).hexdigest()[:24])
        graph.add((report, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        graph.add((node, SH.focusNode, fields[0]))
        graph.add((node, SH.resultSeverity, r.severity))
        graph.add((node, SH.sourceConstraintComponent, r.component))
        graph.add((node, SH.sourceShape, fields[3]))
        graph.add((node, SH.resultMessage, fields[4]))
        for predicate, term in ((SH.resultPath, fields[5]), (SH.value, fields[6]), (SH.sourceConstraint, fields[7])):
            if term is not None:
                graph.add((node, predicate, term))
        for term in (r.shape, r.path, r.constraint):
            if isinstance(term, BNode):
                _copy_description(shapes, term, graph, labels)
    return graph


def _stable_label(shapes: Graph, node: BNode, labels: dict, seen: frozenset = frozenset()) -> BNode:
    """A blank node of the shapes graph (a property shape, a path, a list cell) named by a
    digest of its description, nested blank nodes by theirs: shapes are trees, so equal
    descriptions mean the same node whatever labels the Turtle parser gave."""
    if node in labels:
        return labels[node]
    if node in seen:          # a cycle (not in well-formed shapes): keep it apart, stably enough
        return BNode("cycle")
    parts = sorted(f"{p.n3()} {(_stable_label(shapes, o, labels, seen | {node}) if isinstance(o, BNode) else o).n3()}"
                   for _, p, o in shapes.triples((node, None, None)))
    labels[node] = BNode("s" + hashlib.sha1("\n".join(parts).encode("utf-8")).hexdigest()[:24])
    return labels[node]


def _copy_description(source: Graph, node: BNode, target: Graph, labels: dict) -> None:
    label = _stable_label(source, node, labels)
    if (label, None, None) in target:
        return
    for _, predicate, obj in source.triples((node, None, None)):
        target.add((label, predicate, _stable_label(source, obj, labels) if isinstance(obj, BNode) else obj))
        if isinstance(obj, BNode):
            _copy_description(source, obj, target, labels)


# -- for the console --------------------------------------------------------------------------

def format_report(report: Report) -> str:
    by_shape: dict[str, list[Result]] = defaultdict(list)
    for r in report.results:
        by_shape[r.shape].append(r)
    lines = []
    for shape, results in by_shape.items():
        counts = ", ".join(f"{sum(r.severity == s for r in results)} {s.lower()}s"
                           for s in ("Violation", "Warning", "Info") if any(r.severity == s for r in results))
        lines.append(f"== {shape}: {counts}")
        for r in results:
            detail = f" [{r.path}]" if r.path else ""
            lines.append(f"  {r.severity:<9} {r.location()}: {r.message}{detail}  <{r.focus}>")
    lines.append(f"{report.violations} violations, {report.count('Warning')} warnings, {report.count('Info')} infos")
    return "\n".join(lines)
