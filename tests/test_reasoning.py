"""OWL-RL reasoning: the entailments the queries rely on, in their own graph, never
touching what was read."""
from __future__ import annotations

from rdflib import BNode, Literal
from rdflib.namespace import ORG, OWL, RDF

from conftest import SOURCES
from kgbuild.mapping import map_document
from kgbuild.namespaces import KGB, SDG, SDGO, graph_iri
from kgbuild.readers import read_document
from kgbuild.vocab import scheme


def inferred(full_build):
    return full_build.kg.graph(graph_iri("inferred", "reasoning"))


def test_inverses_the_queries_walk_up_with(full_build):
    graph = inferred(full_build)
    assert len(set(graph.subject_objects(KGB.keyActionOf))) == 72
    assert len(set(graph.subject_objects(KGB.respondsTo))) == 26
    assert len(set(graph.subject_objects(KGB.recommendationOf))) == 26
    assert (SDG["5"], SDGO.hasTarget, SDG["5.2"]) in graph
    assert len(set(graph.subject_objects(SDGO.hasTarget))) == 169


def test_subproperties_and_subclasses(full_build):
    graph = inferred(full_build)
    outcome = next(full_build.kg.dataset.subjects(KGB.primaryTarget, SDG["5.2"]))
    assert (outcome, KGB.addressesTarget, SDG["5.2"]) in graph
    assert (scheme("un-entity").lookup("UN Women"), RDF.type, ORG.Organization) in graph


def test_reasoning_adds_only_new_clean_triples(full_build):
    kg, graph = full_build.kg, inferred(full_build)
    asserted = [name for name in kg.graph_names() if name != graph_iri("inferred", "reasoning")]
    for name in asserted:
        assert not set(graph) & set(kg.graph(name)), name
    for s, p, o in graph:
        assert not isinstance(s, (Literal, BNode)) and not isinstance(o, BNode)
        assert s != o and p != OWL.sameAs and o != OWL.Thing


def test_what_was_read_is_unchanged_by_the_later_stages(full_build):
    name = "undp-erc-kazakhstan-international-cooperation-outcome-2018"
    fresh = map_document(read_document(SOURCES / f"{name}.txt"))
    assert set(full_build.kg.graph(graph_iri("source", name))) == set(fresh)
