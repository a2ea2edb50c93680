"""The one access layer to the graph store. Readers, mapping and queries talk to this
class only, so the backend (rdflib in memory today) can change without touching them.

Named graphs keep what was read apart from reference data, ontology and inferences.
"""
from __future__ import annotations

from pathlib import Path

from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.query import Result

from .namespaces import PREFIXES


class KnowledgeGraph:
    def __init__(self):
        self.dataset = Dataset(default_union=True)
        for prefix, namespace in PREFIXES.items():
            self.dataset.bind(prefix, namespace, override=True)

    # -- writing --------------------------------------------------------------------------

    def add_graph(self, name: URIRef, triples: Graph) -> None:
        """Add triples to a named graph (created on first use). Blank nodes (the ontology's
        OWL lists) get canonical labels, so that the same input gives the same output."""
        if any(isinstance(term, BNode) for triple in triples for term in triple):
            triples = to_canonical_graph(triples)
        target = self.dataset.graph(name)
        for triple in triples:
            target.add(triple)

    def replace_graph(self, name: URIRef, triples: Graph) -> None:
        self.dataset.remove_graph(self.dataset.graph(name))
        self.add_graph(name, triples)

    # -- reading --------------------------------------------------------------------------

    def graph_names(self) -> list[URIRef]:
        return sorted(g.identifier for g in self.dataset.graphs()
                      if isinstance(g.identifier, URIRef) and len(g) and not str(g.identifier).startswith("urn:x-rdflib:"))

    def graph(self, name: URIRef) -> Graph:
        return self.dataset.graph(name)

    def union(self, names: list[URIRef] | None = None) -> Graph:
        """A plain graph of the triples of the given named graphs (all by default)."""
        out = Graph()
        for prefix, namespace in PREFIXES.items():
            out.bind(prefix, namespace, override=True)
        for name in names if names is not None else self.graph_names():
            for triple in self.dataset.graph(name):
                out.add(triple)
        return out

    def objects(self, subject, predicate) -> list:
        """Objects of (subject, predicate) across all graphs, sorted."""
        return sorted(set(self.dataset.objects(subject, predicate)))

    def subject_objects(self, predicate) -> list[tuple]:
        return sorted(set(self.dataset.subject_objects(predicate)))

    def __len__(self) -> int:
        return sum(len(self.dataset.graph(name)) for name in self.graph_names())

    def query(self, sparql: str, bindings: dict | None = None) -> Result:
        return self.dataset.query(sparql, initBindings=bindings or {}, initNs=PREFIXES)

    # -- files ----------------------------------------------------------------------------

    def serialize(self, rdflib_format: str, quads: bool) -> str:
        """The named graphs (quad formats) or their union (triple formats) in a syntax."""
        target = self.dataset if quads else self.union()
        return target.serialize(format=rdflib_format, encoding="utf-8").decode("utf-8")

    def write_nquads(self, path: Path) -> None:
        """Sorted N-Quads: same graph, same bytes."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.sorted_nquads(), encoding="utf-8")

    def sorted_nquads(self) -> str:
        lines = []
        for name in self.graph_names():
            text = self.dataset.graph(name).serialize(format="nt", encoding="utf-8").decode("utf-8")
            suffix = f" <{name}> .\n"
            lines.extend(line[:-2].rstrip() + suffix for line in text.splitlines() if line.strip())
        return "".join(sorted(lines))

    @classmethod
    def load(cls, path: Path) -> "KnowledgeGraph":
        kg = cls()
        kg.dataset.parse(path, format="nquads")
        return kg
