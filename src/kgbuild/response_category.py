"""The category of a management response: stated in its field, or derived from its wording.

Derivation reads the opening sentence of the response and of each numbered part of it
("1.The CO does not agree ... 2. The country office accepts ..."): all accept ->
Accepted, all reject -> Rejected, a partial acceptance or a mixture -> Partially Accepted.
What counts as accepting, rejecting or partly accepting is the cue phrases of
data/vocab/response-cues.toml, so a new wording is a data change. The sentences relied on
are kept as evidence. No wording, no category.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from rdflib import URIRef

from . import project
from .project import SettingsError
from .vocab import concept_in, scheme

CUES_FILE = "response-cues.toml"


def from_field(text: str | None) -> URIRef | None:
    if not text or not text.strip():
        return None
    return scheme("response-category").lookup(text.strip().rstrip("."))


@lru_cache(maxsize=4)
def _cue_patterns(path: Path) -> tuple[tuple[URIRef, re.Pattern], ...]:
    """(category, one pattern of all its cues) in the order the file lists them."""
    categories = scheme("response-category")
    patterns = []
    for entry in project.current().settings(path).get("category", []):
        concept = concept_in("response-category", str(entry.get("concept", "")))
        if concept not in categories:
            raise SettingsError(f"{path}: {entry.get('concept')!r} is not a concept of the response-category scheme")
        phrases = sorted((cue for cue in entry.get("cues", []) if cue.strip()), key=len, reverse=True)
        if not phrases:
            raise SettingsError(f"{path}: category {entry['concept']!r} has no cues")
        alternatives = "|".join(r"\s+".join(map(re.escape, cue.replace("’", "'").split())) for cue in phrases)
        patterns.append((concept, re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)))
    return tuple(patterns)


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
    cues = _cue_patterns(project.current().vocab_dir / CUES_FILE)
    found: list[tuple[URIRef, str]] = []
    for sentence in _openings(text):
        plain = sentence.replace("’", "'")
        category = next((concept for concept, pattern in cues if pattern.search(plain)), None)
        if category is not None:
            found.append((category, sentence))
    if not found:
        return None
    categories = {category for category, _ in found}
    category = categories.pop() if len(categories) == 1 else concept_in("response-category", "partially-accepted")
    evidence = " … ".join(sentence for _, sentence in found)
    return category, evidence
