"""Responsible parties: where they start in a run-together key-action row, and what they name.

A party is units joined by connectors ("MCO Representative and TAJ Programme Specialist");
a unit is qualifiers and places before an organization or a head noun. The words come from
data/vocab/responsible-parties.toml and data/vocab/un-entities.ttl (see there).
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache

import pycountry
from rdflib import URIRef

from . import project
from .vocab import normalize_label, scheme

AGENCY, ORG, PLACE, QUAL, POST, UNIT, CONN, SUFFIX = (
    "agency", "org", "place", "qual", "post", "unit", "conn", "suffix")
HEADS = {AGENCY, ORG, POST, UNIT}


@dataclass(frozen=True)
class Token:
    text: str       # as written
    start: int
    end: int
    kind: str | None
    read_as: str    # the lexicon word it was read as (differs from text for a typo)


@dataclass(frozen=True)
class PartyUnit:
    text: str                 # as written
    label: str                # as read: typos corrected, coordinated heads distributed
    kind: str                 # "agency" | "office" | "post" | "unit"
    agency: URIRef | None = None


@dataclass(frozen=True)
class Party:
    text: str
    units: tuple[PartyUnit, ...]
    corrections: tuple[tuple[str, str], ...] = ()   # (written, read as)


class Lexicon:
    def __init__(self, data: dict):
        self.posts = _case_variants(data["post_heads"])
        self.units = _case_variants(data["unit_heads"])
        self.orgs = set(data["organizations"])
        self.qualifiers = _case_variants(data["qualifiers"])
        self.places = set(data["places"])
        self.connectors = set(data["connectors"])
        self.suffixes = {w.lower() for w in data["unit_suffixes"]}
        self.object_takers = {w.lower() for w in data["object_takers"]}
        self.evaluated_office = {normalize_label(w) for w in data["evaluated_office"]}
        self.entity_units = {normalize_label(w) for w in data["entity_units"]}
        self.agencies = scheme("un-entity")
        # Multi-word names by word count, longest first: the longest name wins.
        by_length: dict[int, set[str]] = {}
        for label in self._all_agency_labels() | self.orgs:
            if " " in label:
                by_length.setdefault(len(label.split()), set()).add(normalize_label(label))
        self.multiword = sorted(by_length.items(), reverse=True)
        self._head_words = sorted(w for w in set(self.posts) | set(self.units) if w[:1].isupper())

    def _all_agency_labels(self) -> set[str]:
        from rdflib.namespace import SKOS
        graph = self.agencies.graph
        labels = set()
        for concept in self.agencies.concepts():
            for prop in (SKOS.prefLabel, SKOS.altLabel):
                labels.update(str(o) for o in graph.objects(concept, prop))
        return labels

    def classify(self, word: str, fuzzy: bool = False) -> tuple[str | None, str]:
        """The kind of a word and the lexicon word it reads as."""
        if word in self.connectors:
            return CONN, word
        if word.lower() in self.suffixes:
            return SUFFIX, word
        if self.agencies.lookup(word) is not None:
            return AGENCY, word
        if word in self.orgs:
            return ORG, word
        if word in self.places or _is_country(word):
            return PLACE, word
        if word in self.posts:
            return POST, self.posts[word]
        if word in self.units:
            return UNIT, self.units[word]
        if word in self.qualifiers:
            return QUAL, word
        if "/" in word.strip("/"):
            kinds = {self.classify(part)[0] for part in word.split("/")}
            if len(kinds) == 1 and None not in kinds:
                return kinds.pop(), word
        if fuzzy and len(word) >= 6 and word[0].isalpha():
            close = difflib.get_close_matches(word, self._head_words, n=1, cutoff=0.85)
            if close and close[0][0] == word[0]:
                return (POST if close[0] in self.posts else UNIT), close[0]
        return None, word

    def tokens(self, text: str, fuzzy_last: bool = False, fuzzy: bool = False) -> list[Token]:
        raw = [(m.group(0), m.start(), m.end()) for m in re.finditer(r"\S+", text)]
        out: list[Token] = []
        i = 0
        while i < len(raw):
            merged = self._merge_multiword(raw, i)
            if merged:
                word, start, end, used = merged
                trailing_comma = word.endswith(",")
                word = word.rstrip(",")
                out.append(Token(word, start, end - trailing_comma, AGENCY if self.agencies.lookup(word) else ORG, word))
                if trailing_comma:
                    out.append(Token(",", end - 1, end, CONN, ","))
                i += used
                continue
            word, start, end = raw[i]
            trailing_comma = word.endswith(",") and len(word) > 1
            if trailing_comma:
                word, end = word[:-1], end - 1
            use_fuzzy = fuzzy or (fuzzy_last and i == len(raw) - 1)
            kind, read_as = self.classify(word, fuzzy=use_fuzzy)
            out.append(Token(word, start, end, kind, read_as))
            if trailing_comma:
                out.append(Token(",", end, end + 1, CONN, ","))
            i += 1
        return out

    def _merge_multiword(self, raw, i):
        for n, names in self.multiword:
            if i + n > len(raw):
                continue
            words = [w for w, _, _ in raw[i:i + n]]
            joined = " ".join(words)
            if normalize_label(joined.rstrip(",")) in names and all(not w.endswith(",") for w in words[:-1]):
                return joined, raw[i][1], raw[i + n - 1][2], n
        return None


def _case_variants(words: list[str]) -> dict[str, str]:
    """Words match as listed; a word listed in lower case also matches capitalised
    ('staff', 'Staff'), but a capitalised one does not match in lower case: 'advocacy' in
    running text is not the 'Advocacy' of 'Comms/Advocacy Specialist'."""
    variants = {}
    for word in words:
        variants[word] = word
        if word[:1].islower():
            variants.setdefault(word[:1].upper() + word[1:], word)
    return variants


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    return Lexicon(project.current().settings(project.current().vocab_dir / "responsible-parties.toml"))


@lru_cache(maxsize=None)
def _is_country(word: str) -> bool:
    if len(word) == 3 and word.isupper():
        return pycountry.countries.get(alpha_3=word) is not None
    if word[:1].isupper() and len(word) > 3:
        try:
            return pycountry.countries.lookup(word) is not None
        except LookupError:
            return False
    return False


def _conjuncts(tokens: list[Token]) -> list[list[Token]]:
    groups: list[list[Token]] = [[]]
    for tok in tokens:
        if tok.kind == CONN:
            if groups[-1]:
                groups.append([])
        else:
            groups[-1].append(tok)
    return [g for g in groups if g]


def _is_complete_unit(unit: list[Token]) -> bool:
    """Qualifiers and places, then an organization or head noun, optionally '(all)';
    at least one word capitalised, so that 'programme staff' alone is not a party."""
    core = unit[:-1] if unit and unit[-1].kind == SUFFIX else unit
    if not core or any(t.kind in (None, CONN, SUFFIX) for t in core):
        return False
    if not any(t.kind in HEADS for t in core):
        return False
    if core[-1].kind not in HEADS | {PLACE}:
        return False
    # Qualifiers go before head nouns only: in "consolidating partnerships UN Women" the
    # word "partnerships" belongs to the action.
    named = [t for t in core if t.kind in (AGENCY, ORG, POST, UNIT)]
    if named[-1].kind in (AGENCY, ORG) and any(t.kind == QUAL for t in core):
        return False
    # An office name such as "Country Office" is complete: a qualifier before it belongs
    # to the action ("the Concept on Gender and Family Policy | Country Office").
    lex = lexicon()
    for cut in range(len(core)):
        if normalize_label(" ".join(t.read_as for t in core[cut:])) in lex.evaluated_office:
            if any(t.kind == QUAL for t in core[:cut]):
                return False
            break
    return any(t.text[:1].isupper() for t in core)


def _is_modifier(unit: list[Token]) -> bool:
    """A coordinated modifier: 'Country' in 'Country and Regional Offices'."""
    return bool(unit) and all(t.kind in (QUAL, PLACE) for t in unit)


def _valid_party(tokens: list[Token]) -> bool:
    if not tokens or tokens[0].kind == CONN or tokens[-1].kind == CONN:
        return False
    groups = _conjuncts(tokens)
    for index, unit in enumerate(groups):
        if _is_complete_unit(unit):
            continue
        if _is_modifier(unit) and index + 1 < len(groups):
            continue
        return False
    return True


def split_action_and_party(text: str) -> tuple[str, str | None]:
    """Split 'action text ... Responsible Party' into its two parts.

    The party is the longest run of party words at the end of the text that parses as a
    party; when the word before it takes an object ('with', 'the', 'by' ...), the party's
    first words are that object and stay with the action."""
    lex = lexicon()
    tokens = lex.tokens(text, fuzzy_last=True)
    start = len(tokens)
    while start > 0:
        tok = tokens[start - 1]
        if tok.kind is None:
            break
        if start - 1 < len(tokens) - 1 and tok.text.endswith((".", ":", ";")):
            break
        start -= 1
    while start < len(tokens) and tokens[start].kind == CONN:
        start += 1
    best = None
    for i in range(start, len(tokens)):
        if _valid_party(tokens[i:]):
            best = i
            break
    if best is None:
        return text.strip(), None
    if best > 0 and tokens[best - 1].text.lower() in lex.object_takers:
        for j in range(best + 1, len(tokens)):
            if tokens[j].kind != CONN and _valid_party(tokens[j:]):
                best = j
                break
    cut = tokens[best].start
    return text[:cut].rstrip(), text[cut:].strip()


def parse_party(text: str) -> Party:
    """Read a responsible-party string into units: agencies, the evaluated office, posts
    and units. Typos in head nouns are read as the lexicon word and reported."""
    lex = lexicon()
    tokens = lex.tokens(text.rstrip(".").strip(), fuzzy=True)
    groups = _conjuncts(tokens)
    units: list[PartyUnit] = []
    pending: list[list[Token]] = []
    for group in groups:
        if _is_modifier(group) and group is not groups[-1]:
            pending.append(group)
            continue
        heads = group[1:] if (pending and len(group) > 1) else []
        for modifier in pending:
            units.append(_unit(modifier + heads, lex))
        pending = []
        units.append(_unit(group, lex))
    for modifier in pending:
        units.append(_unit(modifier, lex))
    corrections = tuple((t.text, t.read_as) for t in tokens if t.text != t.read_as)
    return Party(text, tuple(units), corrections)


def _unit(tokens: list[Token], lex: Lexicon) -> PartyUnit:
    written = " ".join(t.text for t in tokens)
    label = " ".join(t.read_as for t in tokens)
    if len(tokens) == 1 and tokens[0].kind == AGENCY:
        return PartyUnit(written, label, "agency", lex.agencies.lookup(tokens[0].text))
    without_places = [t.read_as for t in tokens if t.kind != PLACE]
    if normalize_label(" ".join(without_places)) in lex.evaluated_office:
        return PartyUnit(written, label, "office")
    core = [t for t in tokens if t.kind != SUFFIX]
    if normalize_label(label) in lex.entity_units or (core and all(t.kind in (ORG, AGENCY, PLACE) for t in core)):
        # "IEO", "HQ", "RO": units of the commissioning entity, not of the office.
        return PartyUnit(written, label, "entity-unit")
    last = core[-1].kind if core else None
    return PartyUnit(written, label, "post" if last == POST else "unit")
