"""The reasoning stage: OWL 2 RL (owlrl) over the ontology and every data graph, on a copy.

Only what is new goes to the named graph graph/inferred/reasoning, so reasoning never
changes what was read. Entailments the saved queries rely on:
  - inverses: kgb:keyActionOf, kgb:respondsTo, kgb:recommendationOf, kgb:measuresOutcome,
    sdgo:hasTarget, sdgo:hasIndicator;
  - subproperties: kgb:primaryTarget / kgb:crosscuttingTarget / kgb:citedTarget ->
    kgb:addressesTarget; kgb:globalIndicator / nationalIndicatorOf / proxyFor ->
    kgb:sdgIndicator; sdgo:isTargetOf -> skos:broader;
  - subclasses: kgb:ThematicArea -> skos:Concept, org:FormalOrganization -> org:Organization.
Measured on the built graph (about 19,000 triples): OWL-RL took 10 s, the RDFS closure
14 s, and only OWL-RL gives the inverses; so OWL-RL it is. Without the literal-valued
triples (see below) it takes about 3 s.

What the closure also yields and is dropped as noise: triples about literals, reflexive
owl:sameAs / equivalence / subclass / subproperty triples, rdf:type owl:Thing, anything
with a blank node, and entailments about the ontology's own terms or those of reused
vocabularies.
"""
from __future__ import annotations

from rdflib import BNode, Graph, Literal
from rdflib.namespace import OWL, RDF

from .namespaces import graph_iri
from .store import KnowledgeGraph

REFLEXIVE_NOISE = {OWL.sameAs, OWL.equivalentClass, OWL.equivalentProperty}
# Terms of reused vocabularies (owl:Nothing, skos:broader …): what the closure says about
# them is about the vocabularies, not about our data.
STANDARD_VOCABULARIES = ("http://www.w3.org/", "http://purl.org/dc/", "http://xmlns.com/foaf/", "http://schema.org/",
                         "http://rdfs.org/")


def reason(kg: KnowledgeGraph) -> Graph:
    import owlrl
    ontology = kg.graph(graph_iri("ontology"))
    asserted = kg.union([name for name in kg.graph_names() if name != graph_iri("inferred", "reasoning")])
    # Literal-valued triples are left out of the closure: every subject is typed already,
    # datatype reasoning is off, and they are most of the graph (the closure runs 4x faster).
    closure = Graph()
    for triple in asserted:
        if not isinstance(triple[2], Literal):
            closure.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(closure)
    ontology_terms = set(ontology.subjects())
    inferred = Graph()
    for triple in closure:
        if triple in asserted:
            continue
        s, p, o = triple
        if isinstance(s, Literal) or isinstance(s, BNode) or isinstance(o, BNode):
            continue
        if s == o or (p == RDF.type and o == OWL.Thing) or p in REFLEXIVE_NOISE:
            continue
        if s in ontology_terms or str(s).startswith(STANDARD_VOCABULARIES):
            continue
        inferred.add(triple)
    return inferred
