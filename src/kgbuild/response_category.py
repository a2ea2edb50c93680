"""The category of a management response: stated in its field, or derived from its wording.

Derivation reads the opening sentence of the response and of each numbered part of it
("1.The CO does not agree ... 2. The country office accepts ..."): all accept ->
Accepted, all reject -> Rejected, a partial acceptance or a mixture -> Partially Accepted.
The sentences it relied on are kept as evidence. No wording, no category.
"""
from __future__ import annotations

import re

from rdflib import URIRef

from .vocab import concept_in, scheme

_PARTIAL = re.compile(r"\b(partially|partly|in part)\s+(accept|agree)|^\s*partially accepted\b", re.I)
_REJECT = re.compile(r"\b(does|do|did|can)\s*not\s+(agree|accept)|\bdisagrees?\b|\brejects?\b|^\s*(rejected|not accepted)\b", re.I)
_ACCEPT = re.compile(r"^\s*accepted\b|\baccepts?\b|\bagrees?\s+with\b", re.I)


def from_field(text: str | None) -> URIRef | None:
    if not text or not text.strip():
        return None
    return scheme("response-category").lookup(text.strip().rstrip("."))


def _openings(text: str) -> list[str]:
    """The first sentence of the text and of each numbered part."""
    parts = re.split(r"(?:^|\s)\d+\.\s*(?=[A-Z])", text.strip())
    sentences = []
    for part in parts:
        part = part.strip()
        if part:
            first = re.split(r"(?<=[.:!?])\s+|\n", part, maxsplit=1)[0]
            sentences.append(first.strip())
    return sentences


def derive(text: str | None) -> tuple[URIRef, str] | None:
    """(category concept, evidence) from the wording of a response, or None."""
    if not text:
        return None
    found: list[tuple[str, str]] = []
    for sentence in _openings(text):
        for key, pattern in (("partially-accepted", _PARTIAL), ("rejected", _REJECT), ("accepted", _ACCEPT)):
            if pattern.search(sentence):
                found.append((key, sentence))
                break
    if not found:
        return None
    keys = {key for key, _ in found}
    key = keys.pop() if len(keys) == 1 else "partially-accepted"
    evidence = " … ".join(sentence for _, sentence in found)
    return concept_in("response-category", key), evidence
