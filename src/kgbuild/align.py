"""Propose SDG targets for texts, with a confidence, the methods that produced it and the
evidence, by combining signals:

- explicit codes written in the text ("SDG 5.2"), and goals ("SDG 5");
- phrases of a curated thesaurus (data/align/thesaurus.tsv);
- document tags mapped to targets (data/align/tag-targets.tsv);
- TF-IDF similarity to the official target and indicator texts (scikit-learn, offline).

Evidence from the text around an item (an action's response and recommendation, its
progress comment) counts at a reduced factor. Per candidate target the clues become a few
features (each signal in the item's own text and in its context, the hand-set noisy-OR of
all clues, the support of the target's goal, the distance to the best candidate, no-target
cue phrases of data/align/no-target-cues.tsv); a logistic model learned on the labelled dev
split (data/align/model.json, written by `kgbuild eval-align --fit`) turns them into a
probability, which ranks the candidates; a monotone calibrator fitted on out-of-fold dev
predictions (Platt scaling, in the same file) may map it to the confidence, the probability
that the link is right, without changing the ranking. Without the model file the confidence
is the noisy-OR of hand-set weights. Numbers live in data/align/settings.toml.

A corpus is read in one batch (`read_texts`): the thesaurus through an index of the words
its phrases need, so a phrase's regex runs only on texts that hold them, and the similarity
as one sparse product of all texts with all targets, with TF-IDF rows counted by array
operations. The results are those of reading each text alone (tests/test_align.py keeps
the unbatched reader as the oracle).
"""
from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from itertools import chain
from pathlib import Path
from typing import NamedTuple

from . import project

SIGNALS = ("explicit", "thesaurus", "tag", "similarity", "context", "cues")
# Features of a candidate target, in the order of the learned model's coefficients.
FEATURES = ("explicit_code", "explicit_goal", "thesaurus_own", "thesaurus_context", "similarity_own",
            "similarity_context", "tag", "noisy_or", "goal_support", "gap_to_best", "no_target_cue")
_WORD = re.compile(r"\w+")
_ASCII_LETTER_IGNORING_CASE = re.compile(r"(?i)[a-z]")
_NOT_ASCII = re.compile(r"[^\x00-\x7f]+")
_STOP = -2          # token id of a stop word (unknown words are -1)
_CHUNK = 4096       # texts per block of the similarity product
EXPLICIT_TARGET = re.compile(r"\b(?:SDGs?|[Tt]argets?)\s*(?:target\s*)?((?:1[0-7]|[1-9])\.(?:[1-9][0-9]?|[a-d]))(?![\w.]\w)")
EXPLICIT_GOAL = re.compile(r"\b(?:SDGs?|Goals?)\s*((?:1[0-7]|[1-9]))(?![\d.]\d|\.[a-d]\b)")


class Evidence(NamedTuple):
    """One clue for a target (a tuple: a corpus yields millions, cheap to make)."""
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
    """`learned=False` ranks by the hand-set noisy-OR even where a learned model exists (the
    baseline of the evaluation)."""

    def __init__(self, align_dir: Path | None = None, signals: frozenset[str] = frozenset(SIGNALS),
                 learned: bool = True):
        self.dir = align_dir or project.current().align_dir
        self.signals = signals
        self.settings = project.current().settings(self.dir / "settings.toml")
        self.targets, self.goals = _official_texts()
        self.phrases = self._thesaurus()
        self.tags = self._tag_targets()
        self.cues = self._no_target_cues()
        self.model = self._model() if learned else None
        self._cache: dict[str, list[Evidence]] = {}
        self._context_cache: dict[tuple, list[Evidence]] = {}

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

    def _no_target_cues(self) -> list[tuple[str, re.Pattern]]:
        path = self.dir / "no-target-cues.tsv"
        if not path.exists():
            return []
        return [(row[0], _phrase_pattern(row[0])) for _, row in _rows(path) if row[0]]

    def _model(self) -> dict | None:
        """The learned combination: {"features": [...], "coef": [...], "intercept": x,
        "calibration": {"method": "platt" | "none", "slope": a, "intercept": b}}; the
        calibration is optional and its slope must be positive, so that it keeps the ranking."""
        path = self.dir / "model.json"
        if not path.exists():
            return None
        try:
            model = json.loads(path.read_text(encoding="utf-8"))
            if list(model["features"]) != list(FEATURES) or len(model["coef"]) != len(FEATURES):
                raise ValueError(f"features {model['features']!r}, expected {list(FEATURES)!r}")
            model["coef"], model["intercept"] = [float(c) for c in model["coef"]], float(model["intercept"])
            calibration = model.get("calibration", {"method": "none"})
            if calibration["method"] == "platt":
                model["platt"] = (float(calibration["slope"]), float(calibration["intercept"]))
                if not model["platt"][0] > 0:
                    raise ValueError(f"calibration slope {calibration['slope']!r} is not positive")
            elif calibration["method"] != "none":
                raise ValueError(f"calibration method {calibration['method']!r}, expected 'platt' or 'none'")
        except (ValueError, KeyError, TypeError) as error:
            raise ValueError(f"{path}: not a learned alignment model ({error}); "
                             f"refit it with `kgbuild eval-align --fit`") from error
        return model

    def no_target_cues(self, text: str) -> list[str]:
        """The phrases of data/align/no-target-cues.tsv found in a text: wording of office
        management, evaluation follow-up, staffing and reporting, which supports no target."""
        if "cues" not in self.signals or not text:
            return []
        return [phrase for phrase, pattern in self.cues if pattern.search(text)]

    def prepare(self) -> None:
        """Fit the similarity model now (it is otherwise fitted on first use)."""
        if "similarity" in self.signals:
            self._analyzer_tables  # noqa: B018

    @cached_property
    def _vectorizer(self):
        from sklearn.feature_extraction.text import TfidfVectorizer
        vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True, ngram_range=(1, 2),
                                     token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z-]+\b", min_df=1)
        self._target_codes = sorted(self.targets, key=_code_key)
        # A target is described by its official texts and by its thesaurus phrases: the
        # phrases give the field's wording (e.g. "GBV survivors"), and in the vector space a
        # text that shares part of a phrase, or its words in another order, still comes near
        # the target, where the phrase signal needs the whole phrase (dev split, out-of-fold:
        # target P@1 0.781 -> 0.815, goal 0.904 -> 0.925).
        phrases: dict[str, list[str]] = {}
        for phrase in self.phrases:
            phrases.setdefault(phrase.target, []).append(phrase.text)
        self._target_matrix = vectorizer.fit_transform(
            [" ".join([self.targets[c], *phrases.get(c, [])]) for c in self._target_codes])
        return vectorizer

    # -- signals --------------------------------------------------------------------------

    def text_evidence(self, text: str, source: str = "text") -> list[Evidence]:
        if not text or not text.strip():
            return []
        # Responses and recommendations are the context of every one of their actions:
        # read each text once.
        if text not in self._cache:
            self.read_texts([text])
        found = self._cache[text]
        return found if source == "text" else [e._replace(source=source) for e in found]

    def read_texts(self, texts: Iterable[str]) -> None:
        """Read the evidence of many texts at once into the cache, so that a corpus costs one
        thesaurus pass and one sparse product rather than a pass and a product per text."""
        new = [t for t in dict.fromkeys(texts) if t and t.strip() and t not in self._cache]
        if not new:
            return
        found: list[list[Evidence]] = [[] for _ in new]
        s = self.settings["signals"]
        if "explicit" in self.signals:
            for text, out in zip(new, found):
                if "SDG" not in text and "arget" not in text and "Goal" not in text:
                    continue   # neither regex can match: skip both scans
                for m in EXPLICIT_TARGET.finditer(text):
                    if m.group(1) in self.targets:
                        out.append(Evidence(m.group(1), s["explicit_code"], "explicit-code", f'code "{m.group(0)}"'))
                for m in EXPLICIT_GOAL.finditer(text):
                    for code in self.goals.get(m.group(1), []):
                        out.append(Evidence(code, s["explicit_goal"], "explicit-goal", f'goal "{m.group(0)}"'))
        if "thesaurus" in self.signals:
            for text, out in zip(new, found):
                for i in self._phrase_candidates(text):
                    phrase = self.phrases[i]
                    if phrase.pattern.search(text):
                        out.append(Evidence(phrase.target, phrase.weight, "thesaurus", f'phrase "{phrase.text}"'))
        if "similarity" in self.signals:
            for row, evidence in self._similarity(new):
                found[row].extend(evidence)
        self._cache.update(zip(new, found))

    # -- thesaurus index --------------------------------------------------------------------

    @cached_property
    def _phrase_index(self) -> tuple[dict[str, list[tuple[int, frozenset, frozenset]]], list[int]]:
        """Phrases by one of their word-runs (maximal runs of word characters, lower-cased:
        the longest, as the rarest), with the runs a text must hold as tokens for the phrase's
        regex to match: each run but the last as it is, the last as it is or with a plural
        ending. The index only skips regexes that cannot match; phrases with a non-ASCII run
        are searched in every text."""
        index: dict[str, list[tuple[int, frozenset, frozenset]]] = {}
        always: list[int] = []
        for i, phrase in enumerate(self.phrases):
            words = [w for w in re.split(r"[\s\-]+", phrase.text.strip()) if w]
            runs = [run.lower() for word in words for run in _WORD.findall(word)]
            if not runs or not all(run.isascii() for run in runs):
                always.append(i)
                continue
            *inner, last = runs
            last_forms = frozenset([last, last + "s", last + "es"])
            key = max(runs, key=len)
            for form in last_forms if key == last and last not in inner else (key,):
                index.setdefault(form, []).append((i, frozenset(inner), last_forms))
        return index, always

    def _phrase_candidates(self, text: str) -> list[int]:
        """Indices (in thesaurus order) of the phrases whose regex may match `text`."""
        index, always = self._phrase_index
        if not text.isascii() and _folds_to_ascii(text):
            return list(range(len(self.phrases)))   # a non-ASCII letter that matches an ASCII one ignoring case
        # ASCII lower-casing keeps tokens as they are; other texts are lower-cased token by token
        tokens = set(_WORD.findall(text.lower())) if text.isascii() else {t.lower() for t in set(_WORD.findall(text))}
        found = [i for token in tokens if token in index
                 for i, inner, last_forms in index[token] if inner <= tokens and not last_forms.isdisjoint(tokens)]
        if always:
            found += always
        return sorted(set(found)) if found else found

    # -- similarity -----------------------------------------------------------------------

    def _similarity(self, texts: Sequence[str]) -> list[tuple[int, list[Evidence]]]:
        """(row, evidence) for each text with a similar target: all texts against all targets
        in one sparse product, kept per row at the similarity_top best at or above the floor
        (ties to the lower target index), as scoring each text alone would."""
        import numpy as np
        s = self.settings["signals"]
        floor, top, cap, scale = s["similarity_floor"], s["similarity_top"], s["similarity_cap"], s["similarity_scale"]
        vectors = self.tfidf(texts)
        targets_t = self._target_matrix.T
        out = []
        nonempty = np.diff(vectors.indptr) > 0
        for start in range(0, vectors.shape[0], _CHUNK):
            scores = (vectors[start:start + _CHUNK] @ targets_t).toarray()
            scores[~nonempty[start:start + _CHUNK]] = -np.inf   # a text with no known term has no neighbour
            rows, cols = np.nonzero(scores >= floor)
            values = scores[rows, cols]
            order = np.lexsort((cols, -values, rows))
            rows, cols, values = rows[order], cols[order], values[order]
            first = np.searchsorted(rows, rows)           # index of each row's first kept entry
            keep = np.arange(len(rows)) - first < top
            current, evidence = -1, []
            for row, col, value in zip(rows[keep].tolist(), cols[keep].tolist(), values[keep].tolist()):
                if row != current:
                    if evidence:
                        out.append((start + current, evidence))
                    current, evidence = row, []
                evidence.append(Evidence(self._target_codes[col], min(cap, scale * value), "text-similarity",
                                         f"similar to the target's official texts and phrases (cosine {value:.2f})"))
            if evidence:
                out.append((start + current, evidence))
        return out

    def tfidf(self, texts: Sequence[str]):
        """TF-IDF rows of many texts, equal to the fitted vectorizer's `transform` (same
        analyzer: lower case, token pattern, English stop words, unigrams and bigrams) but
        counted with array operations instead of one Python string per n-gram."""
        import numpy as np
        from scipy.sparse import csr_matrix
        vectorizer = self._vectorizer
        token_ids, unigram_feature, bigram_keys, bigram_feature, width = self._analyzer_tables
        lower, pattern = vectorizer.build_preprocessor(), re.compile(vectorizer.token_pattern)
        get = token_ids.get
        lists = [[get(t, -1) for t in pattern.findall(lower(text))] for text in texts]
        lengths = np.fromiter((len(x) for x in lists), dtype=np.int64, count=len(lists))
        ids = np.fromiter(chain.from_iterable(lists), dtype=np.int64, count=int(lengths.sum()))
        docs = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
        kept = ids != _STOP                    # stop words leave the sequence before n-grams are made
        ids, docs = ids[kept], docs[kept]
        # unigrams
        known = ids >= 0
        uni_docs, uni_features = docs[known], unigram_feature[ids[known]]
        has = uni_features >= 0
        parts_docs, parts_features = [uni_docs[has]], [uni_features[has]]
        # bigrams: neighbours in the stop-word-free sequence of one text
        if len(ids) > 1 and len(bigram_keys):
            pair = (docs[:-1] == docs[1:]) & (ids[:-1] >= 0) & (ids[1:] >= 0)
            keys = ids[:-1][pair] * width + ids[1:][pair]
            where = np.searchsorted(bigram_keys, keys).clip(max=len(bigram_keys) - 1)
            hit = bigram_keys[where] == keys
            parts_docs.append(docs[:-1][pair][hit])
            parts_features.append(bigram_feature[where[hit]])
        rows, cols = np.concatenate(parts_docs), np.concatenate(parts_features)
        counts = csr_matrix((np.ones(len(rows), dtype=vectorizer.dtype), (rows, cols)),
                            shape=(len(texts), len(vectorizer.vocabulary_)), dtype=vectorizer.dtype)
        counts.sum_duplicates()
        counts.sort_indices()
        return vectorizer._tfidf.transform(counts, copy=False)

    @cached_property
    def _analyzer_tables(self):
        """Integer ids of the words of the vocabulary (stop words marked), and the feature
        of each unigram id and of each bigram (as the sorted key id1 * width + id2)."""
        import numpy as np
        vectorizer = self._vectorizer
        stop = vectorizer.get_stop_words() or frozenset()
        words = sorted({w for feature in vectorizer.vocabulary_ for w in feature.split(" ")} - set(stop))
        token_ids = {w: i for i, w in enumerate(words)}
        token_ids.update(dict.fromkeys(stop, _STOP))
        width = len(words) + 1
        unigram_feature = np.full(len(words), -1, dtype=np.int64)
        bigrams = []
        for feature, column in vectorizer.vocabulary_.items():
            parts = feature.split(" ")
            if len(parts) > 2:
                raise ValueError(f"n-grams longer than two words are not supported: {feature!r}")
            if len(parts) == 1:
                unigram_feature[token_ids[parts[0]]] = column
            else:
                bigrams.append((token_ids[parts[0]] * width + token_ids[parts[1]], column))
        bigrams.sort()
        return (token_ids, unigram_feature, np.array([k for k, _ in bigrams], dtype=np.int64),
                np.array([c for _, c in bigrams], dtype=np.int64), width)

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
        return self.combine(self.evidence(text, tags, context, context_tags), text)

    def evidence(self, text: str, tags: list[tuple[str, str]] = (),
                 context: list[tuple[str, str, float]] = (), context_tags: list[tuple[str, str]] = ()) -> list[Evidence]:
        """Every clue for an item, its context's scaled by their factors."""
        evidence = self.text_evidence(text) + self._tag_evidence(tuple(tags), "text", 1.0)
        if "context" in self.signals:
            inherited = self.settings["context"]["inherited"]
            for source, context_text, factor in context:
                evidence += self._context_evidence(context_text, source, factor)
            evidence += self._tag_evidence(tuple(context_tags), "recommendation tags", inherited)
        return evidence

    def _tag_evidence(self, tags: tuple[tuple[str, str], ...], source: str, factor: float) -> list[Evidence]:
        """Tag evidence at a factor, once per set of tags (a recommendation's tags are the
        context of each of its actions)."""
        if not tags:
            return []
        key = (tags, source, factor)
        found = self._context_cache.get(key)
        if found is None:
            found = self.tag_evidence(list(tags), source)
            found = self._context_cache[key] = found if factor == 1.0 else [_scaled(e, factor) for e in found]
        return found

    def _context_evidence(self, text: str, source: str, factor: float) -> list[Evidence]:
        """A context text's evidence at its factor: a response or recommendation is the
        context of each of its actions, so it is scaled once."""
        key = (text, source, factor)
        found = self._context_cache.get(key)
        if found is None:
            found = self._context_cache[key] = [_scaled(e, factor) for e in self.text_evidence(text, source)]
        return found

    def combine(self, evidence: list[Evidence], text: str = "") -> list[Proposal]:
        """Ranked proposals from an item's evidence; `text` is the item's own text, read for
        no-target cues."""
        by_target = self.clues(evidence)
        scored = self.score_candidates(by_target, text)
        threshold = self.settings["record_threshold"]
        ranked = sorted(((-score, _code_key(code), code, confidence) for code, (score, confidence) in scored.items()
                         if confidence >= threshold))
        # Only the kept proposals need their clues sorted.
        return [Proposal(code, confidence, sorted(by_target[code].values(), key=lambda x: (-x.confidence, x.method, x.detail)))
                for _, _, code, confidence in ranked[:self.settings["max_proposals"]]]

    @staticmethod
    def clues(evidence: list[Evidence]) -> dict[str, dict[tuple[str, str], Evidence]]:
        """The distinct clues of each target: the same clue seen twice (a phrase in the
        action and in its response) counts once, at its strongest (the first seen on a tie)."""
        by_target: dict[str, dict[tuple[str, str], Evidence]] = {}
        for e in evidence:
            clues = by_target.get(e.target)
            if clues is None:
                clues = by_target[e.target] = {}
            key = (e.method, e.detail)
            current = clues.get(key)
            if current is None or e.confidence > current.confidence:
                clues[key] = e
        return by_target

    def score_candidates(self, by_target: dict[str, dict[tuple[str, str], Evidence]],
                         text: str = "") -> dict[str, tuple[float, float]]:
        """(ranking score, confidence) of every candidate target: the learned model's
        probability and its calibrated value, or the noisy-OR of the hand-set weights twice
        without a model. Candidates rank by the model's own probability, so that a calibrator
        changes what a link is worth but never which target comes first."""
        if self.model is None:
            scores = {code: round(noisy_or(x.confidence for x in clues.values()), 3) for code, clues in by_target.items()}
            return {code: (score, score) for code, score in scores.items()}
        coef, intercept = self.model["coef"], self.model["intercept"]
        slope, shift = self.model.get("platt", (1.0, 0.0))
        scored = {}
        for code, row in self.features(by_target, text).items():
            logit = intercept + sum(c * f for c, f in zip(coef, row))
            scored[code] = (round(_sigmoid(logit), 3), round(_sigmoid(slope * logit + shift), 3))
        return scored

    def features(self, by_target: dict[str, dict[tuple[str, str], Evidence]], text: str = "") -> dict[str, list[float]]:
        """The FEATURES of each candidate target, from its clues, its goal's and the item's."""
        combined = {code: noisy_or(x.confidence for x in clues.values()) for code, clues in by_target.items()}
        best = max(combined.values(), default=0.0)
        goal_clues: dict[str, dict[tuple[str, str], float]] = {}
        for code, clues in by_target.items():
            found = goal_clues.setdefault(code.split(".")[0], {})
            for key, e in clues.items():
                found[key] = max(found.get(key, 0.0), e.confidence)
        goal_score = {goal: noisy_or(found.values()) for goal, found in goal_clues.items()}
        cue = 1.0 if self.no_target_cues(text) else 0.0
        rows = {}
        for code, clues in by_target.items():
            parts = {"explicit-code": [], "explicit-goal": [], "thesaurus": [[], []], "text-similarity": [[], []],
                     "document-tag": []}
            for e in clues.values():
                slot = parts[e.method]
                if e.method in ("thesaurus", "text-similarity"):
                    slot[e.source != "text"].append(e.confidence)
                else:
                    slot.append(e.confidence)
            rows[code] = [max(parts["explicit-code"], default=0.0), max(parts["explicit-goal"], default=0.0),
                          noisy_or(parts["thesaurus"][0]), noisy_or(parts["thesaurus"][1]),
                          max(parts["text-similarity"][0], default=0.0), max(parts["text-similarity"][1], default=0.0),
                          noisy_or(parts["document-tag"]), combined[code], goal_score[code.split(".")[0]],
                          best - combined[code], cue]
        return rows

    @property
    def assert_threshold(self) -> float:
        return self.settings["assert_threshold"]

    @property
    def outcome_assert_threshold(self) -> float:
        """Outcome links are scored by hand-set weights, not the learned model, so the rule
        that sets assert_threshold from the labelled targets does not apply to them."""
        return self.settings["outcomes"]["assert_threshold"]

    def similarity(self, text: str, other: str) -> float:
        return float(self.cosines([text], [other])[0, 0])

    def cosines(self, texts: Sequence[str], others: Sequence[str]):
        """TF-IDF cosines of every text with every other text, as a sparse matrix: one product
        for a whole corpus, each entry computed as for the pair alone."""
        return (self.tfidf(texts) @ self.tfidf(others).T).tocsr()


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


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _scaled(e: Evidence, factor: float) -> Evidence:
    return Evidence(e.target, round(e.confidence * factor, 4), e.method, e.detail, e.source)


def _phrase_pattern(phrase: str) -> re.Pattern:
    words = [re.escape(w) for w in re.split(r"[\s\-]+", phrase.strip()) if w]
    body = r"[\s\-]+".join(words)
    acronym = phrase.isupper() and len(phrase.replace(" ", "")) <= 6
    flags = 0 if acronym else re.IGNORECASE
    return re.compile(rf"(?<![\w-]){body}(?:s|es)?(?![\w])", flags)


def _folds_to_ascii(text: str) -> bool:
    """Whether a non-ASCII character of the text matches an ASCII letter when case is
    ignored (e.g. the long s, the Kelvin sign, the dotted capital I)."""
    rest = "".join(_NOT_ASCII.findall(text))
    return bool(_ASCII_LETTER_IGNORING_CASE.search(rest) or _ASCII_LETTER_IGNORING_CASE.search(rest.lower()))


def _rows(path: Path):
    with path.open(encoding="utf-8", newline="") as handle:
        for line_no, line in enumerate(handle, 1):
            if line.strip() and not line.lstrip().startswith("#"):
                yield line_no, [cell.strip() for cell in line.rstrip("\n").split("\t")]


@cache
def _code_key(code: str):
    goal, target = code.split(".")
    return (int(goal), (0, int(target)) if target.isdigit() else (1, target))


def _official_texts() -> tuple[dict[str, str], dict[str, list[str]]]:
    """Per target: its text, its goal's title and its indicators' texts (the documents the
    similarity signal compares against); per goal: its targets."""
    goals, targets, indicators = {}, {}, {}
    for row in project.current().sdg_rows:
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
