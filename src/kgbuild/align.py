"""Propose SDG targets for texts, with a confidence, the methods that produced it and the
evidence, by combining signals:

- explicit codes written in the text ("SDG 5.2"), and goals ("SDG 5");
- phrases of a curated thesaurus (data/align/thesaurus.tsv);
- document tags mapped to targets (data/align/tag-targets.tsv);
- TF-IDF similarity to the official target and indicator texts (scikit-learn, offline).

Evidence from the text around an item (an action's response and recommendation, its
progress comment) counts at a reduced factor. Confidences combine by noisy-OR. Numbers
live in data/align/settings.toml.
"""
from __future__ import annotations

import csv
import re
import tomllib
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from . import paths
from .sdg import SDG_CSV

SIGNALS = ("explicit", "thesaurus", "tag", "similarity", "context")
EXPLICIT_TARGET = re.compile(r"\b(?:SDGs?|[Tt]argets?)\s*(?:target\s*)?((?:1[0-7]|[1-9])\.(?:[1-9][0-9]?|[a-d]))(?![\w.]\w)")
EXPLICIT_GOAL = re.compile(r"\b(?:SDGs?|Goals?)\s*((?:1[0-7]|[1-9]))(?![\d.]\d|\.[a-d]\b)")


@dataclass(frozen=True)
class Evidence:
    target: str          # target code, e.g. "5.2"
    confidence: float
    method: str          # explicit-code | explicit-goal | thesaurus | document-tag | text-similarity
    detail: str          # what was seen, e.g. 'phrase "EVAW"'
    source: str = "text"   # "text" or the name of the context it came from


@dataclass
class Proposal:
    target: str
    confidence: float
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def goal(self) -> str:
        return self.target.split(".")[0]

    @property
    def methods(self) -> list[str]:
        return sorted({e.method for e in self.evidence} | ({"inherited"} if any(e.source != "text" for e in self.evidence) else set()))


def noisy_or(values) -> float:
    product = 1.0
    for value in values:
        product *= 1.0 - value
    return 1.0 - product


@dataclass(frozen=True)
class Phrase:
    target: str
    text: str
    weight: float
    pattern: re.Pattern


class Aligner:
    def __init__(self, align_dir: Path | None = None, signals: frozenset[str] = frozenset(SIGNALS)):
        self.dir = align_dir or paths.project_root() / "data" / "align"
        self.signals = signals
        with (self.dir / "settings.toml").open("rb") as handle:
            self.settings = tomllib.load(handle)
        self.targets, self.goals = _official_texts()
        self.phrases = self._thesaurus()
        self.tags = self._tag_targets()
        self._cache: dict[str, list[Evidence]] = {}

    # -- data files -----------------------------------------------------------------------

    def _thesaurus(self) -> list[Phrase]:
        default = self.settings["signals"]["thesaurus"]
        phrases = []
        for line_no, row in _rows(self.dir / "thesaurus.tsv"):
            if len(row) < 2 or row[0] not in self.targets:
                raise ValueError(f"{self.dir / 'thesaurus.tsv'}:{line_no}: expected 'target<TAB>phrase[<TAB>weight]' "
                                 f"with an official target code, got {row!r}")
            weight = float(row[2]) if len(row) > 2 and row[2] else default
            phrases.append(Phrase(row[0], row[1], weight, _phrase_pattern(row[1])))
        return phrases

    def _tag_targets(self) -> dict[tuple[str, str], list[tuple[str, float]]]:
        from .vocab import normalize_label
        default = self.settings["signals"]["tag"]
        table: dict[tuple[str, str], list[tuple[str, float]]] = {}
        for line_no, row in _rows(self.dir / "tag-targets.tsv"):
            if len(row) < 3 or any(code not in self.targets for code in row[2].split()):
                raise ValueError(f"{self.dir / 'tag-targets.tsv'}:{line_no}: expected "
                                 f"'scheme<TAB>label<TAB>targets[<TAB>weight]' with official codes, got {row!r}")
            weight = float(row[3]) if len(row) > 3 and row[3] else default
            table[(row[0], normalize_label(row[1]))] = [(code, weight) for code in row[2].split()]
        return table

    @cached_property
    def _vectorizer(self):
        from sklearn.feature_extraction.text import TfidfVectorizer
        vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True, ngram_range=(1, 2),
                                     token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z-]+\b", min_df=1)
        self._target_codes = sorted(self.targets, key=_code_key)
        self._target_matrix = vectorizer.fit_transform([self.targets[c] for c in self._target_codes])
        return vectorizer

    # -- signals --------------------------------------------------------------------------

    def text_evidence(self, text: str, source: str = "text") -> list[Evidence]:
        if not text or not text.strip():
            return []
        # Responses and recommendations are the context of every one of their actions:
        # read each text once.
        if text not in self._cache:
            self._cache[text] = self._read_text(text)
        found = self._cache[text]
        return found if source == "text" else [replace(e, source=source) for e in found]

    def _read_text(self, text: str) -> list[Evidence]:
        source = "text"
        found: list[Evidence] = []
        s = self.settings["signals"]
        if "explicit" in self.signals:
            for m in EXPLICIT_TARGET.finditer(text):
                if m.group(1) in self.targets:
                    found.append(Evidence(m.group(1), s["explicit_code"], "explicit-code", f'code "{m.group(0)}"', source))
            for m in EXPLICIT_GOAL.finditer(text):
                for code in self.goals.get(m.group(1), []):
                    found.append(Evidence(code, s["explicit_goal"], "explicit-goal", f'goal "{m.group(0)}"', source))
        if "thesaurus" in self.signals:
            for phrase in self.phrases:
                if phrase.pattern.search(text):
                    found.append(Evidence(phrase.target, phrase.weight, "thesaurus", f'phrase "{phrase.text}"', source))
        if "similarity" in self.signals:
            found.extend(self._similarity(text, source))
        return found

    def _similarity(self, text: str, source: str) -> list[Evidence]:
        from sklearn.metrics.pairwise import linear_kernel
        s = self.settings["signals"]
        vector = self._vectorizer.transform([text])
        if vector.nnz == 0:
            return []
        scores = linear_kernel(vector, self._target_matrix).ravel()
        ranked = sorted(range(len(scores)), key=lambda i: (-scores[i], i))[: s["similarity_top"]]
        return [Evidence(self._target_codes[i], min(s["similarity_cap"], s["similarity_scale"] * float(scores[i])),
                         "text-similarity", f"similar to the official target text (cosine {scores[i]:.2f})", source)
                for i in ranked if scores[i] >= s["similarity_floor"]]

    def tag_evidence(self, tags: list[tuple[str, str]], source: str = "text") -> list[Evidence]:
        from .vocab import normalize_label
        if "tag" not in self.signals:
            return []
        found = []
        for scheme_name, label in tags:
            for code, weight in self.tags.get((scheme_name, normalize_label(label)), []):
                found.append(Evidence(code, weight, "document-tag", f'tag "{label}"', source))
        return found

    # -- combination ----------------------------------------------------------------------

    def propose(self, text: str, tags: list[tuple[str, str]] = (),
                context: list[tuple[str, str, float]] = (), context_tags: list[tuple[str, str]] = ()) -> list[Proposal]:
        """Ranked proposals for an item: its own text and tags, and context given as
        (source name, text, factor); context tags count at the inherited factor."""
        evidence = self.text_evidence(text) + self.tag_evidence(list(tags))
        if "context" in self.signals:
            inherited = self.settings["context"]["inherited"]
            for source, context_text, factor in context:
                evidence += [_scaled(e, factor) for e in self.text_evidence(context_text, source)]
            evidence += [_scaled(e, inherited) for e in self.tag_evidence(list(context_tags), "recommendation tags")]
        return self.combine(evidence)

    def combine(self, evidence: list[Evidence]) -> list[Proposal]:
        by_target: dict[str, dict[tuple[str, str], Evidence]] = {}
        for e in evidence:
            # The same clue seen twice (a phrase in the action and in its response) counts
            # once, at its strongest.
            key = (e.method, e.detail)
            current = by_target.setdefault(e.target, {}).get(key)
            if current is None or e.confidence > current.confidence:
                by_target[e.target][key] = e
        proposals = [Proposal(code, round(noisy_or(x.confidence for x in clues.values()), 3),
                              sorted(clues.values(), key=lambda x: (-x.confidence, x.method, x.detail)))
                     for code, clues in by_target.items()]
        proposals.sort(key=lambda p: (-p.confidence, _code_key(p.target)))
        limit = self.settings["max_proposals"]
        return [p for p in proposals if p.confidence >= self.settings["record_threshold"]][:limit]

    @property
    def assert_threshold(self) -> float:
        return self.settings["assert_threshold"]

    def similarity(self, text: str, other: str) -> float:
        from sklearn.metrics.pairwise import linear_kernel
        vectors = self._vectorizer.transform([text, other])
        return float(linear_kernel(vectors[0], vectors[1])[0, 0])


def goal_ranking(proposals: list[Proposal]) -> list[tuple[str, float]]:
    """Goals ranked by the noisy-OR of the distinct clues pointing to any of their targets:
    several weak clues into one goal make the goal likelier than any one target."""
    clues: dict[str, dict[tuple[str, str], float]] = {}
    for p in proposals:
        for e in p.evidence:
            goal_clues = clues.setdefault(p.goal, {})
            key = (e.method, e.detail)
            goal_clues[key] = max(goal_clues.get(key, 0.0), e.confidence)
    scores = {goal: round(noisy_or(found.values()), 3) for goal, found in clues.items()}
    return sorted(scores.items(), key=lambda kv: (-kv[1], int(kv[0])))


def _scaled(e: Evidence, factor: float) -> Evidence:
    return Evidence(e.target, round(e.confidence * factor, 4), e.method, e.detail, e.source)


def _phrase_pattern(phrase: str) -> re.Pattern:
    words = [re.escape(w) for w in re.split(r"[\s\-]+", phrase.strip()) if w]
    body = r"[\s\-]+".join(words)
    acronym = phrase.isupper() and len(phrase.replace(" ", "")) <= 6
    flags = 0 if acronym else re.IGNORECASE
    return re.compile(rf"(?<![\w-]){body}(?:s|es)?(?![\w])", flags)


def _rows(path: Path):
    with path.open(encoding="utf-8", newline="") as handle:
        for line_no, line in enumerate(handle, 1):
            if line.strip() and not line.lstrip().startswith("#"):
                yield line_no, [cell.strip() for cell in line.rstrip("\n").split("\t")]


def _code_key(code: str):
    goal, target = code.split(".")
    return (int(goal), (0, int(target)) if target.isdigit() else (1, target))


def _official_texts() -> tuple[dict[str, str], dict[str, list[str]]]:
    """Per target: its text, its goal's title and its indicators' texts (the documents the
    similarity signal compares against); per goal: its targets."""
    goals, targets, indicators = {}, {}, {}
    with (paths.reference_dir() / SDG_CSV).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["kind"] == "goal":
                goals[row["code"]] = row["title"]
            elif row["kind"] == "target":
                targets[row["code"]] = row["title"]
            else:
                indicators.setdefault(row["parent_code"], []).append(row["title"])
    texts = {code: " ".join([text, goals[code.split(".")[0]], *indicators.get(code, [])])
             for code, text in targets.items()}
    by_goal: dict[str, list[str]] = {}
    for code in targets:
        by_goal.setdefault(code.split(".")[0], []).append(code)
    return texts, by_goal
