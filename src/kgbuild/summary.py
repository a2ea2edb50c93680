"""The summarize stage: small derived facts that let the saved queries answer fast.

On the embedded store a saved query that sorts thousands of rows by a title or an IRI
decodes both strings from disk at every comparison, and one that counts key actions per
evaluation or party joins tens of thousands of rows; at 0.9M quads either costs hundreds of
milliseconds. This stage, run after reasoning, computes once per build what those queries
need and writes it to the named graph graph/inferred/summary:

- key-action status tallies per evaluation title and per responsible-party name
  (kgb:StatusTally), and response-category tallies per evaluation title
  (kgb:ResponseTally), each with its place in the order the queries list them;
- per open key action with a deadline its place in the order overdue actions are listed
  (kgb:deadlineRank: by deadline, then IRI); per responsible party its open key actions
  (kgb:openKeyActionCount), its place among the parties holding any (kgb:openKeyActionRank:
  most first, then IRI) and the one label shown for it (kgb:shownLabel, the least of its
  labels); per recommendation its key actions and completed key actions;
- per evaluation the place of its title among the titles (kgb:titleRank; equal titles,
  equal places), so a query orders by an integer instead of a string.

Every fact is computed from the whole store by the SPARQL of queries/summaries/*.rq, and
only the ranks in Python (SPARQL cannot number rows), so a rebuild after one changed
document gives the same summary as a full build. Checks (`*-violation.rq`) never read it:
they must test the facts themselves.
"""
from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

from . import project
from .namespaces import KGB, graph_iri, mint
from .stage import StageResult
from .store import ntriples


def summary_graph() -> str:
    return graph_iri("inferred", "summary")


def _query(store, name: str) -> list[tuple]:
    """The rows of queries/summaries/NAME.rq over every graph but the summary itself."""
    text = (project.current().queries_dir / "summaries" / f"{name}.rq").read_text(encoding="utf-8")
    return store.select(text).rows


def _places(keys) -> dict:
    """Each distinct key's place (1, 2, …) in sorted order: equal keys share a place."""
    return {key: place for place, key in enumerate(sorted(set(keys)), 1)}


def _integer(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)


def _tallies(rows: list[tuple], kind: str, cls: URIRef, key_properties: list[URIRef],
             count_property: URIRef, shown_when_absent: list[str | None]) -> list[tuple]:
    """One tally node per row (its group key, then its count), numbered in the order the
    saved query lists the rows: the key's parts in code-point order, an absent part read as
    the text the query shows for it (its COALESCE). An absent part stays absent."""
    def order(row):
        return tuple(shown if part is None else str(part) for part, shown in zip(row[:-1], shown_when_absent))
    triples = []
    for place, row in enumerate(sorted(rows, key=order), 1):
        node = mint("summary", kind, str(place))
        triples += [(node, RDF.type, cls), (node, KGB.sortRank, _integer(place)),
                    (node, count_property, _integer(int(row[-1])))]
        triples += [(node, p, v) for p, v in zip(key_properties, row[:-1]) if v is not None]
    return triples


def summarize(store) -> StageResult:
    """Replace graph/inferred/summary by the summary of the store's other graphs."""
    graph = summary_graph()
    store.remove_graph(graph)
    triples: list[tuple] = []

    status_rows = _query(store, "status-tallies")
    triples += _tallies(status_rows, "action-status", KGB.StatusTally,
                        [KGB.tallyScope, KGB.tallyName, KGB.tallyStatus], KGB.keyActionCount,
                        [None, None, "(no status)"])
    category_rows = _query(store, "response-tallies")
    triples += _tallies(category_rows, "response-category", KGB.ResponseTally,
                        [KGB.tallyName, KGB.tallyCategory, KGB.tallyMethod], KGB.responseCount,
                        [None, "(none)", "-"])

    # The open key actions with a deadline come ordered by deadline from the engine itself,
    # so the places follow SPARQL's ordering of deadlines exactly; within one deadline, by
    # IRI in code-point order (SPARQL's order of IRIs).
    open_actions = _query(store, "open-deadlines")       # (action, deadline), by deadline
    keyed, group = [], 0
    for i, (action, deadline) in enumerate(open_actions):
        group += bool(i) and deadline != open_actions[i - 1][1]
        keyed.append((group, str(action)))
    placed = [URIRef(action) for action in dict.fromkeys(action for _, action in sorted(keyed))]
    triples += [(action, KGB.deadlineRank, _integer(place)) for place, action in enumerate(placed, 1)]

    parties = _query(store, "party-open-actions")        # party, open actions
    triples += [(party, KGB.openKeyActionCount, _integer(int(n))) for party, n in parties]
    holding = sorted(((-int(n), str(party)) for party, n in parties if int(n) > 0))
    triples += [(URIRef(party), KGB.openKeyActionRank, _integer(place))
                for place, (_, party) in enumerate(holding, 1)]
    labels = _query(store, "party-labels")               # party, the label shown
    triples += [(party, KGB.shownLabel, label) for party, label in labels]

    recommendations = _query(store, "recommendation-actions")   # recommendation, actions, completed
    triples += [t for rec, n, done in recommendations
                for t in ((rec, KGB.keyActionCount, _integer(int(n))), (rec, KGB.completedKeyActionCount,
                                                                         _integer(int(done))))]

    titles = _query(store, "evaluation-titles")          # evaluation, title
    places = _places(str(title) for _, title in titles)
    triples += [(evaluation, KGB.titleRank, _integer(places[str(title)])) for evaluation, title in titles]

    store.replace_graph(graph, ntriples(triples))
    counts = {"status_tallies": len(status_rows), "response_tallies": len(category_rows),
              "open_key_actions": len(placed), "parties": len(parties), "recommendations": len(recommendations),
              "evaluations": len(titles), "triples": len(set(triples))}
    return StageResult("summarize", f"{counts['triples']} summary triples: {len(status_rows)} status tallies, "
                       f"{len(category_rows)} response tallies, {len(placed)} open key actions with a deadline, "
                       f"{len(parties)} parties, {len(recommendations)} recommendations", counts)
