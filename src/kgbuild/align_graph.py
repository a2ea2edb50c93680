"""The alignment stage: read recommendations and key actions from the store, propose SDG
targets and cooperation-framework outcomes, and write the named graph
`graph/inferred/alignment`.

Each proposal becomes a kgb:Alignment (target or outcome, confidence, methods, evidence,
prov:wasDerivedFrom the item); kgb:supportsTarget / kgb:supportsOutcome are asserted only
at or above the threshold of data/align/settings.toml.

The stage scales with the corpus, not with the number of items times the work per item:
a handful of SELECTs read every item (no query per item), the aligner reads all texts in one
batch (one thesaurus pass, one sparse TF-IDF product) and the outcome statements are
compared with all candidate items in one product. Results are those of aligning each item
on its own.
"""
from __future__ import annotations

import multiprocessing
import os
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, XSD

from .align import Aligner, Evidence, Proposal, noisy_or
from .namespaces import KGB, SDG, base_iri, graph_iri
from .stage import StageResult
from .store import Store, nt_term
from .vocab import concept_in

TAG_PROPERTIES = "kgb:thematicArea kgb:operatingPrinciple kgb:organizationalPriority kgb:unegCriterion"

# Each query reads one kind of node for the whole store; items are joined in Python.
EVALUATIONS = """
    SELECT DISTINCT ?eval ?start ?end ?country WHERE {
      ?eval kgb:hasRecommendation ?rec .
      OPTIONAL { ?eval kgb:periodStart ?start ; kgb:periodEnd ?end }
      OPTIONAL { ?eval kgb:country ?country }
    }"""
RECOMMENDATIONS = """
    SELECT ?eval ?rec ?text ?rationale WHERE {
      ?eval kgb:hasRecommendation ?rec . ?rec dcterms:description ?text .
      OPTIONAL { ?rec kgb:rationale ?rationale }
    }"""
RESPONSES = """
    SELECT ?rec ?resp ?respText WHERE {
      ?rec kgb:hasManagementResponse ?resp .
      OPTIONAL { ?resp dcterms:description ?respText }
    }"""
ACTIONS = """
    SELECT ?resp ?action ?text ?comment ?deadline WHERE {
      ?resp kgb:hasKeyAction ?action . ?action dcterms:description ?text .
      OPTIONAL { ?action kgb:progressComment ?comment }
      OPTIONAL { ?action kgb:deadline ?deadline }
    }"""
TAGGED = f"""
    SELECT ?concept (GROUP_CONCAT(STR(?rec); separator=" ") AS ?recs) WHERE {{
      VALUES ?p {{ {TAG_PROPERTIES} }} ?rec ?p ?concept . FILTER(isIRI(?rec))
    }} GROUP BY ?concept"""     # one row per concept: an IRI has no space
TAG_CONCEPTS = f"""
    SELECT DISTINCT ?concept ?scheme ?label WHERE {{
      {{ SELECT DISTINCT ?concept WHERE {{ VALUES ?p {{ {TAG_PROPERTIES} }} ?x ?p ?concept }} }}
      ?concept skos:inScheme ?scheme .
      ?concept skos:prefLabel ?label .
    }}"""     # the few concepts first: joined per tagged item, the labels took seconds at 1M
OUTCOMES = """
    SELECT ?o ?number ?statement ?start ?end (GROUP_CONCAT(DISTINCT ?country) AS ?countries)
           (GROUP_CONCAT(DISTINCT STR(?t)) AS ?targets) WHERE {
      ?fw kgb:hasOutcome ?o . ?o skos:notation ?number ; dcterms:description ?statement .
      OPTIONAL { ?o kgb:primaryTarget|kgb:crosscuttingTarget ?t }
      OPTIONAL { ?fw kgb:periodStart ?start ; kgb:periodEnd ?end }
      OPTIONAL { ?fw kgb:country ?country }
    } GROUP BY ?o ?number ?statement ?start ?end ORDER BY ?number"""


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


def alignment_iri(item: str, target: str | None = None, outcome: str | None = None) -> str:
    """The IRI of an item's alignment to an SDG target (by its code) or to an outcome (by the
    outcome's path under the base, which holds its framework: two frameworks of one country,
    both matching an evaluation's years, can each have an outcome 1.1). Outcomes are minted
    under the same base in the same build."""
    if target is not None:
        return f"{item}/alignment/target/{target}"
    return f"{item}/alignment/{str(outcome).removeprefix(base_iri())}"


def _tags(store: Store) -> dict[str, list[tuple[str, str]]]:
    """(scheme name, label) of each recommendation's classification concepts, by IRI."""
    labels: dict[URIRef, set[tuple[str, str]]] = defaultdict(set)
    for concept, scheme_iri, label in store.select(TAG_CONCEPTS):
        labels[concept].add((str(scheme_iri).rstrip("/").rsplit("/", 1)[-1], str(label)))
    tags: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for concept, recs in store.select(TAGGED):
        found = labels.get(concept)
        if found:
            for rec in str(recs).split(" "):
                tags[rec] |= found
    return {rec: sorted(found) for rec, found in tags.items()}


def _periods(store: Store) -> dict[URIRef, list[tuple[tuple | None, object]]]:
    """Per evaluation: its (period, country) combinations, each may be None."""
    found: dict[URIRef, list] = defaultdict(list)
    for ev, start, end, country in store.select(EVALUATIONS):
        found[ev].append(((start, end) if start is not None else None, country))
    return found


def _groups(evaluations, periods) -> dict[tuple | None, set[str]]:
    """The period groups of an item read through these evaluations, with the countries of
    each (the grouping of the original one-query-per-kind SELECT ... GROUP BY)."""
    groups: dict[tuple | None, set[str]] = {}
    for ev in evaluations:
        for period, country in periods.get(ev, [(None, None)]):
            countries = groups.setdefault(period, set())
            if country is not None:
                countries.update(str(country).split())
    return groups


def _years(period) -> tuple[int, int] | None:
    return (int(str(period[0])), int(str(period[1]))) if period is not None else None


def items(store: Store, settings: dict) -> list[Item]:
    """Every recommendation and key action with its text, context, tags, countries and time,
    from six whole-store SELECTs (none per item)."""
    inherited, comment_factor = settings["context"]["inherited"], settings["context"]["comment"]
    tags = _tags(store)
    periods = _periods(store)
    rec_evals: dict[URIRef, dict] = defaultdict(dict)
    rec_texts: dict[URIRef, dict] = defaultdict(dict)          # rec -> {description: {rationale: None}}
    for ev, rec, text, rationale in store.select(RECOMMENDATIONS):
        rec_evals[rec][ev] = None
        rec_texts[rec].setdefault(text, {})[rationale] = None
    responses: dict[URIRef, dict] = defaultdict(dict)           # rec -> {response: None}
    response_texts: dict[URIRef, dict] = defaultdict(dict)      # response -> {text: None}
    for rec, resp, resp_text in store.select(RESPONSES):
        responses[rec][resp] = None
        response_texts[resp][resp_text] = None
    recs_of: dict[URIRef, list[URIRef]] = defaultdict(list)
    for rec, found in responses.items():
        for resp in found:
            recs_of[resp].append(rec)

    found_items: list[Item] = []
    rec_groups = {rec: _groups(evals, periods) for rec, evals in rec_evals.items()}
    for rec in sorted(rec_texts):
        resp_texts = dict.fromkeys(t for resp in responses.get(rec, {}) for t in response_texts[resp] if t is not None)
        for text, rationales in rec_texts[rec].items():
            for rationale in rationales:
                for response in resp_texts or [None]:
                    context = [("response", str(response), inherited)] if response else []
                    for period, countries in rec_groups[rec].items():
                        found_items.append(Item(rec, "recommendation",
                                                " ".join(filter(None, [str(text), str(rationale or "")])),
                                                context, tags.get(str(rec), []), [], set(countries), _years(period)))

    actions: dict[tuple, None] = {}
    for resp, action, text, comment, deadline in store.select(ACTIONS):
        actions[(action, resp, text, comment, deadline)] = None
    grouped: dict[tuple, set[str]] = {}
    for action, resp, text, comment, deadline in actions:
        for rec in recs_of.get(resp, []):
            if rec not in rec_texts:
                continue
            for rec_text in rec_texts[rec]:
                for resp_text in response_texts[resp]:
                    for period, countries in rec_groups[rec].items():
                        key = (action, text, comment, rec_text, resp_text, rec, deadline, period)
                        grouped.setdefault(key, set()).update(countries)
    for key in sorted(grouped, key=lambda k: str(k[0])):
        action, text, comment, rec_text, resp_text, rec, deadline, period = key
        context = [("recommendation", str(rec_text), inherited)]
        if resp_text:
            context.append(("response", str(resp_text), inherited))
        if comment:
            context.append(("progress comment", str(comment), comment_factor))
        if deadline:
            year = int(str(deadline)[:4])
            years = (year, year)
        else:
            years = _years(period)
        found_items.append(Item(action, "action", str(text), context, [], tags.get(str(rec), []), grouped[key], years))
    # By IRI: a recommendation next to its actions, which read its texts again as context.
    found_items.sort(key=lambda item: str(item.iri))
    return found_items


def outcomes(store: Store) -> list[OutcomeInfo]:
    return [OutcomeInfo(o, str(number), str(statement),
                        {t.rsplit("/", 1)[-1] for t in str(targets).split()}, set(str(countries).split()),
                        (int(str(start)), int(str(end))) if start else None)
            for o, number, statement, start, end, countries, targets in store.select(OUTCOMES)]


def _overlaps(a: tuple[int, int] | None, b: tuple[int, int] | None) -> bool:
    return a is not None and b is not None and a[0] <= b[1] and b[0] <= a[1]


def _outcome_text(item: Item) -> str:
    """What an item says about itself and around it, bar progress comments: the text
    compared with outcome statements."""
    return " ".join([item.text] + [t for name, t, _ in item.context if name != "progress comment"])


def outcome_proposals(aligner: Aligner, item: Item, proposals: list[Proposal], candidates: list[OutcomeInfo],
                      cosine=None) -> list[tuple[OutcomeInfo, float, list[Evidence]]]:
    """Outcomes of the item's country and time, by shared target and similarity to the
    statement; `cosine(item, outcome)` gives precomputed similarities (one pair at a time
    without it)."""
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
        cos = cosine(item, outcome) if cosine else aligner.similarity(_outcome_text(item), outcome.statement)
        sim = min(settings["similarity_cap"], settings["similarity_scale"] * cos)
        if sim > 0:
            evidence.append(Evidence(best.target if shared else "", round(sim, 4), "text-similarity",
                                     f"similar to the outcome statement (cosine {cos:.2f})"))
        confidence = round(noisy_or(e.confidence for e in evidence), 3)
        if confidence >= aligner.settings["record_threshold"]:
            found.append((outcome, confidence, evidence))
    found.sort(key=lambda f: (-f[1], f[0].number))
    return found


def _outcome_candidates(found_items: list[Item], candidates: list[OutcomeInfo]) -> list[list[int]]:
    """Per item, the outcomes of its country whose time overlaps its own (outcomes found
    through a country index, not by comparing every item with every outcome)."""
    by_country: dict[str, list[int]] = defaultdict(list)
    for j, outcome in enumerate(candidates):
        for country in sorted(outcome.countries):
            by_country[country].append(j)
    found = []
    for item in found_items:
        js = {j for country in item.countries for j in by_country.get(country, ())}
        found.append(sorted(j for j in js if _overlaps(item.years, candidates[j].years)))
    return found


def _outcome_cosines(aligner: Aligner, found_items: list[Item], candidates: list[OutcomeInfo],
                     per_item: list[list[int]]) -> dict[tuple[int, int], float]:
    """Cosine of (item index, outcome index) for every candidate pair, from one product of
    the items' texts with the outcome statements."""
    texts: dict[str, int] = {}
    pairs = []
    for i, (item, js) in enumerate(zip(found_items, per_item)):
        if js:
            row = texts.setdefault(_outcome_text(item), len(texts))
            pairs.extend((i, row, j) for j in js)
    if not pairs:
        return {}
    matrix = aligner.cosines(list(texts), [o.statement for o in candidates])
    values = matrix[[row for _, row, _ in pairs], [j for _, _, j in pairs]]
    return {(i, j): float(v) for (i, _, j), v in zip(pairs, values.A1 if hasattr(values, "A1") else values)}


def align(store: Store, aligner: Aligner | None = None, workers: int | None = None) -> StageResult:
    """Align every recommendation and key action in the store and replace the graph
    `graph/inferred/alignment` by the result.

    Items are aligned in chunks, each loaded into the store when done (Oxigraph loads a
    million triples faster in parts than at once). A large corpus is aligned by `workers`
    forked processes (all CPUs by default), which fit their similarity model while this
    process reads the items, and this process loads each finished chunk as the next ones
    are aligned; a small corpus is aligned here. Either way the graph is the same."""
    started = time.perf_counter()
    phases = _Phases()
    aligner = aligner or Aligner()
    workers = workers or os.cpu_count() or 1
    pool = None
    if workers > 1 and "fork" in multiprocessing.get_all_start_methods() and _count_items(store) >= PARALLEL_FROM:
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_start_worker, initargs=(aligner.dir, aligner.signals))
    try:
        if pool is not None:
            pool.submit(int, 0)      # start the workers now: they fit their models while we query
        found_items = items(store, aligner.settings)
        candidates = outcomes(store)
        phases.done("query")
        bounds = _chunks(found_items, CHUNK_ITEMS)
        if pool is not None:
            results = pool.map(_worker_chunk, [found_items[a:b] for a, b in bounds], [candidates] * len(bounds))
        else:
            results = (_align_chunk(aligner, found_items[a:b], candidates) for a, b in bounds)
        totals = _store_chunks(store, str(graph_iri("inferred", "alignment")), results)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    phases.done("align and store")
    target_links = totals["supportsTarget"]
    counts = {"items": len({item.iri for item in found_items}), "alignments": totals["alignments"],
              "supportsTarget": len(target_links), "items with a target": len({i for i, _ in target_links}),
              "supportsOutcome": len(totals["supportsOutcome"])}
    summary = (f"{counts['alignments']} alignments; {counts['supportsTarget']} supportsTarget links on "
               f"{counts['items with a target']} items; {counts['supportsOutcome']} supportsOutcome links")
    return StageResult("align", summary, counts, time.perf_counter() - started,
                       detail={"phases": phases.seconds, "store seconds": round(totals["store seconds"], 3),
                               "chunks": len(bounds), "workers": workers if pool else 1})


# Speed only, never results: a pool of processes pays from a few thousand items on.
PARALLEL_FROM = 4000
CHUNK_ITEMS = 2500
_WORKER_ALIGNER: Aligner | None = None


def _count_items(store: Store) -> int:
    (row,) = store.select("""SELECT (COUNT(*) AS ?n) WHERE {
        { [] kgb:hasRecommendation ?x } UNION { [] kgb:hasKeyAction ?x } }""")
    return int(row[0])


def _start_worker(align_dir, signals) -> None:
    """A worker's own aligner, built and fitted once, from the same data files."""
    global _WORKER_ALIGNER
    _WORKER_ALIGNER = Aligner(align_dir, signals)
    _WORKER_ALIGNER.prepare()


def _worker_chunk(found_items: list[Item], candidates: list[OutcomeInfo]) -> tuple[str, int, set, set]:
    return _align_chunk(_WORKER_ALIGNER, found_items, candidates)


def _store_chunks(store: Store, graph: str, results) -> dict:
    """Replace the graph by the first chunk and add the others as they come (the store
    loads one while the workers align the next), or, for a store without `add_to_graph`,
    replace it once by all of them."""
    add = getattr(store, "add_to_graph", None)
    totals = {"alignments": 0, "supportsTarget": set(), "supportsOutcome": set(), "store seconds": 0.0}
    kept, first = [], True
    for text, alignments, target_links, outcome_links in results:
        started = time.perf_counter()
        totals["alignments"] += alignments
        totals["supportsTarget"] |= target_links
        totals["supportsOutcome"] |= outcome_links
        if add is None:
            kept.append(text)
        elif first:
            store.replace_graph(graph, text)
        else:
            add(graph, text)
        first = False
        totals["store seconds"] += time.perf_counter() - started
    if add is None or first:
        started = time.perf_counter()
        store.replace_graph(graph, "".join(kept))
        totals["store seconds"] += time.perf_counter() - started
    return totals


def _chunks(found_items: list[Item], size: int) -> list[tuple[int, int]]:
    """Ranges of about `size` items that never split one item's rows."""
    bounds, start = [], 0
    while start < len(found_items):
        end = min(start + max(size, 1), len(found_items))
        while end < len(found_items) and found_items[end].iri == found_items[end - 1].iri:
            end += 1
        bounds.append((start, end))
        start = end
    return bounds


def _align_chunk(aligner: Aligner, found_items: list[Item], candidates: list[OutcomeInfo]) -> tuple[str, int, set, set]:
    """N-Triples of the alignments of some items, their number and the supportsTarget and
    supportsOutcome links (item, target or outcome)."""
    aligner.read_texts(t for item in found_items for t in [item.text, *(c[1] for c in item.context)])
    per_item = _outcome_candidates(found_items, candidates)
    cosines = _outcome_cosines(aligner, found_items, candidates, per_item)
    threshold = aligner.assert_threshold
    out = _Lines()
    alignments, target_links, outcome_links = 0, set(), set()
    for i, item in enumerate(found_items):
        proposals = aligner.propose(item.text, item.tags, item.context, item.context_tags)
        for p in proposals:
            alignments += 1
            out.alignment(alignment_iri(item.iri, target=p.target), item.iri, f"{SDG}{p.target}",
                          p.confidence, p.evidence)
            if p.confidence >= threshold:
                out.link(item.iri, SUPPORTS_TARGET, f"{SDG}{p.target}")
                target_links.add((str(item.iri), p.target))
        mine = [candidates[j] for j in per_item[i]]
        column = {id(o): j for o, j in zip(mine, per_item[i])}
        for outcome, confidence, evidence in outcome_proposals(
                aligner, item, proposals, mine, lambda it, o, i=i, column=column: cosines[(i, column[id(o)])]):
            alignments += 1
            out.alignment(alignment_iri(item.iri, outcome=outcome.iri), item.iri, outcome.iri, confidence, evidence)
            if confidence >= aligner.outcome_assert_threshold:
                out.link(item.iri, SUPPORTS_OUTCOME, outcome.iri)
                outcome_links.add((str(item.iri), str(outcome.iri)))
    return out.text(), alignments, target_links, outcome_links


class _Phases:
    """Wall and CPU seconds of each phase of the stage, for the benchmark."""

    def __init__(self):
        self.seconds: dict[str, tuple[float, float]] = {}
        self._last = (time.perf_counter(), time.process_time())

    def done(self, name: str) -> None:
        now = (time.perf_counter(), time.process_time())
        self.seconds[name] = (round(now[0] - self._last[0], 3), round(now[1] - self._last[1], 3))
        self._last = now


SUPPORTS_TARGET, SUPPORTS_OUTCOME = nt_term(KGB.supportsTarget), nt_term(KGB.supportsOutcome)
_TYPE_ALIGNMENT = f"{nt_term(RDF.type)} {nt_term(KGB.Alignment)} .\n"
_OF, _TO, _DERIVED = (f"{nt_term(p)} " for p in (KGB.alignmentOf, KGB.alignedTo, PROV.wasDerivedFrom))
_CONFIDENCE, _LABEL, _METHOD, _EVIDENCE = (f"{nt_term(p)} " for p in (KGB.confidence, RDFS.label, KGB.alignmentMethod,
                                                                      KGB.evidenceText))


class _Lines:
    """The N-Triples of the alignment graph, term by term as `store.ntriples` writes them
    (its `nt_term`), an alignment's lines made as one string and each distinct literal
    written once: a large corpus has a million triples but few distinct confidences, labels
    and evidence texts."""

    def __init__(self):
        self.blocks: list[str] = []
        self._terms: dict[tuple, str] = {}

    def link(self, subject: str, predicate: str, obj: str) -> None:
        self.blocks.append(f"<{subject}> {predicate} <{obj}> .\n")

    def term(self, kind: str, value: str) -> str:
        key = (kind, value)
        text = self._terms.get(key)
        if text is None:
            term = {"decimal": lambda v: Literal(v, datatype=XSD.decimal), "string": Literal,
                    "method": lambda v: concept_in("alignment-method", v)}[kind](value)
            text = self._terms[key] = nt_term(term)
        return text

    def alignment(self, node: str, item: str, to: str, confidence: float, evidence: list[Evidence]) -> None:
        term = self.term
        s = f"<{node}> "
        item_term = f"<{item}> .\n"
        lines = [s, _TYPE_ALIGNMENT, s, _OF, item_term, s, _TO, f"<{to}> .\n", s, _DERIVED, item_term,
                 s, _CONFIDENCE, term("decimal", f"{confidence:.3f}"), " .\n",
                 s, _LABEL, term("string", f"alignment to {str(to).rsplit('/', 1)[-1]} ({confidence:.3f})"), " .\n"]
        methods = {e.method for e in evidence} | ({"inherited"} if any(e.source != "text" for e in evidence) else set())
        for method in sorted(methods):
            lines += (s, _METHOD, term("method", method), " .\n")
        for e in evidence:
            where = "" if e.source == "text" else f" in the {e.source}"
            lines += (s, _EVIDENCE, term("string", f"{e.detail}{where} ({e.confidence:.2f})"), " .\n")
        self.blocks.append("".join(lines))

    def text(self) -> str:
        """The lines in the order made (deterministic: items come sorted); a line made twice
        (an item read in two rows) is one triple in the store."""
        return "".join(self.blocks)
