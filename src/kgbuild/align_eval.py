"""Score the aligner on labelled data: the sentences of a cooperation framework's narrative
that cite SDG targets in parentheses.

Each sentence is stripped of every citation before the aligner sees it, and scored
against what it cited. The aligner gets no other view of the sentence: its thesaurus and
similarity model are built from the official SDG texts and curated domain terms, never
from the framework. The outcome statement the sentence stands under is its context.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .align import SIGNALS, Aligner, goal_ranking
from .families import read_document
from .families.unsdcf.reader import CITATION, CITATION_CONTENT


@dataclass(frozen=True)
class DevItem:
    line: int
    sentence: str          # citations removed
    cited: frozenset[str]  # target codes
    context: str           # the outcome statement


def strip_citations(sentence: str) -> str:
    def drop(m: re.Match) -> str:
        return "" if CITATION_CONTENT.match(m.group(1)) else m.group(0)
    text = CITATION.sub(drop, sentence)
    return re.sub(r"\s+([.,;:])", r"\1", re.sub(r"\s{2,}", " ", text)).strip()


def dev_set(framework_path: Path) -> list[DevItem]:
    doc = read_document(framework_path, "unsdcf")
    items: dict[tuple[int, str], set[str]] = {}
    context: dict[tuple[int, str], str] = {}
    for outcome in doc.framework.outcomes:
        for link in outcome.targets:
            if link.kind == "cited" and link.evidence:
                key = (link.line, link.evidence)
                items.setdefault(key, set()).add(link.code)
                context[key] = outcome.statement
    dev = []
    for (line, sentence), cited in sorted(items.items()):
        stripped = strip_citations(sentence)
        if len(stripped.split()) >= 4:
            dev.append(DevItem(line, stripped, frozenset(cited), context[(line, sentence)]))
    return dev


def score(aligner: Aligner, dev: list[DevItem]) -> dict[str, float]:
    """precision@1, hit@3, MRR and coverage, at target and at goal level."""
    totals = dict.fromkeys(["target_p1", "target_hit3", "target_mrr", "goal_p1", "goal_hit3", "goal_mrr", "coverage"], 0.0)
    aligner.read_texts([t for item in dev for t in (item.sentence, item.context)])   # one batch for the whole set
    for item in dev:
        proposals = aligner.propose(item.sentence, context=[("outcome", item.context, aligner.settings["context"]["inherited"])])
        targets = [p.target for p in proposals]
        goals = [g for g, _ in goal_ranking(proposals)]
        gold_goals = {code.split(".")[0] for code in item.cited}
        for prefix, ranking, gold in (("target", targets, item.cited), ("goal", goals, gold_goals)):
            totals[f"{prefix}_p1"] += bool(ranking) and ranking[0] in gold
            totals[f"{prefix}_hit3"] += any(code in gold for code in ranking[:3])
            rank = next((i for i, code in enumerate(ranking, 1) if code in gold), None)
            totals[f"{prefix}_mrr"] += 1.0 / rank if rank else 0.0
        totals["coverage"] += bool(proposals)
    return {key: value / len(dev) for key, value in totals.items()} if dev else totals


def ablation(dev: list[DevItem], align_dir: Path | None = None) -> list[tuple[str, dict[str, float]]]:
    """The full aligner, each signal alone, and the full aligner without each signal."""
    rows = [("all signals", score(Aligner(align_dir), dev))]
    for signal in ("explicit", "thesaurus", "similarity"):
        rows.append((f"only {signal}", score(Aligner(align_dir, frozenset({signal})), dev)))
    for signal in ("explicit", "thesaurus", "similarity", "context"):
        rows.append((f"without {signal}", score(Aligner(align_dir, frozenset(SIGNALS) - {signal}), dev)))
    return rows


def format_table(rows: list[tuple[str, dict[str, float]]], n: int) -> str:
    header = ["configuration", "target P@1", "target hit@3", "target MRR", "goal P@1", "goal hit@3", "goal MRR", "coverage"]
    keys = ["target_p1", "target_hit3", "target_mrr", "goal_p1", "goal_hit3", "goal_mrr", "coverage"]
    lines = [f"development set: {n} sentences citing SDG targets (citations removed before alignment)",
             "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for name, metrics in rows:
        lines.append("| " + " | ".join([name] + [f"{metrics[k]:.3f}" for k in keys]) + " |")
    return "\n".join(lines)
