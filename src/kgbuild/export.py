"""Serialize the built dataset in the standard RDF syntaxes.

Quad formats (nquads, trig, jsonld) keep the named graphs; triple formats (turtle, nt,
xml) hold the union of all graphs, since they cannot name graphs. N-Quads and N-Triples
come sorted straight from the store; the others go through rdflib, whose writers sort
subjects and predicates, so the same graph gives the same bytes.
"""
from __future__ import annotations

FORMATS = {
    # name: (rdflib format, keeps named graphs, file suffix)
    "turtle": ("turtle", False, ".ttl"),
    "nt": ("nt", False, ".nt"),
    "xml": ("xml", False, ".rdf"),
    "nquads": ("nquads", True, ".nq"),
    "trig": ("trig", True, ".trig"),
    "jsonld": ("json-ld", True, ".jsonld"),
}
IANA = "https://www.iana.org/assignments/media-types/"
MEDIA_TYPES = {   # as the dataset description's distributions name them
    "turtle": IANA + "text/turtle", "nt": IANA + "application/n-triples", "xml": IANA + "application/rdf+xml",
    "nquads": IANA + "application/n-quads", "trig": IANA + "application/trig", "jsonld": IANA + "application/ld+json",
}


def serialize(store, fmt: str) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}")
    rdflib_format, quads, _ = FORMATS[fmt]
    if fmt in ("nquads", "nt"):
        lines = store.sorted_lines(fmt="nquads" if fmt == "nquads" else "ntriples")
        return b"".join(line + b"\n" for line in lines).decode("utf-8")
    from rdflib import Dataset, Graph

    from .namespaces import PREFIXES
    # Terms are copied (not re-parsed), so blank nodes keep their canonical labels.
    target = Dataset() if quads else Graph()
    for prefix, namespace in PREFIXES.items():
        target.bind(prefix, namespace, override=True)
    for s, p, o, graph in store.quads():
        (target.graph(graph) if quads else target).add((s, p, o))
    return target.serialize(format=rdflib_format, encoding="utf-8").decode("utf-8")
