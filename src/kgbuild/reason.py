"""The reasoning stage: the OWL 2 RL entailments of the ontology over every data graph.

Only what is new goes to the named graph graph/inferred/reasoning, so reasoning never
changes what was read. Entailments the saved queries rely on:
  - inverses: kgb:keyActionOf, kgb:respondsTo, kgb:recommendationOf, kgb:measuresOutcome,
    sdgo:hasTarget, sdgo:hasIndicator;
  - subproperties: kgb:primaryTarget / kgb:crosscuttingTarget / kgb:citedTarget ->
    kgb:addressesTarget; kgb:globalIndicator / nationalIndicatorOf / proxyFor ->
    kgb:sdgIndicator; sdgo:isTargetOf -> skos:broader;
  - subclasses: kgb:ThematicArea -> skos:Concept, org:FormalOrganization -> org:Organization.

What is kept (the same for every engine, see `is_noise` and `keep`): triples that
no input graph holds, leaving out triples about literals, reflexive owl:sameAs /
equivalence / subclass / subproperty triples, rdf:type owl:Thing, anything with a blank
node, and entailments about the terms the ontology graph names (as subject or object) or
about those of reused vocabularies. (Before the rules engine only the ontology's subjects
were left out; on the seed corpus the result is the same 3,061 triples.)
Literal-valued triples do not enter the closure: every subject is typed already, datatype
reasoning is off, and they are most of the graph (with them owlrl runs 3-4x slower and
would only add copies such as schema:name for every skos:prefLabel).

Engines (`reason(store, engine=...)`):
  - "rules" (default). Which OWL 2 RL rules fire on this data was found by matching every
    triple of the owlrl result on the seed corpus (3,061 triples) to the rule that makes it
    in one step: prp-inv1/2 629 (kgb:keyActionOf 72, respondsTo 26, recommendationOf 26,
    measuresOutcome 82, outcomeOf 6, sdgo:hasTarget 169, sdgo:hasIndicator 248); prp-spo1
    1,299 (prov:wasDerivedFrom 669 from kgb:sourceSpan, skos:narrower 417 from the
    *inferred* sdgo:hasTarget/hasIndicator, kgb:addressesTarget 132, kgb:sdgIndicator 73,
    dcterms:isPartOf 8); cax-sco 1,133 (prov:Entity 1,068, org:Organization 56 of which 21
    also by prp-rng, org:OrganizationalUnit 4, foaf:Document 5); all on top of the TBox
    rules scm-*. No other rule adds a kept triple (the one owl:propertyChainAxiom,
    schema:keywords, ends in a literal).
    So the TBox (ontology graph only, a few hundred triples) is closed once in Python:
    for each property p, every (direction, property) that `x p y` entails through
    subPropertyOf*, equivalentProperty, inverseOf and SymmetricProperty, and the classes
    its subject and object get from rdfs:domain / rdfs:range, closed under subClassOf* /
    equivalentClass. The ABox part then runs as SPARQL Update rules inside the store
    (nothing crosses into Python), semi-naively to a fixpoint: one pass settles all of the
    above; TransitiveProperty and propertyChainAxiom (prp-trp, prp-spo2) add rounds when
    the ontology declares them. Constructs the rules do not cover (owl:sameAs, functional /
    inverse-functional properties, keys, class expressions) are reported as problems:
    use engine="owlrl" for those.
  - "owlrl": the reference (the code used before), owlrl's OWL 2 RL closure over an rdflib
    copy built from the store's dumps.
  - "reasonable": the Rust OWL 2 RL reasoner `reasonable` (0.4.4) on the same copy,
    filtered the same way.

Measured on 2 cores. Input: every graph but the reasoning graph; the large stores are the
seed's source graphs loaded N times with /kgbuild/id/ rewritten to /kgbuild/id/copyN/
(ontology, vocabulary, reference and alignment graphs once). The engines give identical
graphs on the seed (3,061 triples, tests/test_reasoning.py) and the same counts at every
larger size measured (19,170 / 46,005 / 90,730 / 180,180).
Other builds shared the machine (load 4-7), so rules times are the process's CPU seconds
(wall on an idle machine was the same: 5.6 s at 1M); owlrl and reasonable are wall times.

    input quads      rules, in memory   rules, on disk (RocksDB)   owlrl             reasonable
    19,167 (seed)    0.1 s              -                          6.5 s             1.1 s
    107,250 (x10)    0.6 s              -                          90 s              36 s
    254,055 (x25)    1.4 s              -                          321 s             39 s
    498,730 (x50)    2.7 s              7.4 s                      -                 155 s
    988,080 (x100)   4.5 s              16 s                       ~1,300-2,400 s *  295 s **

 *  not run past 600 s: from x10 to x25 owlrl's time grew as input^1.47; 1M extrapolates
    to 2,400 s (1,300 s if it were linear). Peak 690 MiB at x25.
 ** 137 s to copy the store into rdflib, 51 s in reasonable itself; peak 3.5 GiB.

So "rules" is the default: the same entailments on this ontology, linear (4.6 us per
input quad in memory), and it never copies the store into Python; `reasonable` is 5-10x
faster than owlrl but the copy alone costs more than the budget of 8 s at 1M. On disk the
rules engine is bound by RocksDB's transactional writes (about 80 us per entailed quad).
"""
from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from .namespaces import graph_iri
from .records import Problem
from .stage import StageResult
from .store import nt_term, ntriples

REASONING = str(graph_iri("inferred", "reasoning"))
ONTOLOGY = str(graph_iri("ontology"))
SCRATCH = str(graph_iri("inferred", "reasoning-scratch")) + "/"   # rule rounds, dropped at the end
ENGINES = ("rules", "owlrl", "reasonable")

REFLEXIVE_NOISE = {OWL.sameAs, OWL.equivalentClass, OWL.equivalentProperty}
# Terms of reused vocabularies (owl:Nothing, skos:broader …): what the closure says about
# them is about the vocabularies, not about our data.
STANDARD_VOCABULARIES = ("http://www.w3.org/", "http://purl.org/dc/", "http://xmlns.com/foaf/", "http://schema.org/",
                         "http://rdfs.org/")

# OWL constructs outside the rules engine's fragment: they would make owlrl entail more.
UNSUPPORTED_PREDICATES = (OWL.hasKey, OWL.someValuesFrom, OWL.allValuesFrom, OWL.hasValue, OWL.intersectionOf,
                          OWL.unionOf, OWL.oneOf, OWL.complementOf, OWL.maxCardinality, OWL.maxQualifiedCardinality,
                          OWL.sameAs)
UNSUPPORTED_TYPES = (OWL.FunctionalProperty, OWL.InverseFunctionalProperty)


def reason(store, engine: str = "rules") -> StageResult:
    """Compute the entailments of the store's graphs (all but graph/inferred/reasoning) and
    write the new, non-noise ones to graph/inferred/reasoning, replacing what was there."""
    if engine not in ENGINES:
        raise ValueError(f"unknown reasoning engine {engine!r}; choose one of {', '.join(ENGINES)}")
    started = time.perf_counter()
    store.remove_graph(REASONING)
    problems: list[Problem] = []
    counts: dict[str, int] = {}
    if engine == "rules":
        tbox = TBox.from_triples(store.triples(ONTOLOGY))
        problems = [Problem("warning", ONTOLOGY, 0, message) for message in tbox.unsupported]
        if store.ask(f"ASK {{ GRAPH ?g {{ ?s owl:sameAs ?o }} FILTER(?g != <{ONTOLOGY}>) }}"):
            problems.append(Problem("warning", ONTOLOGY, 0, "owl:sameAs in the data: the rules engine does not "
                                                             "merge equal resources; use engine='owlrl'"))
        counts["rounds"] = apply_rules(store, tbox)
    else:
        entailed = closure_triples(store, engine)
        store.replace_graph(REASONING, ntriples(entailed))
    counts["entailed"] = store.count(REASONING)
    summary = f"{counts['entailed']} triples entailed (OWL 2 RL, {engine})"
    return StageResult("reason", summary, counts, time.perf_counter() - started, problems)


# -- the noise filter, in Python (owlrl, reasonable) and in SPARQL (rules) -------------------

def is_noise(triple: tuple, ontology_terms: set) -> bool:
    """True for what an engine entails but the graph does not keep (see the module doc)."""
    s, p, o = triple
    if isinstance(s, (Literal, BNode)) or isinstance(o, BNode):
        return True
    if s == o or (p == RDF.type and o == OWL.Thing) or p in REFLEXIVE_NOISE:
        return True
    return s in ontology_terms or str(s).startswith(STANDARD_VOCABULARIES)


def keep(s: str = "?s", p: str = "?p", o: str = "?o", ontology: bool = True) -> str:
    """The SPARQL form of `not is_noise((s, p, o))`, for variables or terms; without the
    ontology-term test when `ontology` is False (the rules state it as a MINUS)."""
    return (f"(isIRI({s}) && !isBlank({o}) && {s} != {o} && {p} NOT IN (owl:sameAs, owl:equivalentClass, "
            f"owl:equivalentProperty) && !({p} = rdf:type && {o} = owl:Thing) && "
            + " && ".join(f'!STRSTARTS(STR({s}), "{prefix}")' for prefix in STANDARD_VOCABULARIES)
            + (f" && NOT EXISTS {{ GRAPH <{ONTOLOGY}> {{ {s} ?anyP ?anyO }} }}"
               f" && NOT EXISTS {{ GRAPH <{ONTOLOGY}> {{ ?anyS ?anyP {s} }} }}" if ontology else "") + ")")

def ontology_terms(store) -> set:
    """Every IRI the ontology graph names, as subject or object: what is entailed about
    them (e.g. `ex:B rdfs:subClassOf ex:A` from `ex:A owl:equivalentClass ex:B`) is about
    the vocabulary, not about the data."""
    return {term for triple in store.triples(ONTOLOGY) for term in (triple[0], triple[2])
            if isinstance(term, URIRef)}


# -- the TBox, closed once ---------------------------------------------------------------

@dataclass
class TBox:
    """What one ABox triple entails under the ontology, precomputed per property and class.

    `expansions[p]`: (forward, q) pairs: `x p y` entails `x q y` (forward) or `y q x`.
    `property_types[p]`: (on_subject, C) pairs: `x p y` entails `x a C` or `y a C`.
    `superclasses[C]`: the proper superclasses D of C (subClassOf*, equivalentClass)."""
    expansions: dict = field(default_factory=dict)
    property_types: dict = field(default_factory=dict)
    superclasses: dict = field(default_factory=dict)
    transitive: set = field(default_factory=set)
    chains: list = field(default_factory=list)           # (p, [p1, …, pn])
    unsupported: list = field(default_factory=list)

    @classmethod
    def from_triples(cls, triples: Iterable[tuple]) -> TBox:
        triples = list(triples)
        sub_property, inverse, sub_class = defaultdict(set), defaultdict(set), defaultdict(set)
        domains, ranges = defaultdict(set), defaultdict(set)
        symmetric, transitive = set(), set()
        lists = {s: o for s, p, o in triples if p == RDF.rest}
        firsts = {s: o for s, p, o in triples if p == RDF.first}
        tbox = cls()
        for s, p, o in triples:
            if isinstance(s, Literal) or isinstance(o, Literal):
                continue
            if p == RDFS.subPropertyOf:
                sub_property[s].add(o)
            elif p == OWL.equivalentProperty:
                sub_property[s].add(o)
                sub_property[o].add(s)
            elif p == OWL.inverseOf:
                inverse[s].add(o)
                inverse[o].add(s)
            elif p == RDFS.subClassOf:
                sub_class[s].add(o)
            elif p == OWL.equivalentClass:
                sub_class[s].add(o)
                sub_class[o].add(s)
            elif p == RDFS.domain:
                domains[s].add(o)
            elif p == RDFS.range:
                ranges[s].add(o)
            elif p == RDF.type and o == OWL.SymmetricProperty:
                symmetric.add(s)
            elif p == RDF.type and o == OWL.TransitiveProperty:
                transitive.add(s)
            elif p == OWL.propertyChainAxiom:
                chain, node = [], o
                while node in firsts:
                    chain.append(firsts[node])
                    node = lists.get(node, RDF.nil)
                tbox.chains.append((s, chain))
            elif p in UNSUPPORTED_PREDICATES or (p == RDF.type and o in UNSUPPORTED_TYPES):
                tbox.unsupported.append(f"the rules engine does not apply {_short(p)} {_short(o)} (on {_short(s)}); "
                                        "use engine='owlrl'")
        tbox.transitive = transitive
        tbox.superclasses = {c: reachable(c, sub_class) - {c} for c in
                             set(sub_class) | {d for ds in sub_class.values() for d in ds}
                             | {c for cs in (*domains.values(), *ranges.values()) for c in cs}}
        tbox.superclasses = {c: ds for c, ds in tbox.superclasses.items() if ds}
        properties = (set(sub_property) | set(inverse) | set(domains) | set(ranges) | symmetric | transitive
                      | {q for qs in (*sub_property.values(), *inverse.values()) for q in qs}
                      | {q for _, chain in tbox.chains for q in chain} | {p for p, _ in tbox.chains})
        for p in properties:
            reached = {(True, p)}
            todo = [(True, p)]
            while todo:   # breadth-first over (direction, property): prp-spo1, prp-inv1/2, prp-symp
                forward, q = todo.pop()
                steps = [(forward, r) for r in sub_property.get(q, ())] + \
                        [(not forward, r) for r in inverse.get(q, ())] + \
                        ([(not forward, q)] if q in symmetric else [])
                for step in steps:
                    if step not in reached:
                        reached.add(step)
                        todo.append(step)
            types = set()
            for forward, q in reached:   # prp-dom / prp-rng, then cax-sco
                for c in domains.get(q, ()):
                    types |= {(forward, d) for d in {c} | tbox.superclasses.get(c, set())}
                for c in ranges.get(q, ()):
                    types |= {(not forward, d) for d in {c} | tbox.superclasses.get(c, set())}
            if reached - {(True, p)}:
                tbox.expansions[p] = sorted(reached - {(True, p)})
            if types:
                tbox.property_types[p] = sorted(types)
        return tbox

    def join_premises(self) -> set:
        """The properties the transitive and chain rules read."""
        return set(self.transitive) | {q for _, chain in self.chains for q in chain}


def reachable(start, edges: dict) -> set:
    seen, todo = {start}, [start]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _short(term) -> str:
    return nt_term(term) if not isinstance(term, URIRef) else f"<{term}>"


# -- the rules engine: SPARQL Update rules on the store, semi-naive to a fixpoint ----------

def apply_rules(store, tbox: TBox, max_rounds: int = 100) -> int:
    """Run the ABox rules in the store; return the number of rounds.

    Round 1 reads every input graph. The expansion rules (subproperty, inverse, symmetric,
    domain/range, subclass) are closed over the TBox, so what they write needs no second
    pass of them: it goes straight to graph/inferred/reasoning. Only what the transitive
    and chain rules derive (a scratch graph per round) is expanded again, and those rules
    join with one premise from the last round's output (semi-naive) until nothing is new.
    Noise is left out as it is derived, except for triples of the properties the joins
    read (intermediate triples, e.g. with blank nodes, may be their premises): those are
    filtered at the end."""
    for name in store.graph_names():
        if name.startswith(SCRATCH):   # a crashed run's leftovers
            store.remove_graph(name)
    has_joins = bool(tbox.transitive or tbox.chains)
    premises = tbox.join_premises()
    # Scratch graphs are removed above and made after round 1 reads; only R is written meanwhile
    # (and a test on the graph IRI as a string would cost a string lookup per premise on disk).
    inputs = ("GRAPH ?g", f"FILTER(?g != <{REASONING}>)")
    scratch: list[str] = []
    rounds = 0
    try:
        expand_source, join_source = inputs, inputs if has_joins else None
        while (expand_source or join_source) and rounds < max_rounds:
            rounds += 1
            joined = f"{SCRATCH}{rounds}"
            scratch.append(joined)
            before = store.count(REASONING) if has_joins else 0
            for sparql in expansion_rules(tbox, expand_source, REASONING, premises) if expand_source else ():
                store.update(sparql)
            for sparql in join_rules(tbox, join_source, joined) if join_source else ():
                store.update(sparql)
            grew, new_joined = has_joins and store.count(REASONING) > before, store.count(joined)
            # Next round: expand what the joins made; join with anything new (all of the
            # reasoning graph stands in for its new part: the joins look premises up by predicate).
            expand_source = (f"GRAPH <{joined}>", "") if new_joined else None
            delta = [f"<{graph}>" for graph, new in ((joined, new_joined), (REASONING, grew)) if new]
            join_source = ("GRAPH ?g", f"FILTER(?g IN ({', '.join(delta)}))") if delta else None
        for graph in scratch:
            store.update(f"INSERT {{ GRAPH <{REASONING}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} "
                         f"FILTER {keep()} }}")
        if premises:   # what was kept unfiltered for the joins
            values = " ".join(_term(q) for q in sorted(premises))
            store.update(f"DELETE {{ GRAPH <{REASONING}> {{ ?s ?p ?o }} }} WHERE {{ VALUES ?p {{ {values} }} "
                         f"GRAPH <{REASONING}> {{ ?s ?p ?o }} FILTER(!{keep()}) }}")
    except BaseException:
        store.remove_graph(REASONING)   # no half-made result
        raise
    finally:
        for graph in scratch:
            store.remove_graph(graph)
    return rounds


def _term(value) -> str:
    return nt_term(value)


def _union(branches: list[str]) -> str:
    return " UNION ".join(f"{{ {branch} }}" for branch in branches)


def expansion_rules(tbox: TBox, source: tuple, out: str, unfiltered: set = frozenset()) -> list[str]:
    """prp-spo1, prp-eqp, prp-inv, prp-symp, prp-dom, prp-rng, cax-sco, cax-eqc, closed:
    one update per entailed property or class, its premises looked up by predicate, and
    what any graph holds already taken out (MINUS with a bound predicate / class: an
    anti-join on one index range, faster than a NOT EXISTS per row).

    Premises come from `source` (graph pattern and filter); literal-valued triples are not
    premises (see the module doc). Noise is left out, but for the properties in `unfiltered`."""
    graph, graph_filter = source
    by_property, by_class = defaultdict(list), defaultdict(list)
    for p, pairs in sorted(tbox.expansions.items()):
        for forward, q in pairs:
            by_property[q].append(f"{graph} {{ ?a {_term(p)} ?b }} {graph_filter} FILTER(!isLiteral(?b))" if forward
                                  else f"{graph} {{ ?b {_term(p)} ?a }} {graph_filter} FILTER(!isLiteral(?a))")
    for p, pairs in sorted(tbox.property_types.items()):
        for on_subject, c in pairs:
            by_class[c].append(f"{graph} {{ ?a {_term(p)} ?o }} {graph_filter} FILTER(!isLiteral(?o))" if on_subject
                               else f"{graph} {{ ?s {_term(p)} ?a }} {graph_filter} FILTER(!isLiteral(?a))")
    for d, supers in sorted(tbox.superclasses.items()):
        for c in supers:
            by_class[c].append(f"{graph} {{ ?a rdf:type {_term(d)} }} {graph_filter}")
    def rule(q, o, branches):
        # Filters placed so that Oxigraph runs them after the anti-join, on new rows only.
        kept = "" if q in unfiltered else (f"FILTER {keep('?a', _term(q), o, ontology=False)} "
                                           f"MINUS {{ GRAPH <{ONTOLOGY}> {{ ?a ?anyP ?anyO }} }} "
                                           f"MINUS {{ GRAPH <{ONTOLOGY}> {{ ?anyS ?anyP ?a }} }}")
        variables = "?a ?b" if o == "?b" else "?a"   # DISTINCT first: fewer lookups and writes
        return (f"INSERT {{ GRAPH <{out}> {{ ?a {_term(q)} {o} }} }} WHERE {{ {{ SELECT DISTINCT {variables} "
                f"WHERE {{ {_union(branches)} }} }} MINUS {{ GRAPH ?seen {{ ?a {_term(q)} {o} }} }} {kept} }}")
    return ([rule(q, "?b", branches) for q, branches in sorted(by_property.items())]
            + [rule(RDF.type, _term(c), branches) for c, branches in sorted(by_class.items())])


def join_rules(tbox: TBox, delta: tuple, out: str) -> list[str]:
    """prp-trp and prp-spo2, with at least one premise from `delta` (semi-naive)."""
    graph, graph_filter = delta
    rules = [(p, [p, p]) for p in sorted(tbox.transitive)] + list(tbox.chains)
    updates = []
    for p, chain in rules:
        if not chain:
            continue
        branches = []
        for i in range(len(chain)):
            steps = []
            for j, q in enumerate(chain):
                pattern = f"?x{j} {_term(q)} ?x{j + 1} FILTER(!isLiteral(?x{j + 1}))"
                if j == i:
                    steps.append(f"{graph.replace('?g', '?d')} {{ {pattern} }} {graph_filter.replace('?g', '?d')}")
                else:
                    steps.append(f"GRAPH ?g{j} {{ {pattern} }}")
            branches.append(" ".join(steps))
        n = len(chain)
        updates.append(f"INSERT {{ GRAPH <{out}> {{ ?x0 {_term(p)} ?x{n} }} }} WHERE {{ {{ SELECT DISTINCT ?x0 ?x{n} "
                       f"WHERE {{ {_union(branches)} }} }} "
                       f"MINUS {{ GRAPH ?seen {{ ?x0 {_term(p)} ?x{n} }} }} }}")
    return updates


# -- the closure engines: owlrl (reference) and reasonable, on an rdflib copy ---------------

def closure_triples(store, engine: str) -> set:
    """The new, non-noise triples of a full OWL 2 RL closure computed outside the store."""
    from rdflib import Graph
    inputs = [name for name in store.graph_names() if name != REASONING and not name.startswith(SCRATCH)]
    asserted = Graph()
    for name in inputs:
        asserted.parse(data=store.dump("ntriples", name), format="nt")
    closure = Graph()
    for triple in asserted:
        if not isinstance(triple[2], Literal):
            closure.add(triple)
    if engine == "owlrl":
        import owlrl
        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(closure)
        entailed = set(closure)
    else:
        import reasonable
        reasoner = reasonable.PyReasoner()
        reasoner.from_graph(closure)
        entailed = set(reasoner.reason())
    terms = ontology_terms(store)
    return {t for t in entailed if t not in asserted and not is_noise(t, terms)}
