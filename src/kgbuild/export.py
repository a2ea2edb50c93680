"""Serialize the built dataset in the standard RDF syntaxes.

Quad formats (nquads, trig, jsonld) keep the named graphs; triple formats (turtle, nt,
xml) hold the union of all graphs, since they cannot name graphs. N-Quads and N-Triples
come sorted straight from the store. Turtle, TriG and RDF/XML are Oxigraph's serializers
fed those sorted lines (TriG graph by graph), so the same graph gives the same bytes and
a subject's triples stay together; at a million quads this takes seconds where rdflib's
writers took one and a half minutes and 2 GB. JSON-LD is written here, sorted, with the
shipped context (ontology/context.jsonld) inline, one node object per line.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from typing import Callable

import pyoxigraph as ox

CONTEXT_FILE = "context.jsonld"   # in ontology/
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

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


# RDF/XML writes a predicate as an element: its IRI must end in an XML name (a letter or _,
# then letters, digits, _, - or .), which becomes the element's local name.
XML_LOCAL_NAME = re.compile(r"[^\W\d][\w.-]*$")


class ExportError(ValueError):
    """The graph cannot be written in the asked syntax; the message says why and what to use."""


def serialize(store, fmt: str, progress: Callable[[str], None] = lambda message: None) -> bytes:
    """The whole store in `fmt` (a key of FORMATS), as UTF-8 bytes; `progress` hears of each step."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}")
    if fmt == "xml":
        # Oxigraph would write such a predicate as an element with no local name: not XML.
        predicates = [str(row[0]) for row in store.select("SELECT DISTINCT ?p WHERE { ?s ?p ?o }").rows]
        unwritable = sorted(p for p in predicates if not XML_LOCAL_NAME.search(p))
        if unwritable:
            raise ExportError(f"RDF/XML cannot write the predicate <{unwritable[0]}>"
                              + (f" (and {len(unwritable) - 1} more)" if len(unwritable) > 1 else "")
                              + ": its IRI does not end in an XML name; export as turtle, nt or another syntax")
    if fmt == "jsonld":
        progress("export: JSON-LD, graph by graph")
        return jsonld(store).encode("utf-8")
    oxigraph_format, quads, _ = FORMATS[fmt]
    progress(f"export: reading and sorting {'the quads' if quads else 'the triples of every graph'}")
    if fmt == "trig":   # graph by graph, so that each graph is written once
        lines = [line for graph in sorted(store.graph_names()) for line in store.sorted_lines([graph])]
    else:
        lines = store.sorted_lines(fmt="nquads" if quads else "ntriples")
    sorted_text = b"".join(line + b"\n" for line in lines)
    del lines
    if fmt in ("nquads", "nt"):
        return sorted_text
    from .namespaces import PREFIXES
    from .store import sorted_prefix_lines
    # Blank node labels are kept as the store gives them (canonical), so output is stable.
    progress(f"export: writing {fmt}")
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
        self._compacted: dict[str, str] = {}
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
        found = self._compacted.get(iri)
        if found is None:
            found = self._compacted[iri] = self._compact(iri)
        return found

    def _compact(self, iri: str) -> str:
        for namespace, prefix in self.prefixes:
            rest = iri[len(namespace):]
            if iri.startswith(namespace) and rest and not rest.startswith("//"):
                return f"{prefix}:{rest}"
        return iri

    def node_id(self, term) -> str:
        """A node's @id: a blank node's label, an IRI compacted (pyoxigraph terms)."""
        return f"_:{term.value}" if isinstance(term, ox.BlankNode) else self.compact(term.value)

    def value(self, term):
        """A value object: IRIs and blank nodes by @id, literals by value with their
        datatype or language (a plain string is an xsd:string)."""
        if not isinstance(term, ox.Literal):
            return {"@id": self.node_id(term)}
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if term.datatype.value != XSD_STRING:
            return {"@value": term.value, "@type": self.compact(term.datatype.value)}
        return term.value

    def entry(self, predicate: str, term) -> tuple[str, object]:
        """The key and the JSON value of one triple's predicate and object."""
        if predicate == RDF_TYPE and isinstance(term, ox.NamedNode):
            return "@type", self.terms.get(term.value) or self.compact(term.value)
        if not isinstance(term, ox.Literal) and predicate in self.iri_terms:
            return self.iri_terms[predicate], self.node_id(term)
        return self.terms.get(predicate) or self.compact(predicate), self.value(term)

    def node(self, subject, entries: dict[str, list]) -> dict:
        """One node object: its @id, then @type, then the other keys sorted; a key with one
        value holds it bare."""
        node = {"@id": self.node_id(subject)}
        for key in sorted(entries, key=lambda k: (k != "@type", k)):
            values = entries[key]
            node[key] = values[0] if len(values) == 1 else values
        return node


def jsonld(store, context: dict | None = None) -> str:
    """The store's named graphs as JSON-LD: one object per graph, its nodes sorted by
    subject, their keys and values sorted, the context inline (a reader needs no network).
    The same store gives the same bytes; read back, it gives the same quads. Each graph is
    read as sorted N-Triples, so a subject's triples arrive together and in order, and each
    node is written on a line of its own (by the C JSON encoder; an indented document goes
    through the pure-Python one, three times slower at a million quads)."""
    context = context if context is not None else shipped_context()
    terms = JsonLdTerms(context)
    parts = []
    for graph in sorted(store.graph_names()):
        lines = store.sorted_lines([graph], fmt="ntriples")
        if not lines:
            continue
        nodes, subject, entries = [], None, {}
        for triple in ox.parse(b"\n".join(lines), format=ox.RdfFormat.N_TRIPLES, rename_blank_nodes=False):
            if triple.subject != subject:
                if subject is not None:
                    nodes.append(terms.node(subject, entries))
                subject, entries = triple.subject, defaultdict(list)
            key, value = terms.entry(triple.predicate.value, triple.object)
            entries[key].append(value)
        nodes.append(terms.node(subject, entries))
        parts.append(f'{{"@id": {_json(terms.compact(graph))}, "@graph": [\n'
                     + ",\n".join(_json(node) for node in nodes) + "\n]}")
    return f'{{"@context": {json.dumps(context, ensure_ascii=False, indent=1)},\n"@graph": [\n' \
        + ",\n".join(parts) + "\n]}\n"


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False)
