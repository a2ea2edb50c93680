"""SDG codes as documents write them: '5.2', '5.2.', '11. b', '4c', '16b', '9.b:', '3.2.a'.

A code is normalized to the official notation ('11.b') and checked against the official
list of data/reference/sdg-goals-targets-indicators.csv; a code that does not exist is
reported, never linked.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rdflib import URIRef

from . import project

# goal, then '.' (a space may follow the dot before a letter: '11. b') and the target
# part, or a letter glued to the goal ('4c'); an optional third part makes it
# indicator-like ('3.2.a', '1.b.1').
CODE = re.compile(
    r"(?<![\w.])(?P<goal>[1-9][0-9]?)"
    r"(?:\.(?:\s(?=[a-z]\b))?(?P<target>[1-9][0-9]?|[a-z])|(?P<glued>[a-d]))"
    r"(?:\.(?P<third>[0-9]{1,2}|[a-z])(?![\w]))?"
    r"(?![\w])")


@dataclass(frozen=True)
class CodeMatch:
    written: str        # as in the document
    code: str           # normalized: '11.b', '3.2.a'
    start: int
    end: int
    official: bool      # exists in the official list as a target


@lru_cache(maxsize=1)
def _official() -> dict[str, dict[str, str]]:
    """kind -> {code: IRI} from the official CSV."""
    table: dict[str, dict[str, str]] = {"goal": {}, "target": {}, "indicator": {}}
    for row in project.current().sdg_rows:
        table[row["kind"]][row["code"]] = row["uri"]
    return table


def target_iri(code: str) -> URIRef | None:
    iri = _official()["target"].get(code)
    return URIRef(iri) if iri else None


def indicator_iri(code: str) -> URIRef | None:
    iri = _official()["indicator"].get(code.rstrip("."))
    return URIRef(iri) if iri else None


def goal_iri(code: str) -> URIRef | None:
    iri = _official()["goal"].get(code)
    return URIRef(iri) if iri else None


def find_target_codes(text: str) -> list[CodeMatch]:
    """Every target code in a list or a citation, in order of appearance."""
    found = []
    for m in CODE.finditer(text):
        target = (m.group("target") or m.group("glued")).lower()
        code = f"{m.group('goal')}.{target}"
        if m.group("third"):
            code = f"{code}.{m.group('third').lower()}"
        official = target_iri(code) is not None
        found.append(CodeMatch(m.group(0), code, m.start(), m.end(), official))
    return found


INDICATOR_CODE = re.compile(r"(?<![\w.])((?:1[0-7]|[1-9])\.(?:[1-9][0-9]?|[a-z])\.[1-9][0-9]?)(?![\w])")
