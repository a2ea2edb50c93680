"""The SDG reference graph: 17 goals, 169 targets and their indicators, with the UN's own IRIs.

Built offline from data/reference/sdg-goals-targets-indicators.csv (the official UNSD list
after the 2023 refinement). It follows the UN SDG KOS: skos:notation typed
sdgo:SDGCodeCompact (and sdgo:SDGCodePerm for indicator codes), English skos:prefLabel,
skos:broader plus sdgo:isTargetOf / sdgo:isIndicatorOf, skos:inScheme <http://metadata.un.org/sdg>.
An indicator listed under several targets (1.5.1 = 11.5.1 = 13.1.1) is one resource with
several notations and several broader targets.
"""
from __future__ import annotations

import csv
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from .namespaces import SDG, SDG_SCHEME, SDGO

SDG_CSV = "sdg-goals-targets-indicators.csv"
KINDS = {"goal": SDGO.Goal, "target": SDGO.Target, "indicator": SDGO.Indicator}


class ReferenceError(RuntimeError):
    pass


def read_sdg_rows(reference_dir: Path) -> tuple[dict[str, str], ...]:
    """The rows of the official SDG list. Parsed once per process by the project
    (`project.current().sdg_rows`): readers, mapping, the reference graph and the aligner
    all use that one parse."""
    path = reference_dir / SDG_CSV
    if not path.is_file():
        raise ReferenceError(f"{path}: SDG reference file missing")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle)
        expected = {"kind", "code", "parent_code", "uri", "title"}
        if not expected <= set(rows.fieldnames or []):
            raise ReferenceError(f"{path}:1: expected columns {sorted(expected)}, found {rows.fieldnames}")
        table = []
        for line_no, row in enumerate(rows, start=2):
            kind = row["kind"].strip()
            if kind not in KINDS:
                raise ReferenceError(f"{path}:{line_no}: unknown kind {kind!r}")
            if not row["uri"].strip().startswith(str(SDG)):
                raise ReferenceError(f"{path}:{line_no}: {row['uri']} is not an official SDG IRI")
            table.append({key: (value or "").strip() for key, value in row.items()})
    return tuple(table)


def sdg_reference_graph(rows: tuple[dict[str, str], ...]) -> set[tuple]:
    graph: set[tuple] = set()
    graph.add((SDG_SCHEME, RDF.type, SKOS.ConceptScheme))
    graph.add((SDG_SCHEME, SKOS.prefLabel, Literal("Sustainable Development Goals", lang="en")))
    for row in rows:
        kind = row["kind"]
        iri = URIRef(row["uri"])
        code = row["code"]
        graph.add((iri, RDF.type, KINDS[kind]))
        graph.add((iri, RDF.type, SKOS.Concept))
        graph.add((iri, SKOS.inScheme, SDG_SCHEME))
        graph.add((iri, SKOS.notation, Literal(code, datatype=SDGO.SDGCodeCompact)))
        title = Literal(row["title"].strip(), lang="en")
        graph.add((iri, SKOS.prefLabel, title))
        graph.add((iri, RDFS.label, Literal(f"{kind.capitalize()} {code}", lang="en")))
        if kind == "goal":
            graph.add((iri, SKOS.topConceptOf, SDG_SCHEME))
            continue
        parent = SDG[row["parent_code"].strip()]
        graph.add((iri, SKOS.broader, parent))
        graph.add((iri, SDGO.isTargetOf if kind == "target" else SDGO.isIndicatorOf, parent))
        if kind == "indicator":
            graph.add((iri, SKOS.notation, Literal(str(iri).rsplit("/", 1)[-1], datatype=SDGO.SDGCodePerm)))
    return graph
