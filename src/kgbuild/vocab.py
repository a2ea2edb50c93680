"""Controlled vocabularies: SKOS schemes of ontology/vocabularies/ and the UN entity list.

Readers match document text against the schemes' labels, so a new spelling in a real
document is a new skos:altLabel in a Turtle file, not a code change.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rdflib import Graph, URIRef
from rdflib.namespace import FOAF, RDF, RDFS, SKOS

from . import project
from .namespaces import KGB, VOCAB

_SEPARATORS = r"[\s\-‐‑–_]+"


_SEPARATOR_RUNS = re.compile(_SEPARATORS)


@lru_cache(maxsize=65536)
def normalize_label(text: str) -> str:
    """Case, hyphens and runs of spaces do not distinguish labels."""
    text = text.replace("’", "'").replace("‘", "'")
    return _SEPARATOR_RUNS.sub(" ", text).strip().lower()


def _squashed(text: str) -> str:
    """A label with no separators at all: what _label_pattern lets a document write
    ("Inprogress", "OverdueInitiated"), so lookup accepts what matching found."""
    return normalize_label(text).replace(" ", "")


def _label_pattern(label: str) -> re.Pattern:
    words = [re.escape(w) for w in re.split(_SEPARATORS, label.replace("’", "'")) if w]
    # The label must end at a word boundary: "Initiated" must not match "Initiatedness".
    return re.compile(r"[\s\-‐‑–_]*".join(words) + r"(?![\w&]|[\-‐‑–]\w)", re.IGNORECASE)


@dataclass(frozen=True)
class Match:
    concept: URIRef
    start: int
    end: int
    text: str


class Scheme:
    """The concepts of one skos:ConceptScheme, findable by any of their labels."""

    def __init__(self, graph: Graph, iri: URIRef):
        self.iri = iri
        self.graph = graph
        self._by_label: dict[str, URIRef] = {}
        self._by_squashed: dict[str, URIRef] = {}
        patterns = []
        for concept in sorted(graph.subjects(SKOS.inScheme, iri)):
            for prop in (SKOS.prefLabel, SKOS.altLabel, FOAF.name):
                for label in graph.objects(concept, prop):
                    self._by_label.setdefault(normalize_label(str(label)), concept)
                    self._by_squashed.setdefault(_squashed(str(label)), concept)
                    patterns.append((len(str(label)), str(label), concept))
        # Longest label first, so "Overdue-Initiated" wins over "Overdue".
        patterns.sort(key=lambda p: (-p[0], p[1]))
        self._patterns = [(_label_pattern(label), concept) for _, label, concept in patterns]

    def __contains__(self, concept: URIRef) -> bool:
        return (concept, SKOS.inScheme, self.iri) in self.graph

    def concepts(self) -> list[URIRef]:
        return sorted(self.graph.subjects(SKOS.inScheme, self.iri))

    def lookup(self, text: str) -> URIRef | None:
        return self._by_label.get(normalize_label(text)) or self._by_squashed.get(_squashed(text))

    def match_at(self, text: str, pos: int = 0) -> Match | None:
        """The longest label that starts exactly at text[pos]."""
        for pattern, concept in self._patterns:
            m = pattern.match(text, pos)
            if m:
                return Match(concept, m.start(), m.end(), m.group(0))
        return None

    def search(self, text: str) -> Match | None:
        """The first (then longest) label occurring anywhere in text, at word starts."""
        best = None
        for pattern, concept in self._patterns:
            for m in pattern.finditer(text):
                if m.start() > 0 and (text[m.start() - 1].isalnum()):
                    continue
                if best is None or m.start() < best.start or (
                        m.start() == best.start and m.end() > best.end):
                    best = Match(concept, m.start(), m.end(), m.group(0))
                break
        return best

    def pref_label(self, concept: URIRef) -> str:
        label = self.graph.value(concept, SKOS.prefLabel)
        return str(label) if label is not None else str(concept)


@lru_cache(maxsize=1)
def vocabulary_graph() -> Graph:
    """All controlled vocabularies: ontology/vocabularies/*.ttl and data/vocab/*.ttl."""
    graph = Graph()
    for folder in (project.current().ontology_dir / "vocabularies", project.current().vocab_dir):
        for path in sorted(folder.glob("*.ttl")):
            graph.parse(path, format="turtle")
    return graph


@lru_cache(maxsize=None)
def scheme(name: str) -> Scheme:
    """A scheme by its short name, e.g. 'key-action-status', 'un-entity'."""
    iri = URIRef(VOCAB + name)
    graph = vocabulary_graph()
    if not any(graph.subjects(SKOS.inScheme, iri)):
        raise KeyError(f"no concept scheme {iri} in the vocabulary files")
    return Scheme(graph, iri)


@lru_cache(maxsize=1)
def _schemes_by_label() -> dict[str, str]:
    graph = vocabulary_graph()
    names = {}
    for iri in sorted(graph.subjects(RDF.type, SKOS.ConceptScheme)):
        if str(iri).startswith(VOCAB):
            for prop in (SKOS.prefLabel, SKOS.altLabel):
                for label in graph.objects(iri, prop):
                    names.setdefault(normalize_label(str(label)), str(iri)[len(VOCAB):])
    return names


def scheme_of_field(field: str) -> Scheme | None:
    """The scheme a document field holds values of, found by the field's name among the
    schemes' labels ("Thematic Area" -> thematic-area); None for a field no scheme names."""
    name = _schemes_by_label().get(normalize_label(field))
    return scheme(name) if name is not None else None


def concept_in(scheme_name: str, key: str) -> URIRef:
    """The IRI of a concept of a scheme by its slug, e.g. ('key-action-status', 'completed')."""
    return URIRef(f"{VOCAB}{scheme_name}/{key}")


@lru_cache(maxsize=1)
def _expansions() -> dict[str, list[URIRef]]:
    graph = vocabulary_graph()
    return {normalize_label(str(graph.value(e, RDFS.label))): sorted(graph.objects(e, KGB.expandsTo))
            for e in graph.subjects(RDF.type, KGB.LabelExpansion)}


def concepts_for(scheme_name: str, text: str) -> list[URIRef]:
    """The concepts a phrase names: by label, by label without a trailing '(ACRONYM)', by
    the acronym alone, or by a kgb:LabelExpansion ('rural youth and women' -> two)."""
    found = scheme(scheme_name).lookup(text)
    if found is not None:
        return [found]
    expanded = _expansions().get(normalize_label(text))
    if expanded:
        return list(expanded)
    m = re.match(r"^(.*?)\s*\(([^()]+)\)\s*$", text)
    if m:
        for part in (m.group(1), m.group(2)):
            found = scheme(scheme_name).lookup(part)
            if found is not None:
                return [found]
    return []
