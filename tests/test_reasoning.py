"""OWL 2 RL reasoning: the entailments the queries rely on, in their own graph, never
touching what was read; the rules engine (default) gives exactly what owlrl gives."""
from __future__ import annotations

import pytest
from conftest import SOURCES, key_of
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import ORG, OWL, RDF

from kgbuild.families import map_document
from kgbuild.namespaces import KGB, SDG, SDGO, graph_iri
from kgbuild.families import read_document
from kgbuild.reason import ONTOLOGY, REASONING, SCRATCH, TBox, reason
from kgbuild.store import OxigraphStore
from kgbuild.vocab import scheme

DATA = str(graph_iri("source", "reasoning-test"))
PREFIXES = """@prefix ex: <http://example.org/> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
"""


def inferred(store) -> set:
    return set(store.triples(REASONING))


def copy_of_input(store) -> OxigraphStore:
    """A fresh store holding every graph of `store` but the reasoning graph: the stage's input."""
    copy = OxigraphStore()
    for name in store.graph_names():
        if name != REASONING:
            copy.replace_graph(name, store.dump("ntriples", name))
    return copy


def small_store(ontology: str, data: str) -> OxigraphStore:
    store = OxigraphStore()
    store.replace_graph(ONTOLOGY, PREFIXES + ontology, fmt="turtle")
    store.replace_graph(DATA, PREFIXES + data, fmt="turtle")
    return store


def turtle_triples(text: str) -> set:
    store = OxigraphStore()
    store.replace_graph("urn:expected", PREFIXES + text, fmt="turtle")
    return set(store.triples("urn:expected"))


# -- the seed corpus ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def owlrl_result(full_build):
    """The reference: owlrl's closure of the same input, filtered the same way."""
    store = copy_of_input(full_build.store)
    result = reason(store, engine="owlrl")
    return result, inferred(store)


def test_rules_engine_equals_owlrl_on_the_seed_corpus(full_build, owlrl_result):
    """Exact equality of the whole inferred graph, so every predicate and class the saved
    queries read (inverses, kgb:addressesTarget, kgb:sdgIndicator, org:Organization …)
    is covered, not a chosen subset."""
    rules = inferred(full_build.store)
    result, reference = owlrl_result
    assert reference, "owlrl entailed nothing: the comparison would be empty"
    assert rules == reference, (sorted(reference - rules)[:5], sorted(rules - reference)[:5])
    assert result.counts["entailed"] == len(reference)


def test_reasonable_engine_equals_owlrl_on_the_seed_corpus(full_build, owlrl_result):
    pytest.importorskip("reasonable")
    store = copy_of_input(full_build.store)
    reason(store, engine="reasonable")
    assert inferred(store) == owlrl_result[1]


def test_inverses_the_queries_walk_up_with(full_build):
    graph = inferred(full_build.store)

    def pairs(predicate):
        return {(s, o) for s, p, o in graph if p == predicate}
    assert len(pairs(KGB.keyActionOf)) == 72
    assert len(pairs(KGB.respondsTo)) == 26
    assert len(pairs(KGB.recommendationOf)) == 26
    assert (SDG["5"], SDGO.hasTarget, SDG["5.2"]) in graph
    assert len(pairs(SDGO.hasTarget)) == 169


def test_subproperties_and_subclasses(full_build):
    store = full_build.store
    graph = inferred(store)
    outcome = store.select("SELECT ?o ?t WHERE { ?o kgb:primaryTarget ?t }", bindings={"t": SDG["5.2"]}).rows[0][0]
    assert (outcome, KGB.addressesTarget, SDG["5.2"]) in graph
    assert (scheme("un-entity").lookup("UN Women"), RDF.type, ORG.Organization) in graph


def test_reasoning_adds_only_new_clean_triples(full_build):
    store = full_build.store
    graph = inferred(store)
    for name in store.graph_names():
        if name != REASONING:
            assert not graph & set(store.triples(name)), name
    for s, p, o in graph:
        assert not isinstance(s, (Literal, BNode)) and not isinstance(o, BNode)
        assert s != o and p != OWL.sameAs and o != OWL.Thing
    assert not [name for name in store.graph_names() if name.startswith(SCRATCH)]


def test_what_was_read_is_unchanged_by_the_later_stages(full_build):
    name = "undp-erc-kazakhstan-international-cooperation-outcome-2018"
    fresh = OxigraphStore()
    fresh.replace_graph(graph_iri("source", key_of(name)), map_document(read_document(SOURCES / f"{name}.txt")))
    built = full_build.store.sorted_lines([graph_iri("source", key_of(name))])
    assert len(built) > 800 and built == fresh.sorted_lines()


# -- one rule at a time: each case fails if its rule is missing ---------------------------

CASES = {
    "inverse": (
        "ex:has owl:inverseOf ex:of .",
        "ex:a ex:has ex:b . ex:c ex:of ex:d .",
        "ex:b ex:of ex:a . ex:d ex:has ex:c ."),
    "subproperty chain": (
        "ex:p1 rdfs:subPropertyOf ex:p2 . ex:p2 rdfs:subPropertyOf ex:p3 .",
        "ex:a ex:p1 ex:b .",
        "ex:a ex:p2 ex:b . ex:a ex:p3 ex:b ."),
    "inverse, then its superproperty (sdgo:isTargetOf -> hasTarget -> skos:narrower)": (
        "ex:hasTarget owl:inverseOf ex:isTargetOf . ex:hasTarget rdfs:subPropertyOf ex:narrower .",
        "ex:t ex:isTargetOf ex:g .",
        "ex:g ex:hasTarget ex:t . ex:g ex:narrower ex:t ."),
    "superproperty, then its inverse": (
        "ex:primary rdfs:subPropertyOf ex:addresses . ex:addresses owl:inverseOf ex:addressedBy .",
        "ex:o ex:primary ex:t .",
        "ex:o ex:addresses ex:t . ex:t ex:addressedBy ex:o ."),
    "equivalent property": (
        "ex:p owl:equivalentProperty ex:q .",
        "ex:a ex:p ex:b . ex:c ex:q ex:d .",
        "ex:a ex:q ex:b . ex:c ex:p ex:d ."),
    "symmetric": (
        "ex:near a owl:SymmetricProperty .",
        "ex:a ex:near ex:b .",
        "ex:b ex:near ex:a ."),
    "subclass chain": (
        "ex:A rdfs:subClassOf ex:B . ex:B rdfs:subClassOf ex:C .",
        "ex:x a ex:A .",
        "ex:x a ex:B , ex:C ."),
    "equivalent class": (
        "ex:A owl:equivalentClass ex:B .",
        "ex:x a ex:A . ex:y a ex:B .",
        "ex:x a ex:B . ex:y a ex:A ."),
    "domain and range, with superclasses and subproperties": (
        "ex:p rdfs:domain ex:D ; rdfs:range ex:R . ex:D rdfs:subClassOf ex:D2 . ex:q rdfs:subPropertyOf ex:p .",
        "ex:x ex:q ex:y .",
        "ex:x ex:p ex:y . ex:x a ex:D , ex:D2 . ex:y a ex:R ."),
    "domain through an inverse": (
        "ex:has owl:inverseOf ex:of . ex:of rdfs:domain ex:Part .",
        "ex:w ex:has ex:part .",
        "ex:part ex:of ex:w . ex:part a ex:Part ."),
    "transitive, several rounds": (
        "ex:before a owl:TransitiveProperty .",
        "ex:a ex:before ex:b . ex:b ex:before ex:c . ex:c ex:before ex:d .",
        "ex:a ex:before ex:c , ex:d . ex:b ex:before ex:d ."),
    "transitive over subproperty and inverse": (
        ("ex:broader a owl:TransitiveProperty . ex:parent rdfs:subPropertyOf ex:broader . "
        "ex:broader owl:inverseOf ex:narrower ."),
        "ex:a ex:parent ex:b . ex:b ex:parent ex:c .",
        ("ex:a ex:broader ex:b , ex:c . ex:b ex:broader ex:c . "
        "ex:b ex:narrower ex:a . ex:c ex:narrower ex:a , ex:b .")),
    "property chain, then its superproperty": (
        ("ex:grandparent owl:propertyChainAxiom ( ex:parent ex:parent ) . "
        "ex:grandparent rdfs:subPropertyOf ex:ancestor ."),
        "ex:a ex:parent ex:b . ex:b ex:parent ex:c .",
        "ex:a ex:grandparent ex:c . ex:a ex:ancestor ex:c ."),
    "chain through derived triples with a blank node (kept as premises, then dropped)": (
        "ex:grandparent owl:propertyChainAxiom ( ex:parent ex:parent ) . ex:q rdfs:subPropertyOf ex:parent .",
        "ex:a ex:q _:b . _:b ex:q ex:c .",
        "ex:a ex:grandparent ex:c ."),
    "noise and what is asserted are not kept": (
        ("ex:has owl:inverseOf ex:of . ex:A rdfs:subClassOf ex:B . ex:p rdfs:subPropertyOf ex:q . "
        "ex:Term a ex:A ."),
        ("ex:a ex:has _:blank . ex:a ex:has ex:b . ex:b ex:of ex:a . ex:x ex:p \"literal\" . ex:s ex:has ex:s . "
        "ex:Term ex:p ex:y ."),
        ""),
}


@pytest.mark.parametrize("case", list(CASES))
def test_rules_engine_applies_each_rule(case):
    ontology, data, expected = CASES[case]
    store = small_store(ontology, data)
    before = {name: set(store.triples(name)) for name in store.graph_names()}
    result = reason(store)
    assert inferred(store) == turtle_triples(expected)
    assert result.counts["entailed"] == len(turtle_triples(expected))
    assert {name: set(store.triples(name)) for name in before} == before   # what was read is unchanged
    assert set(store.graph_names()) - set(before) <= {REASONING}          # no scratch graph left


@pytest.mark.parametrize("case", list(CASES))
def test_owlrl_agrees_on_each_case(case):
    """The hand-written expectations are what the reference engine says, too."""
    ontology, data, expected = CASES[case]
    store = small_store(ontology, data)
    reason(store, engine="owlrl")
    assert inferred(store) == turtle_triples(expected)


def test_reasoning_twice_gives_the_same_graph():
    ontology, data, expected = CASES["transitive over subproperty and inverse"]
    store = small_store(ontology, data)
    reason(store)
    first = store.dump("ntriples", REASONING)
    reason(store)
    assert store.dump("ntriples", REASONING) == first
    assert inferred(store) == turtle_triples(expected)


def test_unsupported_constructs_are_reported_not_ignored():
    store = small_store("ex:id a owl:FunctionalProperty .", "ex:a ex:id ex:b . ex:a ex:id ex:c .")
    problems = reason(store).problems
    assert any("FunctionalProperty" in problem.message for problem in problems)
    assert not reason(small_store(*CASES["inverse"][:2])).problems


def test_tbox_closure_per_property():
    """What one triple entails is computed once per property, in both directions."""
    ex = "http://example.org/"
    tbox = TBox.from_triples(turtle_triples(CASES["superproperty, then its inverse"][0]))
    assert set(tbox.expansions[URIRef(ex + "primary")]) == {(True, URIRef(ex + "addresses")),
                                                          (False, URIRef(ex + "addressedBy"))}


def test_unknown_engine_is_refused():
    with pytest.raises(ValueError, match="unknown reasoning engine"):
        reason(OxigraphStore(), engine="hermit")
