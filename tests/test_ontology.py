"""The ontology and vocabulary files themselves."""
from __future__ import annotations

from rdflib import Graph
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from conftest import ROOT
from kgbuild.namespaces import KGB


def test_every_kgb_term_has_a_label_and_a_definition():
    graph = Graph().parse(ROOT / "ontology" / "kgbuild.ttl")
    terms = {s for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
             for s in graph.subjects(RDF.type, kind) if str(s).startswith(str(KGB))}
    assert len(terms) > 60
    for term in terms:
        assert graph.value(term, RDFS.label) is not None, term
        assert graph.value(term, SKOS.definition) is not None, term


def test_every_term_used_in_the_code_is_declared():
    graph = Graph().parse(ROOT / "ontology" / "kgbuild.ttl")
    declared = {str(s).split("#")[1] for s in graph.subjects() if str(s).startswith(str(KGB))}
    import re
    used = set()
    for path in (ROOT / "src" / "kgbuild").rglob("*.py"):
        used |= set(re.findall(r"\bKGB\.(\w+)", path.read_text(encoding="utf-8")))
    for path in [*(ROOT / "queries").glob("*.rq"), *(ROOT / "shapes").glob("*.ttl")]:
        used |= set(re.findall(r"\bkgb:(\w+)", path.read_text(encoding="utf-8")))
    assert used - declared == set()


def test_every_concept_of_the_vocabularies_has_a_scheme_and_a_label():
    for path in sorted((ROOT / "ontology" / "vocabularies").glob("*.ttl")) + sorted((ROOT / "data" / "vocab").glob("*.ttl")):
        graph = Graph().parse(path)
        for concept in graph.subjects(RDF.type, SKOS.Concept):
            assert graph.value(concept, SKOS.inScheme) is not None, (path.name, concept)
            assert graph.value(concept, SKOS.prefLabel) is not None, (path.name, concept)
