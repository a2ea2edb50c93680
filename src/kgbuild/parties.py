"""Responsible parties: where they start in a run-together key-action row, and what they name.

A party is units joined by connectors ("MCO Representative and TAJ Programme Specialist");
a unit is qualifiers and places before an organization or a head noun, or a named
organization outside the UN ("Ministry of Labour and Social Protection of Population
(MLSPP)"). Phrases such as "with support from" divide the lead units from the supporting
ones. The words come from data/vocab/responsible-parties.toml and data/vocab/un-entities.ttl.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache

import pycountry
from rdflib import URIRef
from rdflib.namespace import SKOS

from . import project
from .vocab import normalize_label, scheme

AGENCY, ORG, PLACE, QUAL, POST, UNIT, CONN, SUFFIX = (
    "agency", "org", "place", "qual", "post", "unit", "conn", "suffix")
NAMED = "named"            # an organization outside the UN, read whole
ACRONYM = "acronym"        # "(MLSPP)" after a name
PERSON = "person"          # "Ms. A. Petrova"
SUPPORT, LEAD = "support-marker", "lead-marker"
HEADS = {AGENCY, ORG, POST, UNIT}
SEPARATORS = {CONN, SUPPORT, LEAD}

_BRACKETED_ACRONYM = re.compile(r"\(([A-Z][A-Za-z&]*[A-Z])\)")
_INITIAL = re.compile(r"(?:[A-Z]\.)+(?:-[A-Z]\.)?")


@dataclass(frozen=True)
class Token:
    text: str       # as written
    start: int
    end: int
    kind: str | None
    read_as: str    # the lexicon word it was read as (differs from text for a typo)


@dataclass(frozen=True)
class PartyUnit:
    """One unit of a party.

    `kind` says where mapping puts it: "agency" (a UN entity), "office" (the office that
    wrote the response, or one named by place), "entity-unit" (an office or unit of the
    commissioning entity above it), "post" and "unit" (inside the office), "organization"
    (outside the UN). `org_kind` says what it is: un-entity, un-office, un-unit, un-post,
    government, civil-society, donor or other. `generic` marks an office named without
    saying which ("Country Office", "CO"): the document's own office."""
    text: str                 # as written
    label: str                # as read: typos corrected, coordinated heads distributed
    kind: str
    org_kind: str
    role: str = "lead"        # "lead" | "supporting"
    agency: URIRef | None = None
    generic: bool = False
    place: str | None = None      # as written: "KAZ", "Kazakhstan", "ECA"
    country: str | None = None    # ISO 3166 alpha-3 of the place, when it is a country
    acronym: str | None = None    # the bracketed acronym written after a name
    recognised: bool = True       # False: an acronym the lexicon does not know, kept as a unit


@dataclass(frozen=True)
class Unread:
    text: str
    reason: str


@dataclass(frozen=True)
class Party:
    text: str
    units: tuple[PartyUnit, ...]                     # lead and supporting, as written
    corrections: tuple[tuple[str, str], ...] = ()    # (written, read as)
    unread: tuple[Unread, ...] = ()                  # parts of the text that name no unit

    @property
    def lead(self) -> tuple[PartyUnit, ...]:
        return tuple(u for u in self.units if u.role == "lead")

    @property
    def supporting(self) -> tuple[PartyUnit, ...]:
        return tuple(u for u in self.units if u.role == "supporting")

    @property
    def problem(self) -> str | None:
        """Why the text yields no unit, for a warning; None when it yields one."""
        if self.units:
            return None
        if self.unread:
            return "; ".join(f"{u.text!r} {u.reason}" for u in self.unread)
        return "the responsible party text is empty"


class Lexicon:
    def __init__(self, data: dict):
        self.posts = _case_variants(data["post_heads"])
        self.units = _case_variants(data["unit_heads"])
        self.orgs = set(data["organizations"])
        self.qualifiers = _case_variants(data["qualifiers"])
        self.places = set(data["places"])
        self.connectors = set(data["connectors"])
        self.markers = {normalize_label(m): SUPPORT for m in data["supporting_markers"]}
        self.markers.update({normalize_label(m): LEAD for m in data["lead_markers"]})
        self.suffixes = {w.lower() for w in data["unit_suffixes"]}
        self.object_takers = {w.lower() for w in data["object_takers"]}
        self.evaluated_office = {normalize_label(w) for w in data["evaluated_office"]}
        self.entity_offices = {normalize_label(w) for w in data["entity_offices"]}
        self.entity_units = {normalize_label(w) for w in data["entity_units"]}
        self.office_names = self.evaluated_office | self.entity_offices | self.entity_units
        self.agencies = scheme("un-entity")
        self.office_code_agencies = data["office_code_agencies"]
        self.name_heads: dict[str, str] = {}      # head word -> organization kind
        self.name_acronyms: dict[str, str] = {}
        names: dict[str, str] = {}
        for org_kind, words in data["organization_kinds"].items():
            self.name_heads.update({w: org_kind for w in _case_variants(words["heads"])})
            self.name_acronyms.update({w: org_kind for w in words["acronyms"]})
            names.update({normalize_label(w): org_kind for w in words["names"]})
        self.named_orgs = names
        self.name_modifiers = set(_case_variants(data["name_modifiers"]))
        self.name_linkers = set(data["name_linkers"])
        self.honorifics = set(data["honorifics"])
        # Multi-word names by word count, longest first: the longest name wins.
        by_length: dict[int, set[str]] = {}
        for label in self._all_agency_labels() | self.orgs | set(names) | set(self.markers):
            if " " in label:
                by_length.setdefault(len(label.split()), set()).add(normalize_label(label))
        self.multiword = sorted(by_length.items(), reverse=True)
        self._head_words = sorted(w for w in set(self.posts) | set(self.units) if w[:1].isupper())

    def _all_agency_labels(self) -> set[str]:
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
        if normalize_label(word) in self.markers and word[:1].islower():
            return self.markers[normalize_label(word)], word
        if word.lower() in self.suffixes:
            return SUFFIX, word
        if _BRACKETED_ACRONYM.fullmatch(word):
            return ACRONYM, word
        if self.agencies.lookup(word) is not None:
            return AGENCY, word
        if word in self.orgs or self.office_code(word):
            return ORG, word
        if word in self.name_acronyms or word in self.name_heads:
            return NAMED, word
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
            if len(kinds) == 1 and kinds <= {PLACE, QUAL}:
                return kinds.pop(), word
        if fuzzy and word[:1].islower():
            # Reading a whole party, a head noun counts in lower case too ("project team").
            capitalised = word[:1].upper() + word[1:]
            if capitalised in self.posts or capitalised in self.units:
                return (POST if capitalised in self.posts else UNIT), word
        if fuzzy and len(word) >= 6 and word[0].isalpha():
            close = difflib.get_close_matches(word, self._head_words, n=1, cutoff=0.85)
            if close and close[0][0] == word[0]:
                return (POST if close[0] in self.posts else UNIT), close[0]
        return None, word

    def office_code(self, word: str) -> tuple[URIRef, str] | None:
        """'UNW-KAZ': the agency and the place of a UN office code."""
        agency_code, _, place = word.rpartition("-")
        if not agency_code or not (place in self.places or _is_country(place)):
            return None
        agency = self.agencies.lookup(self.office_code_agencies.get(agency_code, agency_code))
        return (agency, place) if agency is not None else None

    def named_org_kind(self, name: str) -> str:
        """The organization kind of a name outside the UN: from its listed name or acronym,
        else from its first head word, else 'other'."""
        if normalize_label(name) in self.named_orgs:
            return self.named_orgs[normalize_label(name)]
        words = name.split()
        for word in words:
            if word in self.name_acronyms:
                return self.name_acronyms[word]
        for word in words:
            if word in self.name_heads:
                return self.name_heads[word]
        return "other"

    def tokens(self, text: str, fuzzy_last: bool = False, fuzzy: bool = False) -> list[Token]:
        raw = _words(text)
        named_spans = self._names_before_acronyms(raw)
        out: list[Token] = []
        i = 0
        while i < len(raw):
            merged = (named_spans.get(i) or self._merge_multiword(raw, i) or self._merge_person(raw, i)
                      or self._merge_name(raw, i))
            if merged:
                kind, used = merged
                _append(out, raw[i:i + used], kind)
                i += used
                continue
            word, start, end = raw[i]
            use_fuzzy = fuzzy or (fuzzy_last and i == len(raw) - 1)
            out.extend(self._word_tokens(word, start, end, use_fuzzy))
            i += 1
        return out

    def _word_tokens(self, word: str, start: int, end: int, fuzzy: bool) -> list[Token]:
        """One word's tokens: a trailing comma is a connector, and a slash after a head
        noun ("UNDP/UNICEF", "Specialist/") joins two units."""
        trailing_comma = word.endswith(",") and len(word) > 1
        if trailing_comma:
            word, end = word[:-1], end - 1
        kind, read_as = self.classify(word)
        out = [Token(word, start, end, kind, read_as)]
        if kind is None and "/" in word:
            out = self._slash_tokens(word, start, fuzzy) or out
        if kind is None and fuzzy and len(out) == 1:
            out = [Token(word, start, end, *self.classify(word, fuzzy=True))]
        if trailing_comma:
            out.append(Token(",", end, end + 1, CONN, ","))
        return out

    def _slash_tokens(self, word: str, start: int, fuzzy: bool) -> list[Token] | None:
        out, pos = [], start
        for index, part in enumerate(word.split("/")):
            if index:
                out.append(Token("/", pos, pos + 1, CONN, "/"))
                pos += 1
            if part:
                kind, read_as = self.classify(part, fuzzy=fuzzy)
                if kind is None:
                    return None
                out.append(Token(part, pos, pos + len(part), kind, read_as))
                pos += len(part)
        heads_before_slash = [t for t, after in zip(out, out[1:]) if after.text == "/" and t.kind in HEADS | {NAMED}]
        return out if heads_before_slash else None

    def _merge_multiword(self, raw, i):
        for n, names in self.multiword:
            if i + n > len(raw):
                continue
            words = [w for w, _, _ in raw[i:i + n]]
            joined = " ".join(words)
            if normalize_label(joined.rstrip(",")) in names and all(not w.endswith(",") for w in words[:-1]):
                key = normalize_label(joined.rstrip(","))
                if key in self.markers:
                    return (self.markers[key], n) if words[0][:1].islower() or self.markers[key] == LEAD else None
                if key in self.named_orgs:
                    return NAMED, n
                return (AGENCY if self.agencies.lookup(joined.rstrip(",")) else ORG), n
        return None

    def _merge_person(self, raw, i):
        """'Ms. A. Petrova', 'A. Petrova': a title or initials, then a capitalised name."""
        first = raw[i][0]
        has_title = first in self.honorifics
        if not has_title and not _INITIAL.fullmatch(first):
            return None
        j = i + 1
        while j < len(raw) and j - i <= 3 and not raw[j - 1][0].endswith(","):
            word = raw[j][0].rstrip(",")
            if _INITIAL.fullmatch(word) or (word[:1].isupper() and word[1:].islower()
                                             and self.classify(word)[0] is None):
                j += 1
            else:
                break
        named = [w for w, _, _ in raw[i + 1:j] if not _INITIAL.fullmatch(w.rstrip(","))]
        if not named or (not has_title and j - i < 2):
            return None
        return PERSON, j - i

    def _merge_name(self, raw, i):
        """An organization outside the UN: modifiers, a head word, then its complement
        ('State Committee on Statistics', 'Ministry of Labour and Social Protection')."""
        j = i
        while j < len(raw) and not raw[j][0].endswith(",") and self._name_modifier(raw[j][0]):
            j += 1
        if j >= len(raw) or raw[j][0].rstrip(",") not in self.name_heads:
            return None
        if j == i and not raw[j][0].endswith(","):
            # a head with nothing after it is one word: classify reads it
            if not self._complement_length(raw, j + 1):
                return None
        end = j + 1
        if not raw[j][0].endswith(","):
            end += self._complement_length(raw, j + 1)
        return NAMED, end - i

    def _name_modifier(self, word: str) -> bool:
        kind = self.classify(word)[0]
        return word[:1].isupper() and (word in self.name_modifiers or kind in (QUAL, PLACE))

    def _complement_length(self, raw, k) -> int:
        """Words after a head that continue the name: linkers, then capitalised words; after
        'and' only a word that does not start another party ('... and UNICEF')."""
        taken = 0
        n = k
        while n < len(raw):
            linkers = 0
            while n + linkers < len(raw) and raw[n + linkers][0] in self.name_linkers:
                linkers += 1
            if linkers == 0 or n + linkers >= len(raw):
                break
            word = raw[n + linkers][0].rstrip(",")
            if not word[:1].isupper():
                break
            after_and = any(raw[m][0] in ("and", "&") for m in range(n, n + linkers))
            if after_and and (self.classify(word)[0] is not None or self._starts_un_unit(raw, n + linkers)):
                break
            if taken and self._starts_un_unit(raw, n + linkers):
                break
            n += linkers
            while n < len(raw):
                word = raw[n][0]
                if not word.rstrip(",")[:1].isupper() or _BRACKETED_ACRONYM.fullmatch(word.rstrip(",")):
                    break
                if raw[n - 1][0] not in self.name_linkers and self._starts_un_unit(raw, n):
                    break
                n += 1
                if word.endswith(","):
                    return n - k
            taken = n - k
        return taken

    def _starts_un_unit(self, raw, k) -> bool:
        """Do the words from k on name a UN unit ('Country Office', 'KAZ Programme Specialist')?"""
        kinds = []
        for word, _, _ in raw[k:]:
            kind = self.classify(word.rstrip(","))[0]
            if kind not in (QUAL, PLACE, POST, UNIT, ORG, AGENCY):
                break
            kinds.append(kind)
            if word.endswith(","):
                break
        return bool(kinds) and kinds[-1] in HEADS

    def _names_before_acronyms(self, raw) -> dict[int, tuple[str, int]]:
        """'Agency for Strategic Planning and Reforms (ASPR)': the capitalised words whose
        initials spell the bracketed acronym after them are one name. A name made of
        lexicon words only ('Country Office (CO)') is left to the lexicon."""
        spans = {}
        for k, (word, _, _) in enumerate(raw):
            found = _BRACKETED_ACRONYM.fullmatch(word.rstrip(",.;"))
            if not found:
                continue
            letters = [c for c in found.group(1) if c.isupper()]
            initials = []
            for j in range(k - 1, -1, -1):
                w = raw[j][0]
                if j < k - 1 and w.endswith(","):
                    break
                if w[:1].isupper():
                    initials.insert(0, w[0])
                elif w not in self.name_linkers:
                    break
                if initials == letters:
                    name = " ".join(x for x, _, _ in raw[j:k])
                    if normalize_label(name) not in self.office_names and any(
                            self.classify(x.rstrip(","))[0] in (None, NAMED) for x, _, _ in raw[j:k]):
                        spans[j] = (NAMED, k - j)
                    break
                if len(initials) >= len(letters):
                    break
        return spans


def _words(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(0), m.start(), m.end()) for m in re.finditer(r"\S+", text)]


def _append(out: list[Token], words, kind: str) -> None:
    """A merged run of words as one token; a trailing comma becomes a connector."""
    text = " ".join(w for w, _, _ in words)
    start, end = words[0][1], words[-1][2]
    trailing_comma = text.endswith(",")
    text = text.rstrip(",")
    out.append(Token(text, start, end - trailing_comma, kind, text))
    if trailing_comma:
        out.append(Token(",", end - 1, end, CONN, ","))


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
def _country(word: str) -> str | None:
    """The ISO 3166 alpha-3 code of a country name or code, else None."""
    if len(word) == 3 and word.isupper():
        found = pycountry.countries.get(alpha_3=word)
        return found.alpha_3 if found else None
    if word[:1].isupper() and len(word) > 3:
        try:
            return pycountry.countries.lookup(word).alpha_3
        except LookupError:
            return None
    return None


def _is_country(word: str) -> bool:
    return _country(word) is not None


def _conjuncts(tokens: list[Token]) -> list[tuple[Token | None, list[Token]]]:
    """Units between separators, each with the separator before it."""
    groups: list[tuple[Token | None, list[Token]]] = [(None, [])]
    for tok in tokens:
        if tok.kind in SEPARATORS:
            if groups[-1][1]:
                groups.append((tok, []))
            elif tok.kind != CONN or groups[-1][0] is None or groups[-1][0].kind == CONN:
                groups[-1] = (tok, [])      # ", supported by": the marker is the separator
        else:
            groups[-1][1].append(tok)
    return [(sep, g) for sep, g in groups if g]


def _core(unit: list[Token]) -> list[Token]:
    """A unit without its '(all)' or bracketed acronym, and without a person's name."""
    core = list(unit)
    while core and core[-1].kind in (SUFFIX, ACRONYM):
        core.pop()
    return [t for t in core if t.kind != PERSON]


def _is_complete_unit(unit: list[Token]) -> bool:
    """Qualifiers and places, then an organization or head noun, optionally '(all)' or a
    bracketed acronym; or a named organization alone; or a person's name alone. At least one
    word capitalised, so that 'programme staff' alone is not a party."""
    core = _core(unit)
    if not core:
        return bool(unit) and all(t.kind == PERSON for t in unit)
    if any(t.kind == NAMED for t in core):
        return len(core) == 1 and core[0].text[:1].isupper()
    if any(t.kind in (None, CONN, SUFFIX, ACRONYM) for t in core):
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
    # to the action ("the Concept on Gender and Family Policy | Country Office"). The
    # longest office name counts: "Regional Office" is one name, not "Regional" + "Office".
    lex = lexicon()
    for cut in range(len(core)):
        if normalize_label(" ".join(t.read_as for t in core[cut:])) in lex.office_names:
            if any(t.kind == QUAL for t in core[:cut]):
                return False
            break
    return any(t.text[:1].isupper() for t in core)


def _is_modifier(unit: list[Token]) -> bool:
    """A coordinated modifier: 'Country' in 'Country and Regional Offices'."""
    return bool(unit) and all(t.kind in (QUAL, PLACE) for t in unit)


def _valid_party(tokens: list[Token]) -> bool:
    if not tokens or tokens[-1].kind in SEPARATORS:
        return False
    if tokens[0].kind in (CONN, SUPPORT) or (tokens[0].kind == LEAD and not tokens[0].text[:1].isupper()):
        return False
    groups = [g for _, g in _conjuncts(tokens)]
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
    party; when the word before it takes an object ('with', 'the', 'by', 'with support
    from' ...), the party's first words are that object and stay with the action."""
    lex = lexicon()
    tokens = lex.tokens(text, fuzzy_last=True)
    start = len(tokens)
    while start > 0:
        tok = tokens[start - 1]
        if tok.kind is None:
            break
        if start - 1 < len(tokens) - 1 and tok.text.endswith((".", ":", ";")) and tok.kind != PERSON:
            break
        start -= 1
    best = None
    for i in range(start, len(tokens)):
        if _valid_party(tokens[i:]):
            best = i
            break
    if best is None:
        return text.strip(), None
    if best > 0 and tokens[best - 1].text.split()[-1].lower() in lex.object_takers:
        for j in range(best + 1, len(tokens)):
            if tokens[j].kind not in SEPARATORS and _valid_party(tokens[j:]):
                best = j
                break
    cut = tokens[best].start
    return text[:cut].rstrip(), text[cut:].strip()


def parse_party(text: str) -> Party:
    """Read a responsible-party string into lead and supporting units: UN agencies and
    offices, posts and units inside them, organizations outside the UN. Typos in head nouns
    are read as the lexicon word and reported; what names no unit is reported too."""
    lex = lexicon()
    tokens = lex.tokens(text.strip().rstrip(".").strip(), fuzzy=True)
    groups = _joined_names(_conjuncts(tokens))
    units: list[PartyUnit] = []
    unread: list[Unread] = []
    pending: list[list[Token]] = []
    role = "lead"
    for index, (separator, group) in enumerate(groups):
        if separator is not None and separator.kind == SUPPORT:
            role = "supporting"
        elif separator is not None and separator.kind == LEAD:
            units = [_with_role(u, "supporting") for u in units]
            role = "lead"
        if _is_modifier(group) and index + 1 < len(groups):
            pending.append(group)
            continue
        heads = group[1:] if (pending and len(group) > 1) else []
        for modifier in pending:
            _read_unit(modifier + heads, role, lex, units, unread, groups, index)
        pending = []
        _read_unit(group, role, lex, units, unread, groups, index)
    corrections = tuple((t.text, t.read_as) for t in tokens if t.text != t.read_as)
    return Party(text, tuple(units), corrections, tuple(unread))


def _joined_names(groups):
    """'Energy and Environment Unit' is one unit: capitalised words the lexicon does not
    know, joined by 'and' to a unit's name, are the first half of that name."""
    out = []
    for separator, group in groups:
        if (out and separator is not None and separator.text in ("and", "&")
                and all(t.kind is None and t.text[:1].isupper() for t in out[-1][1])
                and any(t.kind in (POST, UNIT) for t in group)):
            before, first = out.pop()
            out.append((before, first + [separator] + group))
        else:
            out.append((separator, group))
    return out


def _with_role(unit: PartyUnit, role: str) -> PartyUnit:
    return PartyUnit(**{**unit.__dict__, "role": role})


def _read_unit(tokens, role, lex, units, unread, groups, index) -> None:
    written = " ".join(t.text for t in tokens)
    if tokens and all(t.kind == PERSON for t in tokens):
        beside = [g for _, g in groups[max(index - 1, 0):index + 2] if g is not tokens]
        if not any(t.kind == POST for g in beside for t in g):
            unread.append(Unread(written, "is a person's name with no post; a party is an "
                                          "organization, office, post or unit, never a person"))
        return
    unit = _unit([t for t in tokens if t.kind != PERSON], role, lex)
    if unit is None:
        unread.append(Unread(written, "names no organization, office, post or unit the lexicon knows"))
    else:
        units.append(unit)


def _unit(tokens: list[Token], role: str, lex: Lexicon) -> PartyUnit | None:
    acronym = next((t.text.strip("()") for t in tokens if t.kind == ACRONYM), None)
    tokens = [t for t in tokens if t.kind != ACRONYM]
    written = " ".join(t.text for t in tokens)
    label = " ".join(t.read_as for t in tokens)
    places = [t.text for t in tokens if t.kind == PLACE]
    base = dict(role=role, acronym=acronym)
    named = [t for t in tokens if t.kind == NAMED]
    if named:
        # An organization outside the UN, with any words around its name ("Akimat of
        # Almaty region", "local akimats") -- or a UN entity spelt out before its acronym.
        agency = lex.agencies.lookup(written) or (acronym and lex.agencies.lookup(acronym))
        if agency is not None:
            return PartyUnit(written, label, "agency", "un-entity", agency=agency, **base)
        return PartyUnit(written, label, "organization", lex.named_org_kind(named[0].text), **base)
    if len(tokens) == 1:
        tok = tokens[0]
        if tok.kind == AGENCY:
            return PartyUnit(written, label, "agency", "un-entity", agency=lex.agencies.lookup(tok.text), **base)
        code = lex.office_code(tok.text)
        if code:
            agency, place = code
            return PartyUnit(written, label, "office", "un-office", agency=agency, place=place,
                             country=_country(place), **base)
        if tok.kind is None:
            if tok.text.isupper() and tok.text.isalpha() and 2 <= len(tok.text) <= 6:
                # An acronym the lexicon does not know: kept as a unit of the office.
                return PartyUnit(written, label, "unit", "other", recognised=False, **base)
            return None
    core = [t for t in tokens if t.kind != SUFFIX]
    if not any(t.kind in HEADS for t in core):
        return None     # no head noun: "Gender", "national partners", "Local executive bodies"
    place = places[0] if places else None
    where = dict(place=place, country=_country(place) if place else None, **base)
    without_places = normalize_label(" ".join(t.read_as for t in tokens if t.kind != PLACE))
    if without_places in lex.evaluated_office:
        return PartyUnit(written, label, "office", "un-office", generic=place is None, **where)
    if without_places in lex.entity_offices or normalize_label(label) in lex.entity_offices:
        return PartyUnit(written, label, "entity-unit", "un-office", **where)
    if normalize_label(label) in lex.entity_units:
        return PartyUnit(written, label, "entity-unit", "un-unit", **where)
    if core and all(t.kind in (ORG, AGENCY, PLACE) for t in core):
        # "UNCT", "PMU": units above or beside the office
        return PartyUnit(written, label, "entity-unit", "un-unit", **where)
    # "Head of Unit" is a post: the head before "of" names the unit of the party.
    before_of = next((core[:n] for n, t in enumerate(core) if t.text == "of"), core)
    heads = [t.kind for t in before_of if t.kind in (POST, UNIT)] or [core[-1].kind]
    if heads[-1] == POST:
        return PartyUnit(written, label, "post", "un-post", **where)
    return PartyUnit(written, label, "unit", "un-unit", **where)
