"""The synthetic corpus generator (kgbuild.synth): deterministic, readable by today's
readers with nothing lost, and counted the same in the built graph.

The benchmark at 1e4..1e6 triples trusts these documents, so the tests prove the two
properties it relies on: the same seed gives the same bytes, and reading a generated
document gives back exactly the ground truth written beside it.
"""
from __future__ import annotations

import copy
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kgbuild import synth
from kgbuild.families import read_document
from kgbuild.response_category import derive, from_field
from kgbuild.vocab import concept_in, scheme

SMALL = 12          # enough for every layout: three GATE variants, ERC, one framework
SEED = 7


def _digest(folder: Path) -> dict[str, str]:
    """sha256 of every file below folder (documents and truth), by relative path."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth") / "sources"
    summary = synth.generate(out, SMALL, seed=SEED)
    return out, summary, synth.load_truth(summary.truth_dir)


# -- determinism ------------------------------------------------------------------------------

def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path, corpus):
    out, _, _ = corpus
    again = synth.generate(tmp_path / "again", SMALL, seed=SEED)
    other = synth.generate(tmp_path / "other", SMALL, seed=SEED + 1)
    assert _digest(tmp_path / "again") == _digest(out)
    assert again.truth_dir == tmp_path / "again" / synth.TRUTH_DIR_NAME
    other_digest = _digest(tmp_path / "other")
    assert other_digest != _digest(out)
    # Not only the names: the contents differ too.
    assert set(other_digest.values()).isdisjoint(_digest(out).values())
    assert other.total_documents == SMALL


def test_same_bytes_in_another_process_with_another_hash_seed(tmp_path, corpus):
    """String hashing is randomised per process; the output must not depend on it."""
    out, _, _ = corpus
    target = tmp_path / "subprocess"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-m", "kgbuild.synth", str(target), "-n", str(SMALL), "--seed", str(SEED)],
                   check=True, capture_output=True, env=env, timeout=120)
    assert _digest(target) == _digest(out)


# -- nothing lost ------------------------------------------------------------------------------

def test_corpus_holds_every_layout_and_truth_is_hidden_from_the_build(corpus):
    from kgbuild.build import source_files
    out, summary, truth = corpus
    assert summary.documents[synth.GATE] >= 3 and summary.documents[synth.ERC] >= 1
    assert summary.documents[synth.UNSDCF] >= 1
    assert {t["variant"] for t in truth.values()} == {"cpe", "portfolio", "gpi", "erc", "unsdcf"}
    assert [p.name for p in source_files(out)] == sorted(truth)
    assert summary.key_actions == sum(len(r["key_actions"]) for t in truth.values() for r in t["recommendations"])
    assert summary.recommendations == sum(len(t["recommendations"]) for t in truth.values())


def test_every_field_read_back_as_written(corpus):
    out, _, truth = corpus
    for name, record in truth.items():
        doc = read_document(out / name)
        assert doc.reader == record["family"], name
        errors = [str(p) for p in doc.problems if p.severity == "error"]
        assert errors == [], name
        assert synth.differences(doc, record) == [], name


def test_statuses_and_categories_resolve_to_the_intended_concepts(corpus):
    """Statuses are written with labels and altLabels of the scheme; a category is either
    in its field or only in the response's wording, and both lead to the same concept."""
    _, _, truth = corpus
    statuses = scheme("key-action-status")
    written_labels, blank_fields = set(), 0
    for name, record in truth.items():
        for rec in record["recommendations"]:
            expected = concept_in("response-category", rec["category_concept"])
            if rec["category"] is not None:
                assert from_field(rec["category"]) == expected, (name, rec["category"])
            else:
                blank_fields += 1
                found = derive(rec["response"])
                assert found is not None and found[0] == expected, (name, rec["response"][:80])
            for action in rec["key_actions"]:
                assert statuses.lookup(action["status"]) == concept_in("key-action-status", action["status_concept"])
                written_labels.add(action["status"])
    assert blank_fields > 0
    assert len(written_labels) >= 6


def test_the_comparison_catches_a_lost_value(corpus):
    """The check above can fail: change one field of the truth and it reports it."""
    out, _, truth = corpus
    name = next(n for n, t in truth.items() if t["family"] == synth.GATE)
    record = copy.deepcopy(truth[name])
    action = record["recommendations"][0]["key_actions"][0]
    action["responsible"] = action["responsible"] + " and HQ"
    record["recommendations"][-1]["key_actions"].pop()
    found = synth.differences(read_document(out / name), record)
    assert any("action 1 responsible" in d for d in found)
    assert any("key actions" in d for d in found)
    framework = next(n for n, t in truth.items() if t["family"] == synth.UNSDCF)
    record = copy.deepcopy(truth[framework])
    record["framework"]["outcomes"][0]["indicators"].pop()
    assert any("indicators" in d for d in synth.differences(read_document(out / framework), record))


def test_framework_truth_is_not_empty(corpus):
    _, summary, truth = corpus
    frameworks = [t["framework"] for t in truth.values() if t["family"] == synth.UNSDCF]
    outcomes = [o for f in frameworks for o in f["outcomes"]]
    assert summary.outcomes == len(outcomes) >= 3
    assert summary.indicators == sum(len(o["indicators"]) for o in outcomes)
    assert all(o["primary_targets"] and o["crosscutting_targets"] and o["lnob"] and o["agencies"] for o in outcomes)


# -- the built graph ------------------------------------------------------------------------------

def test_built_graph_counts_equal_the_truth(corpus, tmp_path):
    from kgbuild.build import build
    out, summary, _ = corpus
    result = build(out, tmp_path / "build", align=False, reason=False, validate=False)
    assert [p for p in result.problems if p.severity == "error"] == []

    def count(cls: str) -> int:
        rows = result.store.select(
            "PREFIX kgb: <https://w3id.org/kgbuild/ontology#> "
            f"SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{ GRAPH ?g {{ ?a a kgb:{cls} }} }}")
        return int(next(iter(rows))[0])

    assert count("KeyAction") == summary.key_actions
    assert count("Recommendation") == summary.recommendations
    assert count("Outcome") == summary.outcomes
