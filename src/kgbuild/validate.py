"""The validation gate: pySHACL over the data graphs, with the ontology as ontology graph.

The data graph is every named graph but the ontology and the reasoner's output: what was
read, the reference lists and the alignments. The ontology (with its SKOS vocabularies) is
given to pySHACL as the ontology graph, so class and scheme checks can see subclass axioms
and scheme membership; no shape targets the ontology's own terms, so they are never
validated as data. Each result is located in its source document and line.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SH

from . import paths
from .namespaces import KGB, OA, graph_iri
from .store import KnowledgeGraph

SEVERITY_ORDER = {SH.Violation: 0, SH.Warning: 1, SH.Info: 2}


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
    graph: Graph

    def write(self, path: Path) -> None:
        """The SHACL report as Turtle, its blank nodes canonically labelled: same graph,
        same bytes."""
        from rdflib.compare import to_canonical_graph
        canonical = Graph()
        for prefix, namespace in self.graph.namespaces():
            canonical.bind(prefix, namespace)
        for triple in to_canonical_graph(self.graph):
            canonical.add(triple)
        canonical.serialize(path, format="turtle")

    def count(self, severity: str) -> int:
        return sum(r.severity == severity for r in self.results)

    @property
    def violations(self) -> int:
        return self.count("Violation")


def shapes_graph(shapes_dir: Path | None = None) -> Graph:
    graph = Graph()
    for path in sorted((shapes_dir or paths.project_root() / "shapes").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def data_graph(kg: KnowledgeGraph) -> Graph:
    skip = {graph_iri("ontology"), graph_iri("inferred", "reasoning")}
    return kg.union([name for name in kg.graph_names() if name not in skip])


def validate(kg: KnowledgeGraph, shapes: Graph | None = None) -> Report:
    from pyshacl import validate as pyshacl_validate
    shapes = shapes if shapes is not None else shapes_graph()
    data = data_graph(kg)
    _, report_graph, _ = pyshacl_validate(
        data, shacl_graph=shapes, ont_graph=kg.graph(graph_iri("ontology")), inference="none",
        abort_on_first=False, allow_infos=True, allow_warnings=True, advanced=True)
    return Report(_results(report_graph, shapes, data), report_graph)


def _results(report: Graph, shapes: Graph, data: Graph) -> list[Result]:
    parent = {prop: node for node, prop in shapes.subject_objects(SH.property)}
    results = []
    for result in report.subjects(SH.resultSeverity, None):
        severity = report.value(result, SH.resultSeverity)
        focus = report.value(result, SH.focusNode)
        source_shape = report.value(result, SH.sourceShape)
        node_shape = parent.get(source_shape, source_shape)
        label = shapes.value(node_shape, RDFS.label) or str(node_shape).rsplit("#", 1)[-1]
        message = report.value(result, SH.resultMessage)
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        file, line = locate(data, focus)
        results.append(Result(str(severity).rsplit("#", 1)[-1], str(label), focus,
                              str(message) if message else "constraint not met",
                              _short(path) if path is not None else None,
                              str(value) if value is not None else None, file, line))
    results.sort(key=lambda r: (SEVERITY_ORDER.get(SH[r.severity], 3), r.shape, r.file or "", r.line or 0,
                                str(r.focus), r.message))
    return results


def locate(data: Graph, node) -> tuple[str | None, int | None]:
    """The source file and first line of a node, of the item an alignment is about, or of
    the resource a node hangs off."""
    if (node, RDF.type, KGB.SourceDocument) in data:
        return str(data.value(node, DCTERMS.title) or node), 1
    for candidate in (node, data.value(node, KGB.alignmentOf), data.value(None, KGB.baseline, node),
                      data.value(None, KGB.targetValue, node)):
        if candidate is None:
            continue
        span = data.value(candidate, KGB.sourceSpan)
        doc = data.value(candidate, PROV.wasDerivedFrom) or (data.value(span, OA.hasSource) if span else None)
        if span is not None and doc is not None:
            title = data.value(doc, DCTERMS.title)
            start = data.value(span, KGB.startLine)
            return (str(title) if title else str(doc)), (int(start) if start is not None else None)
    return None, None


def _short(path) -> str:
    text = str(path)
    return text.rsplit("#", 1)[-1] if "#" in text else text.rsplit("/", 1)[-1]


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
