"""Serialize the built dataset in the standard RDF syntaxes.

Quad formats (nquads, trig, jsonld) keep the named graphs; triple formats (turtle, nt,
xml) hold the union of all graphs, since they cannot name graphs. N-Quads and N-Triples
come sorted straight from the store. Turtle, TriG and RDF/XML are Oxigraph's serializers
fed those sorted lines (TriG graph by graph), so the same graph gives the same bytes and
a subject's triples stay together; at a million quads this takes seconds where rdflib's
writers took one and a half minutes and 2 GB. JSON-LD is written here, sorted, with the
shipped context (ontology/context.jsonld) inline.
"""
from __future__ import annotations

import json
from collections import defaultdict

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF

CONTEXT_FILE = "context.jsonld"   # in ontology/

FORMATS = {
    # name: (Oxigraph RdfFormat, keeps named graphs, file suffix)
    "turtle": ("TURTLE", False, ".ttl"),
    "nt": ("N_TRIPLES", False, ".nt"),
    "xml": ("RDF_XML", False, ".rdf"),
    "nquads": ("N_QUADS", True, ".nq"),
    "trig": ("TRIG", True, ".trig"),
    "jsonld": ("JSON_LD", True, ".jsonld"),
}
IANA = "https://www.iana.org/assignments/media-types/"
MEDIA_TYPES = {   # as the dataset description's distributions name them
    "turtle": IANA + "text/turtle", "nt": IANA + "application/n-triples", "xml": IANA + "application/rdf+xml",
    "nquads": IANA + "application/n-quads", "trig": IANA + "application/trig", "jsonld": IANA + "application/ld+json",
}


def serialize(store, fmt: str) -> bytes:
    """The whole store in `fmt` (a key of FORMATS), as UTF-8 bytes."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}")
    if fmt == "jsonld":
        return jsonld(store).encode("utf-8")
    oxigraph_format, quads, _ = FORMATS[fmt]
    if fmt == "trig":   # graph by graph, so that each graph is written once
        lines = [line for graph in sorted(store.graph_names()) for line in store.sorted_lines([graph])]
    else:
        lines = store.sorted_lines(fmt="nquads" if quads else "ntriples")
    sorted_text = b"".join(line + b"\n" for line in lines)
    del lines
    if fmt in ("nquads", "nt"):
        return sorted_text
    import pyoxigraph as ox

    from .namespaces import PREFIXES
    from .store import sorted_prefix_lines
    # Blank node labels are kept as the store gives them (canonical), so output is stable.
    parsed = ox.parse(sorted_text, format=ox.RdfFormat.N_QUADS if quads else ox.RdfFormat.N_TRIPLES,
                      rename_blank_nodes=False)
    body = ox.serialize(parsed, format=getattr(ox.RdfFormat, oxigraph_format),
                        prefixes={prefix: str(namespace) for prefix, namespace in PREFIXES.items()})
    return body if fmt == "xml" else sorted_prefix_lines(body)


def shipped_context() -> dict:
    """The "@context" object of ontology/context.jsonld."""
    from . import project
    path = project.current().ontology_dir / CONTEXT_FILE
    return json.loads(path.read_text(encoding="utf-8"))["@context"]


class JsonLdTerms:
    """How a context lets an IRI be written: a term (`deadline`, `KeyAction`), a compact
    IRI (`sdg:5.2`) or the IRI itself. Only what expands back to the same IRI is used: a
    term only where its type coercion fits the value, a prefix only where it is one (its
    IRI ends with / or #, as JSON-LD 1.1 requires) and the rest is not empty."""

    def __init__(self, context: dict):
        self.terms: dict[str, str] = {}           # IRI -> term without coercion
        self.iri_terms: dict[str, str] = {}       # IRI -> term whose values are IRIs ("@type": "@id")
        prefixes = []
        for term, definition in context.items():
            if term.startswith("@"):
                continue
            if isinstance(definition, str) and definition.endswith(("/", "#")):
                prefixes.append((definition, term))
        self.prefixes = sorted(prefixes, key=lambda pair: (-len(pair[0]), pair[1]))
        for term, definition in context.items():
            if term.startswith("@") or (isinstance(definition, str) and definition.endswith(("/", "#"))):
                continue
            if isinstance(definition, str):
                self.terms[self.expand(definition)] = term
            elif set(definition) <= {"@id", "@type"} and definition.get("@type", "@id") == "@id":
                target = self.iri_terms if "@type" in definition else self.terms
                target[self.expand(definition["@id"])] = term

    def expand(self, value: str) -> str:
        prefix, _, rest = value.partition(":")
        for namespace, name in self.prefixes:
            if name == prefix and not rest.startswith("//"):
                return namespace + rest
        return value

    def compact(self, iri: str) -> str:
        for namespace, prefix in self.prefixes:
            rest = iri[len(namespace):]
            if iri.startswith(namespace) and rest and not rest.startswith("//"):
                return f"{prefix}:{rest}"
        return iri

    def node_id(self, term) -> str:
        return f"_:{term}" if isinstance(term, BNode) else self.compact(str(term))

    def value(self, term):
        """A value object: IRIs and blank nodes by @id, literals by value with their
        datatype or language (a plain string is an xsd:string)."""
        if isinstance(term, (URIRef, BNode)):
            return {"@id": self.node_id(term)}
        if term.language:
            return {"@value": str(term), "@language": term.language}
        if term.datatype is not None:
            return {"@value": str(term), "@type": self.compact(str(term.datatype))}
        return str(term)

    def entry(self, predicate: str, term) -> tuple[str, object]:
        """The key and the JSON value of one triple's predicate and object."""
        if predicate == str(RDF.type) and isinstance(term, URIRef):
            return "@type", self.terms.get(str(term)) or self.compact(str(term))
        if not isinstance(term, Literal) and predicate in self.iri_terms:
            return self.iri_terms[predicate], self.node_id(term)
        return self.terms.get(predicate) or self.compact(predicate), self.value(term)


def jsonld(store, context: dict | None = None) -> str:
    """The store's named graphs as JSON-LD: one object per graph, its nodes sorted by
    subject, their keys and values sorted, the context inline (a reader needs no network).
    The same store gives the same bytes; read back, it gives the same quads."""
    from .store import nt_term
    context = context if context is not None else shipped_context()
    terms = JsonLdTerms(context)
    graphs: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    for s, p, o, g in store.quads():
        graphs[g][s][str(p)].append(o)
    out = []
    for graph in sorted(graphs, key=str):
        nodes = []
        for subject in sorted(graphs[graph], key=nt_term):
            entries: dict[str, list] = defaultdict(list)
            for predicate, objects in graphs[graph][subject].items():
                for term in sorted(objects, key=nt_term):
                    key, value = terms.entry(predicate, term)
                    entries[key].append(value)
            node = {"@id": terms.node_id(subject)}
            for key in sorted(entries, key=lambda k: (k != "@type", k)):
                values = entries[key]
                node[key] = values[0] if len(values) == 1 else values
            nodes.append(node)
        out.append({"@id": terms.node_id(graph), "@graph": nodes})
    return json.dumps({"@context": context, "@graph": out}, ensure_ascii=False, indent=1) + "\n"
