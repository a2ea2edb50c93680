"""The pipeline: read sources -> map to RDF -> write the dataset, with counts at every stage.

Named graphs:
  graph/ontology             ontology/kgbuild.ttl and the SDG ontology (OWL)
  graph/vocabulary           the SKOS schemes of ontology/vocabularies/
  graph/reference/sdg        SDG goals, targets, indicators (official IRIs)
  graph/reference/un-entities  the shared list of UN entities
  graph/source/<document>    what was read from one document
  graph/inferred/alignment   proposed SDG targets and outcomes of recommendations and actions
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from rdflib import Graph

from . import paths
from .mapping import map_document
from .namespaces import graph_iri
from .readers import ReaderError, read_document
from .records import Document, Problem
from .sdg import sdg_reference_graph
from .store import KnowledgeGraph

NQUADS = "kgbuild.nq"
REPORT = "build-report.json"
VALIDATION_REPORT = "validation-report.ttl"
COUNTED_CLASSES = ["Evaluation", "Recommendation", "ManagementResponse", "KeyAction", "Finding",
                   "CooperationFramework", "ThematicArea", "Outcome", "ResultIndicator"]


@dataclass
class BuildResult:
    kg: KnowledgeGraph
    documents: list[Document] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    outputs: list[Path] = field(default_factory=list)
    validation: object | None = None      # validate.Report
    counts: dict[str, int] = field(default_factory=dict)   # instances per class

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def source_files(folder: Path) -> list[Path]:
    """Every document of the folder but its Markdown notes (INDEX.md) and hidden files."""
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: sources folder not found")
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and not p.name.startswith(".") and p.suffix.lower() != ".md")


def ontology_graph() -> Graph:
    graph = Graph()
    graph.parse(paths.ontology_dir() / "kgbuild.ttl", format="turtle")
    graph.parse(paths.reference_dir() / "sdgs-ontology.ttl", format="turtle")
    return graph


def vocabulary_graph() -> Graph:
    """The SKOS schemes of ontology/vocabularies/: statuses, categories, methods …"""
    graph = Graph()
    for path in sorted((paths.ontology_dir() / "vocabularies").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def reference_graphs() -> dict[str, Graph]:
    """The SDG list and the curated lists of data/vocab/ (UN entities, LNOB groups)."""
    graphs = {"sdg": sdg_reference_graph(paths.reference_dir())}
    for path in sorted(paths.vocab_dir().glob("*.ttl")):
        graphs[path.stem] = Graph().parse(path, format="turtle")
    return graphs


def build(sources: Path | None = None, out_dir: Path | None = None,
          progress: Callable[[str], None] = lambda message: None, write: bool = True,
          align: bool = True, reason: bool = True, validate: bool = True) -> BuildResult:
    sources = sources or paths.sources_dir()
    out_dir = out_dir or paths.build_dir()
    kg = KnowledgeGraph()
    result = BuildResult(kg)

    started = time.perf_counter()
    kg.add_graph(graph_iri("ontology"), ontology_graph())
    kg.add_graph(graph_iri("vocabulary"), vocabulary_graph())
    for name, graph in reference_graphs().items():
        kg.add_graph(graph_iri("reference", name), graph)
    result.timings["reference"] = time.perf_counter() - started
    progress(f"reference: {len(kg.graph(graph_iri('reference', 'sdg')))} SDG triples, "
             f"{len(kg.graph(graph_iri('ontology')))} ontology triples")

    started = time.perf_counter()
    files = source_files(sources)
    if not files:
        raise FileNotFoundError(f"{sources}: no documents to read (Markdown notes and hidden files are not documents)")
    for path in files:
        try:
            doc = read_document(path)
        except ReaderError as exc:
            result.problems.append(Problem("error", str(path), exc.line, exc.message))
            progress(f"read {path.name}: NOT READ: {exc.message}")
            continue
        result.documents.append(doc)
    result.timings["read"] = time.perf_counter() - started

    started = time.perf_counter()
    for doc in result.documents:
        kg.add_graph(graph_iri("source", doc.name), map_document(doc))
        result.problems.extend(doc.problems)
        progress(f"read {doc.path.name} [{doc.reader}]: {_document_counts(doc)}"
                 f"{_problem_counts(doc.problems)}")
    result.timings["map"] = time.perf_counter() - started

    if align:
        from .align_graph import align as run_alignment
        started = time.perf_counter()
        inferred = run_alignment(kg)
        kg.add_graph(graph_iri("inferred", "alignment"), inferred)
        result.timings["align"] = time.perf_counter() - started
        progress(f"align: {_alignment_counts(kg)}")

    if reason:
        from .reason import reason as run_reasoning
        started = time.perf_counter()
        kg.add_graph(graph_iri("inferred", "reasoning"), run_reasoning(kg))
        result.timings["reason"] = time.perf_counter() - started
        progress(f"reason: {len(kg.graph(graph_iri('inferred', 'reasoning')))} triples entailed (OWL 2 RL)")

    if validate:
        from .validate import validate as run_validation
        started = time.perf_counter()
        result.validation = run_validation(kg)
        result.timings["validate"] = time.perf_counter() - started
        progress(f"validate: {result.validation.violations} violations, "
                 f"{result.validation.count('Warning')} warnings, {result.validation.count('Info')} infos")

    result.counts = class_counts(kg)
    if write:
        started = time.perf_counter()
        out_dir.mkdir(parents=True, exist_ok=True)
        nquads = out_dir / NQUADS
        kg.write_nquads(nquads)
        report = out_dir / REPORT
        report.write_text(json.dumps(build_report(result), indent=2, sort_keys=True) + "\n", encoding="utf-8")
        result.outputs = [nquads, report]
        if result.validation is not None:
            shacl_report = out_dir / VALIDATION_REPORT
            result.validation.write(shacl_report)
            result.outputs.append(shacl_report)
        result.timings["write"] = time.perf_counter() - started
    return result


def _document_counts(doc: Document) -> str:
    if doc.framework is not None:
        return _framework_counts(doc.framework)
    ev = doc.evaluation
    if ev is None:
        return "nothing extracted"
    responses = [r.response for r in ev.recommendations if r.response is not None]
    actions = sum(len(r.key_actions) for r in responses)
    parts = [f"{len(ev.recommendations)} recommendations", f"{len(responses)} responses", f"{actions} key actions"]
    if ev.findings:
        parts.append(f"{len(ev.findings)} findings")
    return ", ".join(parts)


def _alignment_counts(kg: KnowledgeGraph) -> str:
    (row,) = kg.query("""
        SELECT (COUNT(DISTINCT ?a) AS ?alignments) (COUNT(DISTINCT ?st) AS ?targets) (COUNT(DISTINCT ?so) AS ?outcomes)
               (COUNT(DISTINCT ?item) AS ?items) WHERE {
          { ?a a kgb:Alignment } UNION { ?i kgb:supportsTarget ?t BIND(CONCAT(STR(?i), STR(?t)) AS ?st) BIND(?i AS ?item) }
          UNION { ?i kgb:supportsOutcome ?o BIND(CONCAT(STR(?i), STR(?o)) AS ?so) }
        }""")
    return (f"{int(row[0])} alignments; {int(row[1])} supportsTarget links on {int(row[3])} items; "
            f"{int(row[2])} supportsOutcome links")


def _framework_counts(fw) -> str:
    kinds = ("primary", "crosscutting", "cited")
    lines = [f"{len(fw.thematic_areas)} thematic areas, {len(fw.outcomes)} outcomes, "
             f"{sum(len(o.indicators) for o in fw.outcomes)} indicators"]
    for o in fw.outcomes:
        links = "/".join(str(sum(t.kind == k for t in o.targets)) for k in kinds)
        lines.append(f"    outcome {o.number}: target links {links} (primary/crosscutting/cited), "
                     f"{len(o.lnob)} LNOB groups, {len(o.agencies)} agencies, {len(o.partners)} partners, "
                     f"{len(o.indicators)} indicators ({sum(len(i.parts) for i in o.indicators)} sub-indicators)")
    return "\n".join(lines)


def _problem_counts(problems: list[Problem]) -> str:
    errors = sum(p.severity == "error" for p in problems)
    warnings = sum(p.severity == "warning" for p in problems)
    return f"; {errors} errors, {warnings} warnings" if problems else ""


def class_counts(kg: KnowledgeGraph) -> dict[str, int]:
    """Instances of each kgb class across the source graphs."""
    rows = kg.query("""
        SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {
          GRAPH ?g { ?s a ?class }
          FILTER(STRSTARTS(STR(?class), STR(kgb:)))
          FILTER(CONTAINS(STR(?g), "/graph/source/"))
        } GROUP BY ?class""")
    counts = {str(row[0]).split("#")[-1]: int(row[1]) for row in rows}
    names = COUNTED_CLASSES + sorted(set(counts) - set(COUNTED_CLASSES))
    return {name: counts.get(name, 0) for name in names}


def build_report(result: BuildResult) -> dict:
    return {
        "documents": {doc.path.name: {"reader": doc.reader, "sha256": doc.sha256, "summary": _document_counts(doc)}
                      for doc in result.documents},
        "classes": result.counts,
        "graphs": {str(name): len(result.kg.graph(name)) for name in result.kg.graph_names()},
        "problems": [{"severity": p.severity, "file": Path(p.path).name, "line": p.line, "message": p.message}
                     for p in result.problems],
    }
