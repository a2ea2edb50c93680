"""The alignment stage: read recommendations and key actions from the graph, propose SDG
targets and cooperation-framework outcomes, and return the triples of the inferred graph.

Each proposal becomes a kgb:Alignment (target or outcome, confidence, methods, evidence,
prov:wasDerivedFrom the item); kgb:supportsTarget / kgb:supportsOutcome are asserted only
at or above the threshold of data/align/settings.toml.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS, XSD

from .align import Aligner, Evidence, Proposal, noisy_or
from .namespaces import KGB, SDG
from .store import KnowledgeGraph
from .vocab import concept_in


@dataclass
class Item:
    iri: URIRef
    kind: str                   # "recommendation" | "action"
    text: str
    context: list[tuple[str, str, float]] = field(default_factory=list)
    tags: list[tuple[str, str]] = field(default_factory=list)
    context_tags: list[tuple[str, str]] = field(default_factory=list)
    countries: set[str] = field(default_factory=set)
    years: tuple[int, int] | None = None      # the time the item is about


@dataclass
class OutcomeInfo:
    iri: URIRef
    number: str
    statement: str
    targets: set[str]
    countries: set[str]
    years: tuple[int, int] | None


def _tags(kg: KnowledgeGraph) -> dict[URIRef, list[tuple[str, str]]]:
    """(scheme name, label) of each recommendation's classification concepts."""
    tags: dict[URIRef, set[tuple[str, str]]] = defaultdict(set)
    for prop in (KGB.thematicArea, KGB.operatingPrinciple, KGB.organizationalPriority, KGB.unegCriterion):
        for rec, concept in kg.subject_objects(prop):
            for scheme_iri in kg.objects(concept, SKOS.inScheme):
                for label in kg.objects(concept, SKOS.prefLabel):
                    tags[rec].add((str(scheme_iri).rstrip("/").rsplit("/", 1)[-1], str(label)))
    return {rec: sorted(found) for rec, found in tags.items()}


def items(kg: KnowledgeGraph, settings: dict) -> list[Item]:
    inherited, comment_factor = settings["context"]["inherited"], settings["context"]["comment"]
    tags = _tags(kg)
    found: list[Item] = []
    recs = kg.query("""
        SELECT ?rec ?text ?rationale ?respText ?start ?end (GROUP_CONCAT(?country) AS ?countries) WHERE {
          ?eval kgb:hasRecommendation ?rec . ?rec dcterms:description ?text .
          OPTIONAL { ?rec kgb:rationale ?rationale }
          OPTIONAL { ?rec kgb:hasManagementResponse/dcterms:description ?respText }
          OPTIONAL { ?eval kgb:periodStart ?start ; kgb:periodEnd ?end }
          OPTIONAL { ?eval kgb:country ?country }
        } GROUP BY ?rec ?text ?rationale ?respText ?start ?end ORDER BY ?rec""")
    for rec, text, rationale, response, start, end, countries in recs:
        context = [("response", str(response), inherited)] if response else []
        found.append(Item(rec, "recommendation", " ".join(filter(None, [str(text), str(rationale or "")])),
                          context, tags.get(rec, []), [], set(str(countries).split()),
                          (int(str(start)), int(str(end))) if start else None))
    actions = kg.query("""
        SELECT ?action ?text ?comment ?recText ?respText ?rec ?deadline ?start ?end (GROUP_CONCAT(?country) AS ?countries) WHERE {
          ?eval kgb:hasRecommendation ?rec . ?rec kgb:hasManagementResponse ?resp . ?resp kgb:hasKeyAction ?action .
          ?action dcterms:description ?text . ?rec dcterms:description ?recText .
          OPTIONAL { ?action kgb:progressComment ?comment }
          OPTIONAL { ?resp dcterms:description ?respText }
          OPTIONAL { ?action kgb:deadline ?deadline }
          OPTIONAL { ?eval kgb:periodStart ?start ; kgb:periodEnd ?end }
          OPTIONAL { ?eval kgb:country ?country }
        } GROUP BY ?action ?text ?comment ?recText ?respText ?rec ?deadline ?start ?end ORDER BY ?action""")
    for action, text, comment, rec_text, response, rec, deadline, start, end, countries in actions:
        context = [("recommendation", str(rec_text), inherited)]
        if response:
            context.append(("response", str(response), inherited))
        if comment:
            context.append(("progress comment", str(comment), comment_factor))
        if deadline:
            year = int(str(deadline)[:4])
            years = (year, year)
        else:
            years = (int(str(start)), int(str(end))) if start else None
        found.append(Item(action, "action", str(text), context, [], tags.get(rec, []), set(str(countries).split()), years))
    return found


def outcomes(kg: KnowledgeGraph) -> list[OutcomeInfo]:
    rows = kg.query("""
        SELECT ?o ?number ?statement ?start ?end (GROUP_CONCAT(DISTINCT ?country) AS ?countries)
               (GROUP_CONCAT(DISTINCT STR(?t)) AS ?targets) WHERE {
          ?fw kgb:hasOutcome ?o . ?o skos:notation ?number ; dcterms:description ?statement .
          OPTIONAL { ?o kgb:primaryTarget|kgb:crosscuttingTarget ?t }
          OPTIONAL { ?fw kgb:periodStart ?start ; kgb:periodEnd ?end }
          OPTIONAL { ?fw kgb:country ?country }
        } GROUP BY ?o ?number ?statement ?start ?end ORDER BY ?number""")
    return [OutcomeInfo(o, str(number), str(statement),
                        {t.rsplit("/", 1)[-1] for t in str(targets).split()}, set(str(countries).split()),
                        (int(str(start)), int(str(end))) if start else None)
            for o, number, statement, start, end, countries, targets in rows]


def _overlaps(a: tuple[int, int] | None, b: tuple[int, int] | None) -> bool:
    return a is not None and b is not None and a[0] <= b[1] and b[0] <= a[1]


def outcome_proposals(aligner: Aligner, item: Item, proposals: list[Proposal],
                      candidates: list[OutcomeInfo]) -> list[tuple[OutcomeInfo, float, list[Evidence]]]:
    settings = aligner.settings["outcomes"]
    found = []
    for outcome in candidates:
        if not (item.countries & outcome.countries) or not _overlaps(item.years, outcome.years):
            continue
        evidence = []
        shared = [p for p in proposals if p.target in outcome.targets]
        if shared:
            best = shared[0]
            evidence.append(Evidence(best.target, round(best.confidence * settings["target_overlap"], 4),
                                     "target-overlap", f"shares target {best.target} with outcome {outcome.number}"))
        text = " ".join([item.text] + [t for name, t, _ in item.context if name != "progress comment"])
        cosine = aligner.similarity(text, outcome.statement)
        sim = min(settings["similarity_cap"], settings["similarity_scale"] * cosine)
        if sim > 0:
            evidence.append(Evidence(best.target if shared else "", round(sim, 4), "text-similarity",
                                     f"similar to the outcome statement (cosine {cosine:.2f})"))
        confidence = round(noisy_or(e.confidence for e in evidence), 3)
        if confidence >= aligner.settings["record_threshold"]:
            found.append((outcome, confidence, evidence))
    found.sort(key=lambda f: (-f[1], f[0].number))
    return found


def align(kg: KnowledgeGraph, aligner: Aligner | None = None) -> Graph:
    aligner = aligner or Aligner()
    graph = Graph()
    candidates = outcomes(kg)
    threshold = aligner.assert_threshold
    for item in items(kg, aligner.settings):
        proposals = aligner.propose(item.text, item.tags, item.context, item.context_tags)
        for p in proposals:
            node = URIRef(f"{item.iri}/alignment/target/{p.target}")
            _alignment(graph, node, item.iri, SDG[p.target], p.confidence, p.evidence)
            if p.confidence >= threshold:
                graph.add((item.iri, KGB.supportsTarget, SDG[p.target]))
        for outcome, confidence, evidence in outcome_proposals(aligner, item, proposals, candidates):
            node = URIRef(f"{item.iri}/alignment/outcome/{outcome.number}")
            _alignment(graph, node, item.iri, outcome.iri, confidence, evidence)
            if confidence >= threshold:
                graph.add((item.iri, KGB.supportsOutcome, outcome.iri))
    return graph


def _alignment(graph: Graph, node: URIRef, item: URIRef, to: URIRef, confidence: float,
               evidence: list[Evidence]) -> None:
    graph.add((node, RDF.type, KGB.Alignment))
    graph.add((node, KGB.alignmentOf, item))
    graph.add((node, KGB.alignedTo, to))
    graph.add((node, PROV.wasDerivedFrom, item))
    graph.add((node, KGB.confidence, Literal(f"{confidence:.3f}", datatype=XSD.decimal)))
    graph.add((node, RDFS.label, Literal(f"alignment to {str(to).rsplit('/', 1)[-1]} ({confidence:.3f})")))
    methods = {e.method for e in evidence} | ({"inherited"} if any(e.source != "text" for e in evidence) else set())
    for method in sorted(methods):
        graph.add((node, KGB.alignmentMethod, concept_in("alignment-method", method)))
    for e in evidence:
        where = "" if e.source == "text" else f" in the {e.source}"
        graph.add((node, KGB.evidenceText, Literal(f"{e.detail}{where} ({e.confidence:.2f})")))
