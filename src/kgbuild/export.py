"""Serialize the built dataset in the standard RDF syntaxes.

Quad formats (nquads, trig, jsonld) keep the named graphs; triple formats (turtle, nt,
xml) hold the union of all graphs, since they cannot name graphs.
"""
from __future__ import annotations

from .store import KnowledgeGraph

FORMATS = {
    # name: (rdflib format, keeps named graphs, file suffix)
    "turtle": ("turtle", False, ".ttl"),
    "nt": ("nt", False, ".nt"),
    "xml": ("xml", False, ".rdf"),
    "nquads": ("nquads", True, ".nq"),
    "trig": ("trig", True, ".trig"),
    "jsonld": ("json-ld", True, ".jsonld"),
}


def serialize(kg: KnowledgeGraph, fmt: str) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}")
    rdflib_format, quads, _ = FORMATS[fmt]
    if fmt == "nquads":
        return kg.sorted_nquads()
    if fmt == "nt":
        union = kg.union().serialize(format="nt", encoding="utf-8").decode("utf-8")
        return "".join(sorted(line + "\n" for line in union.splitlines() if line.strip()))
    return kg.serialize(rdflib_format, quads)
