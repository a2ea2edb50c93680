"""Score the aligner on labelled data, fit its learned combination and check its confidence.

Two benchmarks, kept apart:

- the labelled items of data/align/dev-set.tsv: recommendations and key actions of the
  seed management responses and constructed items, some supporting no target at all,
  each in the dev or the test split by a fixed rule (`split_of`). The learned model is fitted
  on the dev split only; figures that matter are those of the test split;
- the sentences of a cooperation framework's narrative that cite SDG targets in
  parentheses: each sentence is stripped of every citation before the aligner sees it and
  scored against what it cited, with the outcome statement as its context. Never trained on.

The cited sentences also carry blind readings (data/align/cited-readings.tsv): two readers'
top targets from the stripped sentence and its outcome alone, scored the same way. They show
how far the words lead a careful reader, so the aligner's figure there has a ceiling beside it.

Every rate comes with a bootstrap 95% interval over items (fixed seed), so that two
configurations are not told apart on noise.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from .align import FEATURES, SIGNALS, Aligner, Proposal, goal_ranking

BOOTSTRAP_SEED = 20240607
BOOTSTRAP_SAMPLES = 1000
RELIABILITY_BINS = 10
READINGS = "cited-readings.tsv"
READING_COLUMNS = ("framework", "id", "pass", "top", "others", "text")
COLUMNS = ("id", "split", "gold_targets", "gold_goals", "pass1", "pass2", "agreement", "note", "text", "context")


@dataclass(frozen=True)
class LabelledItem:
    id: str
    text: str
    targets: frozenset[str]        # empty: the item supports no target
    goals: frozenset[str]
    split: str                     # dev | test | cited
    context: str = ""              # the recommendation of an action, the outcome of a sentence


@dataclass
class Result:
    item: LabelledItem
    proposals: list[Proposal]
    goals: list[str] = field(default_factory=list)


def split_of(text: str) -> str:
    """dev or test, fixed by the text alone: a hash of its first 40 characters, lower-cased
    with spaces collapsed, so that near-identical texts (the same action in two responses)
    fall in one split. About three items in ten are test items."""
    key = " ".join(text.lower().split())[:40]
    return "test" if int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:8], 16) % 10 < 3 else "dev"


def _tsv_rows(path: Path, columns: tuple[str, ...]):
    """(line number, row as a dict) of a tab-separated file with comment lines (#) and a
    header that must be `columns`; bad text, header or cell count is an error naming file
    and line."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line_no = data[:exc.start].count(b"\n") + 1
        raise ValueError(f"{path}:{line_no}: not UTF-8 text ({exc.reason})") from None
    header = None
    for line_no, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if header is None:
            header = tuple(cells)
            if header != columns:
                raise ValueError(f"{path}:{line_no}: expected the columns {' '.join(columns)}, got {' '.join(cells)}")
            continue
        if len(cells) != len(columns):
            raise ValueError(f"{path}:{line_no}: expected {len(columns)} tab-separated cells, got {len(cells)}")
        yield line_no, dict(zip(columns, cells))


def load_labelled(path: Path, known_targets: set[str] | None = None) -> list[LabelledItem]:
    """The rows of a labelled set; a row with a wrong split, an unknown code or goals that do
    not follow from its targets is an error naming the file and line."""
    items = []
    for line_no, row in _tsv_rows(path, COLUMNS):
        targets = frozenset() if row["gold_targets"] == "none" else frozenset(row["gold_targets"].split())
        goals = frozenset() if row["gold_goals"] == "none" else frozenset(row["gold_goals"].split())
        problem = None
        if row["split"] != split_of(row["text"]):
            problem = f"split {row['split']!r} is not the rule's {split_of(row['text'])!r}"
        elif known_targets is not None and not targets <= known_targets:
            problem = f"unknown target codes {sorted(targets - known_targets)}"
        elif goals != {code.split(".")[0] for code in targets}:
            problem = f"gold goals {sorted(goals)} do not follow from the targets {sorted(targets)}"
        if problem:
            raise ValueError(f"{path}:{line_no}: {problem}")
        items.append(LabelledItem(row["id"], row["text"], targets, goals, row["split"], row["context"]))
    return items


# -- the cited sentences of a cooperation framework -------------------------------------------

def strip_citations(sentence: str) -> str:
    from .families.unsdcf.reader import CITATION, CITATION_CONTENT

    def drop(m: re.Match) -> str:
        return "" if CITATION_CONTENT.match(m.group(1)) else m.group(0)
    text = CITATION.sub(drop, sentence)
    return re.sub(r"\s+([.,;:])", r"\1", re.sub(r"\s{2,}", " ", text)).strip()


def cited_sentences(framework_path: Path) -> list[LabelledItem]:
    from .families import read_document
    doc = read_document(framework_path, "unsdcf")
    cited: dict[tuple[int, str], set[str]] = {}
    context: dict[tuple[int, str], str] = {}
    for outcome in doc.framework.outcomes:
        for link in outcome.targets:
            if link.kind == "cited" and link.evidence:
                key = (link.line, link.evidence)
                cited.setdefault(key, set()).add(link.code)
                context[key] = outcome.statement
    items = []
    for (line, sentence), codes in sorted(cited.items()):
        stripped = strip_citations(sentence)
        if len(stripped.split()) >= 4:
            items.append(LabelledItem(f"line {line}", stripped, frozenset(codes),
                                      frozenset(c.split(".")[0] for c in codes), "cited", context[(line, sentence)]))
    return items


def load_readings(path: Path, framework: Path, cited: list[LabelledItem],
                  known_targets: set[str]) -> dict[str, list[Result]]:
    """Each reading pass of `framework`'s cited sentences as results scored like the aligner's
    (the reader's top target first). A pass that does not cover every sentence, as when the
    framework's text has changed, is left out; a malformed row is an error naming file and line."""
    items = {(item.id, item.text): item for item in cited}
    passes: dict[str, dict[tuple[str, str], Result]] = {}
    for line_no, row in _tsv_rows(path, READING_COLUMNS):
        codes = [row["top"], *row["others"].split()]
        if unknown := [c for c in codes if c not in known_targets]:
            raise ValueError(f"{path}:{line_no}: unknown target codes {unknown}")
        item = items.get((row["id"], row["text"]))
        if row["framework"] != framework.name or item is None:
            continue
        proposals = [Proposal(code, 1.0) for code in dict.fromkeys(codes)]
        passes.setdefault(row["pass"], {})[(row["id"], row["text"])] = Result(
            item, proposals, list(dict.fromkeys(p.goal for p in proposals)))
    return {name: [found[key] for key in items] for name, found in sorted(passes.items()) if len(found) == len(items)}


def reading_agreement(passes: dict[str, list[Result]]) -> str:
    """How often each pair of passes names the same top target and the same top goal."""
    lines = []
    names = sorted(passes)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            pairs = list(zip(passes[a], passes[b]))
            same_target = sum(x.proposals[0].target == y.proposals[0].target for x, y in pairs)
            same_goal = sum(x.goals[0] == y.goals[0] for x, y in pairs)
            lines.append(f"readings {a} and {b} name the same top target for {same_target} of {len(pairs)} "
                         f"sentences, the same goal for {same_goal}")
    return "\n".join(lines)


# -- running and scoring ------------------------------------------------------------------------

def _context(aligner: Aligner, item: LabelledItem) -> list[tuple[str, str, float]]:
    source = "outcome" if item.split == "cited" else "recommendation"
    return [(source, item.context, aligner.settings["context"]["inherited"])] if item.context else []


def run(aligner: Aligner, items: list[LabelledItem]) -> list[Result]:
    aligner.read_texts([t for item in items for t in (item.text, item.context)])   # one batch for the whole set
    results = []
    for item in items:
        proposals = aligner.propose(item.text, context=_context(aligner, item))
        results.append(Result(item, proposals, [g for g, _ in goal_ranking(proposals)]))
    return results


def outcomes(results: list[Result], threshold: float) -> dict[str, list[float]]:
    """Per item 1 or 0 for each measure (None-free lists, one entry per item it applies to):
    target and goal precision@1, hit@3 and reciprocal rank over items with a gold target;
    left unaligned (no proposal at the threshold) over items without one."""
    found: dict[str, list[float]] = {k: [] for k in ("target_p1", "target_hit3", "target_mrr", "goal_p1",
                                                      "goal_hit3", "unaligned")}
    for r in results:
        if not r.item.targets:
            found["unaligned"].append(float(not any(p.confidence >= threshold for p in r.proposals)))
            continue
        targets = [p.target for p in r.proposals]
        found["target_p1"].append(float(bool(targets) and targets[0] in r.item.targets))
        found["target_hit3"].append(float(any(t in r.item.targets for t in targets[:3])))
        rank = next((i for i, t in enumerate(targets, 1) if t in r.item.targets), None)
        found["target_mrr"].append(1.0 / rank if rank else 0.0)
        found["goal_p1"].append(float(bool(r.goals) and r.goals[0] in r.item.goals))
        found["goal_hit3"].append(float(any(g in r.item.goals for g in r.goals[:3])))
    return found


def mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def bootstrap_interval(values: list[float], samples: int = BOOTSTRAP_SAMPLES, seed: int = BOOTSTRAP_SEED,
                       level: float = 0.95) -> tuple[float, float] | None:
    """Percentile interval of the mean, from resampling the items with replacement."""
    import numpy as np
    if not values:
        return None
    data = np.asarray(values, dtype=float)
    rng = np.random.default_rng(seed)
    means = data[rng.integers(0, len(data), size=(samples, len(data)))].mean(axis=1)
    tail = (1.0 - level) / 2 * 100
    return float(np.percentile(means, tail)), float(np.percentile(means, 100 - tail))


def links(results: list[Result]) -> list[tuple[float, bool]]:
    """(confidence, right) of every recorded proposal: right when the target is gold."""
    return [(p.confidence, p.target in r.item.targets) for r in results for p in r.proposals]


def reliability(pairs: list[tuple[float, bool]], bins: int = RELIABILITY_BINS) -> tuple[list[tuple], float]:
    """Rows (low, high, links, mean confidence, share right) of equal-width confidence bins
    and the expected calibration error: the links-weighted mean of |share right - mean
    confidence| over the bins."""
    rows, error = [], 0.0
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        inside = [(c, ok) for c, ok in pairs if low <= c < high or (b == bins - 1 and c == 1.0)]
        if not inside:
            continue
        confidence = sum(c for c, _ in inside) / len(inside)
        accuracy = sum(ok for _, ok in inside) / len(inside)
        rows.append((low, high, len(inside), confidence, accuracy))
        error += len(inside) / len(pairs) * abs(accuracy - confidence)
    return rows, error


def precision_at(pairs: list[tuple[float, bool]], threshold: float) -> tuple[int, float | None]:
    """The asserted links at a threshold and the share of them that are right."""
    kept = [ok for c, ok in pairs if c >= threshold]
    return len(kept), (sum(kept) / len(kept) if kept else None)


# -- the learned combination -----------------------------------------------------------------

REGULARISATION_GRID = (0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
CV_FOLDS = 5


def training_rows(aligner: Aligner, items: list[LabelledItem]
                  ) -> tuple[list[list[float]], list[int], list[int], list[str]]:
    """One row of FEATURES per candidate target of each item (every target with a clue),
    labelled 1 when the target is gold, the index of the item it belongs to and its code."""
    aligner.read_texts([t for item in items for t in (item.text, item.context)])
    rows, labels, groups, codes = [], [], [], []
    for number, item in enumerate(items):
        by_target = aligner.clues(aligner.evidence(item.text, context=_context(aligner, item)))
        for code, row in sorted(aligner.features(by_target, item.text).items()):
            rows.append(row)
            labels.append(int(code in item.targets))
            groups.append(number)
            codes.append(code)
    return rows, labels, groups, codes


def out_of_fold_logits(rows: list[list[float]], labels: list[int], groups: list[int], c: float,
                       folds: int = CV_FOLDS):
    """The raw score (log-odds) of each candidate from a model with regularisation strength
    `c` fitted without its item: the items dealt into `folds` folds by their position, all
    candidates of an item in one fold. NaN where a fold's other items hold one label only."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    x, y, fold = np.asarray(rows, dtype=float), np.asarray(labels), np.asarray(groups) % folds
    logits = np.full(len(y), np.nan)
    for k in range(folds):
        train, held = fold != k, fold == k
        if held.any() and len(set(y[train].tolist())) == 2:
            logits[held] = LogisticRegression(C=c, max_iter=5000).fit(x[train], y[train]).decision_function(x[held])
    return logits


def probability(logits):
    """The logistic function of raw scores (log-odds), elementwise."""
    import numpy as np
    return 1.0 / (1.0 + np.exp(-np.asarray(logits, dtype=float)))


def log_loss_sum(probabilities, labels) -> float:
    import numpy as np
    p, y = np.clip(np.asarray(probabilities, dtype=float), 1e-6, 1 - 1e-6), np.asarray(labels)
    return -float(np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)))


def cross_validated_loss(rows: list[list[float]], labels: list[int], groups: list[int], c: float,
                         folds: int = CV_FOLDS) -> float:
    """Mean log-loss of the candidates of held-out items (out-of-fold, see
    `out_of_fold_logits`): how well the confidence of a model with regularisation strength
    `c` is calibrated on items it was not fitted on."""
    import numpy as np
    logits = out_of_fold_logits(rows, labels, groups, c, folds)
    known = ~np.isnan(logits)
    return log_loss_sum(probability(logits[known]), np.asarray(labels)[known]) / len(labels)


def platt(logits, labels) -> tuple[float, float]:
    """(slope, intercept) of the logistic regression of the label on the raw log-odds,
    unregularised: Platt scaling, a monotone map from raw scores to probabilities."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    model = LogisticRegression(C=np.inf, max_iter=5000).fit(np.asarray(logits, dtype=float)[:, None], np.asarray(labels))
    return float(model.coef_[0][0]), float(model.intercept_[0])


def cross_fitted_calibrations(logits, labels, groups, folds: int = CV_FOLDS) -> dict:
    """Per calibration method, each candidate's probability from a calibrator fitted on the
    out-of-fold logits of the other folds' items: 'none' (the raw probability), 'platt' and
    'isotonic'. A calibrator is judged on items it was not fitted on, as the model is."""
    import numpy as np
    from sklearn.isotonic import IsotonicRegression
    z, y, fold = np.asarray(logits, dtype=float), np.asarray(labels), np.asarray(groups) % folds
    found = {"none": probability(z), "platt": np.full(len(y), np.nan), "isotonic": np.full(len(y), np.nan)}
    for k in range(folds):
        train, held = fold != k, fold == k
        if not held.any() or len(set(y[train].tolist())) < 2:
            continue
        slope, intercept = platt(z[train], y[train])
        found["platt"][held] = probability(slope * z[held] + intercept)
        found["isotonic"][held] = IsotonicRegression(out_of_bounds="clip").fit(z[train], y[train]).predict(z[held])
    return found


def fit(items: list[LabelledItem], align_dir: Path | None = None) -> dict:
    """A logistic regression of 'the candidate is a gold target' on the FEATURES, fitted on
    the dev split only (deterministic: L-BFGS from zero), as the data of model.json. Its
    regularisation strength is the one of REGULARISATION_GRID with the least cross-validated
    log-loss on dev: the confidence is a probability, so it is chosen for calibration.

    A calibrator is then fitted on the out-of-fold raw scores of the dev candidates (Platt
    scaling): in-sample scores flatter the model. It is applied only if, fitted on four folds,
    it lowers the log-loss of the fifth below that of the raw out-of-fold probability; the
    isotonic map is measured too, for comparison, and not applied."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    dev = [item for item in items if item.split == "dev"]
    rows, labels, groups, _ = training_rows(Aligner(align_dir, learned=False), dev)
    losses = {c: cross_validated_loss(rows, labels, groups, c) for c in REGULARISATION_GRID}
    chosen = min(REGULARISATION_GRID, key=lambda c: (round(losses[c], 9), c))
    model = LogisticRegression(C=chosen, max_iter=5000).fit(rows, labels)
    logits = out_of_fold_logits(rows, labels, groups, chosen)
    known = ~np.isnan(logits)
    y = np.asarray(labels)[known]
    slope, intercept = platt(logits[known], y)
    checked = {method: round(log_loss_sum(p[known], y) / len(y), 4)
               for method, p in cross_fitted_calibrations(logits[known], y, np.asarray(groups)[known]).items()}
    return {"about": "Learned combination of the alignment signals: score = intercept + sum(coef * feature); "
                     "candidates rank by 1 / (1 + exp(-score)); their confidence is 1 / (1 + exp(-(slope * score "
                     "+ calibration intercept))) when the calibration method is platt, else the same as the rank "
                     "probability. Fitted by `kgbuild eval-align --fit` on the dev split of dev-set.tsv only; do "
                     "not edit by hand.",
            "trained_on": {"items": len(dev), "candidates": len(rows), "gold candidates": int(sum(labels))},
            "regularisation": {"C": chosen, "chosen_by": f"least log-loss in {CV_FOLDS}-fold cross-validation "
                                                         "over the dev items",
                               "cross-validated log-loss": {str(c): round(loss, 4) for c, loss in losses.items()}},
            "features": list(FEATURES), "coef": [round(float(c), 6) for c in model.coef_[0]],
            "intercept": round(float(model.intercept_[0]), 6),
            "calibration": {"method": "platt" if checked["platt"] < checked["none"] else "none",
                            "slope": round(slope, 6), "intercept": round(intercept, 6),
                            "fitted_on": "out-of-fold dev predictions",
                            "chosen_by": "platt if, fitted on four folds of the out-of-fold dev predictions, it "
                                         "lowers the log-loss of the fifth below the uncalibrated one",
                            "cross-validated log-loss": checked}}


def out_of_fold_links(items: list[LabelledItem], align_dir: Path | None = None) -> list[tuple[float, bool]]:
    """(confidence, right) of every link the aligner would record for the dev items, each
    confidence out-of-fold: the model (at model.json's regularisation) fitted without the
    item's fold and the calibrator of model.json's method fitted without it. Ranking, record
    threshold and number of proposals are the aligner's. Without a learned model nothing
    is fitted, and the links are the aligner's own."""
    import numpy as np
    from .align import _code_key
    aligner = Aligner(align_dir)
    dev = [item for item in items if item.split == "dev"]
    if aligner.model is None:
        return links(run(aligner, dev))
    rows, labels, groups, codes = training_rows(Aligner(align_dir, learned=False), dev)
    logits = out_of_fold_logits(rows, labels, groups, aligner.model["regularisation"]["C"])
    method = "platt" if "platt" in aligner.model else "none"
    confidence = cross_fitted_calibrations(logits, labels, groups)[method]
    by_item: dict[int, list[tuple]] = {}
    for z, p, label, group, code in zip(logits, confidence, labels, groups, codes):
        if not np.isnan(p):
            by_item.setdefault(group, []).append((-round(float(probability(z)), 3), _code_key(code), round(float(p), 3), label))
    kept = []
    for candidates in by_item.values():
        recorded = [(p, bool(label)) for *_, p, label in sorted(candidates) if p >= aligner.settings["record_threshold"]]
        kept += recorded[:aligner.settings["max_proposals"]]
    return kept


THRESHOLD_GRID = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
ASSERTED_PRECISION = 0.8      # the rule of assert_threshold, data/align/settings.toml


def rule_threshold(pairs: list[tuple[float, bool]], grid=THRESHOLD_GRID, wanted: float = ASSERTED_PRECISION) -> float | None:
    """The lowest threshold of the grid whose asserted links are right at least `wanted`
    of the time."""
    return next((t for t in grid if (precision_at(pairs, t)[1] or 0.0) >= wanted), None)


def save_model(model: dict, align_dir: Path) -> Path:
    path = align_dir / "model.json"
    path.write_text(json.dumps(model, indent=2) + "\n", encoding="utf-8")
    return path


# -- the report -------------------------------------------------------------------------------

CONFIGURATIONS = [
    ("all signals", set(), True),
    ("hand-set noisy-OR, no cues", {"cues"}, False),
    ("without explicit", {"explicit"}, True),
    ("without thesaurus", {"thesaurus"}, True),
    ("without similarity", {"similarity"}, True),
    ("without context", {"context"}, True),
    ("without no-target cues", {"cues"}, True),
]


def _rate(values: list[float]) -> str:
    if not values:
        return "–"
    low, high = bootstrap_interval(values)
    return f"{mean(values):.3f} [{low:.2f}, {high:.2f}]"


def summary_table(benchmarks: list[tuple[str, list[Result]]], threshold: float) -> str:
    lines = ["| benchmark | items | target P@1 | goal P@1 | no-target items left unaligned | target hit@3 |",
             "|---|---|---|---|---|---|"]
    for name, results in benchmarks:
        found = outcomes(results, threshold)
        lines.append(f"| {name} | {len(results)} | {_rate(found['target_p1'])} | {_rate(found['goal_p1'])} | "
                     f"{_rate(found['unaligned'])} | {_rate(found['target_hit3'])} |")
    return "\n".join(lines)


def ablation_table(benchmarks: dict[str, list[LabelledItem]], align_dir: Path | None = None) -> str:
    """Each configuration on each benchmark: target P@1, goal P@1, no-target items unaligned."""
    names = list(benchmarks)
    header = "| configuration | " + " | ".join(f"{n}: target P@1 | {n}: goal P@1 | {n}: unaligned" for n in names) + " |"
    lines = [header, "|---|" + "---|" * (3 * len(names))]
    for label, without, learned in CONFIGURATIONS:
        aligner = Aligner(align_dir, frozenset(SIGNALS) - without, learned=learned)
        cells = []
        for name in names:
            found = outcomes(run(aligner, benchmarks[name]), aligner.assert_threshold)
            cells += [f"{mean(found[k]):.3f}" if found[k] else "–" for k in ("target_p1", "goal_p1", "unaligned")]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def reliability_table(pairs: list[tuple[float, bool]]) -> str:
    rows, error = reliability(pairs)
    lines = ["| confidence | links | mean confidence | share right |", "|---|---|---|---|"]
    lines += [f"| {low:.1f}–{high:.1f} | {n} | {conf:.3f} | {acc:.3f} |" for low, high, n, conf, acc in rows]
    lines.append(f"expected calibration error (ECE, {RELIABILITY_BINS} bins, {len(pairs)} links): {error:.3f}")
    return "\n".join(lines)


def threshold_table(out_of_fold: list[tuple[float, bool]], in_sample: list[tuple[float, bool]], chosen: float) -> str:
    lines = ["| threshold | links asserted | precision (out-of-fold) | in-sample precision |", "|---|---|---|---|"]
    for t in THRESHOLD_GRID:
        n, precision = precision_at(out_of_fold, t)
        flattered = precision_at(in_sample, t)[1]
        mark = " (assert_threshold)" if abs(t - chosen) < 1e-9 else ""
        lines.append(f"| {t:.1f}{mark} | {n} | {'–' if precision is None else f'{precision:.3f}'} | "
                     f"{'–' if flattered is None else f'{flattered:.3f}'} |")
    rule = rule_threshold(out_of_fold)
    lines.append(f"the rule (lowest threshold with out-of-fold precision >= {ASSERTED_PRECISION:.2f}) gives "
                 f"{'no threshold' if rule is None else rule}; data/align/settings.toml has {chosen}")
    return "\n".join(lines)


def calibration_line(model: dict | None) -> str:
    if model is None:
        return "no learned model: the confidence is the hand-set noisy-OR"
    found = model.get("calibration")
    if found is None:
        return "no calibration in data/align/model.json: the confidence is the model's probability"
    losses = ", ".join(f"{m} {v:.4f}" for m, v in found["cross-validated log-loss"].items())
    return (f"calibration: {found['method']} (Platt scaling fitted on {found['fitted_on']}: slope {found['slope']:.3f}, "
            f"intercept {found['intercept']:.3f}); dev log-loss of each calibrator fitted on four folds, on the "
            f"fifth: {losses}")


def report(labelled: list[LabelledItem], cited: list[LabelledItem], align_dir: Path | None = None,
           readings: dict[str, list[Result]] | None = None) -> str:
    """The whole eval-align report; `readings` (load_readings) adds the blind readers' rows
    beside the aligner's on the cited sentences."""
    aligner = Aligner(align_dir)
    threshold = aligner.assert_threshold
    dev = [i for i in labelled if i.split == "dev"]
    test = [i for i in labelled if i.split == "test"]
    results = {"test split": run(aligner, test), "cited sentences": run(aligner, cited), "dev split": run(aligner, dev)}
    held_out_dev = out_of_fold_links(labelled, align_dir)
    model = "learned model (data/align/model.json)" if aligner.model else "hand-set noisy-OR (no data/align/model.json)"
    parts = [
        f"aligner: {model}; assert_threshold {threshold}",
        f"labelled items: {len(dev)} dev (fitting, thresholds), {len(test)} test (held out); "
        f"{len(cited)} cited sentences (never fitted on; citations removed before alignment)",
        "", "Held-out results (mean [bootstrap 95% interval]):",
        summary_table([("test split", results["test split"]), ("cited sentences", results["cited sentences"])]
                      + [(f"cited sentences, blind reader {name} (words only)", found)
                         for name, found in (readings or {}).items()], threshold),
        *(["", reading_agreement(readings)] if readings and len(readings) > 1 else []),
        "", "Ablation (the learned model as fitted, one signal switched off; and the hand-set noisy-OR):",
        ablation_table({"test": test, "cited": cited}, align_dir),
        "", calibration_line(aligner.model),
        "", "Calibration on the test split (every recorded link):",
        reliability_table(links(results["test split"])),
        "", "Calibration on the cited sentences:",
        reliability_table(links(results["cited sentences"])),
        "", "Calibration on the dev split, out-of-fold (model and calibrator fitted without each item's fold):",
        reliability_table(held_out_dev),
        "", "Assertion threshold from the dev split (precision of the links asserted, out-of-fold confidences; "
            "in-sample for comparison):",
        threshold_table(held_out_dev, links(results["dev split"]), threshold),
    ]
    return "\n".join(parts)
