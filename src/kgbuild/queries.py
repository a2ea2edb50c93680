"""Saved SPARQL queries: a catalog read from queries/*.rq and a runner that binds parameters
as RDF terms (never pasted into the query text).

Each file starts with comment lines:
    # title: …
    # description: …
    # param: NAME (TYPE) = DEFAULT -- what it is
Types: sdg (a target or goal code -> its official IRI), agency (a UN entity by acronym or
name -> its IRI), resource (an IRI, or a path relative to the base IRI), date (xsd:date),
integer (xsd:integer), string (plain literal).
Files named *-violation.rq are checks that must return no rows.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import RDFS, SKOS, XSD

from . import project
from .namespaces import base_iri
from .store import Rows

HEADER = re.compile(r"^#\s*(title|description|param)\s*:\s*(.*)$")
PARAM = re.compile(r"^(?P<name>\w+)\s*\((?P<type>\w+)\)\s*=\s*(?P<default>.*?)\s*(?:--\s*(?P<doc>.*))?$")
TYPES = ("sdg", "agency", "resource", "date", "integer", "string")


class QueryError(ValueError):
    """Bad query name, parameter or value: the message says what is valid."""


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: str
    doc: str


@dataclass
class SavedQuery:
    name: str
    path: Path
    title: str
    description: str
    params: list[Param] = field(default_factory=list)

    @property
    def is_check(self) -> bool:
        return self.name.endswith("-violation")

    @property
    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")


def parse_query_file(path: Path) -> SavedQuery:
    meta: dict[str, str] = {}
    params: list[Param] = []
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        m = HEADER.match(line)
        if not m:
            if line.strip() and not line.startswith("#"):
                break
            continue
        key, value = m.group(1), m.group(2).strip()
        if key == "param":
            p = PARAM.match(value)
            if p is None or p.group("type") not in TYPES:
                raise QueryError(f"{path}:{line_no}: expected '# param: NAME (TYPE) = DEFAULT -- doc' "
                                 f"with TYPE one of {', '.join(TYPES)}")
            params.append(Param(p.group("name"), p.group("type"), p.group("default"), p.group("doc") or ""))
        else:
            meta[key] = value
    if "title" not in meta:
        raise QueryError(f"{path}:1: saved query has no '# title:' line")
    return SavedQuery(path.stem, path, meta["title"], meta.get("description", ""), params)


def catalog(folder: Path | None = None) -> dict[str, SavedQuery]:
    folder = folder or project.current().queries_dir
    return {q.name: q for q in (parse_query_file(p) for p in sorted(folder.glob("*.rq")))}


def get(name: str, folder: Path | None = None) -> SavedQuery:
    queries = catalog(folder)
    if name not in queries:
        raise QueryError(f"unknown query {name!r}; saved queries: {', '.join(queries)}")
    return queries[name]


def to_term(param: Param, value: str):
    """A parameter value as the RDF term the query expects."""
    if param.type == "sdg":
        from .sdgcodes import goal_iri, target_iri
        code = value.strip().removeprefix("SDG").strip()
        iri = target_iri(code) or goal_iri(code)
        if iri is None:
            raise QueryError(f"{param.name}: {value!r} is no official SDG target or goal code (e.g. 5.2 or 5)")
        return iri
    if param.type == "agency":
        from .vocab import scheme
        iri = scheme("un-entity").lookup(value)
        if iri is None:
            raise QueryError(f"{param.name}: {value!r} is not in the UN entity list (data/vocab/un-entities.ttl)")
        return iri
    if param.type == "resource":
        return URIRef(value if re.match(r"^[a-z][a-z0-9+.-]*:", value) else base_iri() + value.lstrip("/"))
    if param.type == "date":
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise QueryError(f"{param.name}: {value!r} is not a date (YYYY-MM-DD)")
        return Literal(value, datatype=XSD.date)
    if param.type == "integer":
        if not re.fullmatch(r"-?\d+", value):
            raise QueryError(f"{param.name}: {value!r} is not an integer")
        return Literal(int(value))
    return Literal(value)


def bindings(query: SavedQuery, given: dict[str, str]) -> dict[str, object]:
    known = {p.name: p for p in query.params}
    unknown = sorted(set(given) - set(known))
    if unknown:
        valid = ", ".join(f"{p.name} ({p.type}, default {p.default})" for p in query.params) or "none"
        raise QueryError(f"query {query.name} has no parameter {', '.join(unknown)}; its parameters: {valid}")
    return {name: to_term(p, given.get(name, p.default)) for name, p in known.items()}


def run(store, query: SavedQuery, given: dict[str, str] | None = None) -> Rows:
    return store.select(query.text, bindings(query, given or {}))


def _label(store, term) -> str | None:
    if not isinstance(term, URIRef):
        return None
    for prop in (RDFS.label, SKOS.prefLabel):
        values = sorted(str(v) for v in store.objects(term, prop))
        if values:
            return values[0]   # several labels (spellings of one partner): always the same one
    return None


def _cell(term) -> str:
    return "" if term is None else str(term)


def format_table(store, table: Rows, fmt: str) -> str:
    """table (aligned text, labels beside IRIs), csv / tsv (a *_label column after each
    IRI column), json (SPARQL 1.1 Query Results JSON)."""
    if fmt == "json":
        return table.to_json()
    iri_columns = [i for i, _ in enumerate(table.columns) if any(isinstance(r[i], URIRef) for r in table.rows)]
    if fmt in ("csv", "tsv"):
        header, rows = [], []
        for i, name in enumerate(table.columns):
            header.append(name)
            if i in iri_columns:
                header.append(f"{name}_label")
        for row in table.rows:
            out = []
            for i, term in enumerate(row):
                out.append(_cell(term))
                if i in iri_columns:
                    out.append(_label(store, term) or "")
            rows.append(out)
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        return buffer.getvalue()
    if fmt != "table":
        raise QueryError(f"unknown format {fmt!r}; formats: table, csv, tsv, json")
    cells = [[(f"{_label(store, t)} <{t}>" if _label(store, t) else _cell(t)) if isinstance(t, URIRef) else _cell(t)
              for t in row] for row in table.rows]
    cells = [[c if len(c) <= 90 else c[:89] + "…" for c in row] for row in cells]
    widths = [max([len(name)] + [len(r[i]) for r in cells]) for i, name in enumerate(table.columns)]
    lines = ["  ".join(name.ljust(w) for name, w in zip(table.columns, widths)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)) for row in cells]
    lines.append(f"({len(cells)} rows)")
    return "\n".join(lines)
