"""The evaluation harness on small constructed sets with known answers, the labelled set's
split rule, the learned model as data and the no-target cues."""
from __future__ import annotations

import json
import shutil

import pytest
from conftest import ROOT

from kgbuild.align import FEATURES, Aligner, Proposal
from kgbuild.align_eval import (
    LabelledItem,
    Result,
    bootstrap_interval,
    cross_validated_loss,
    fit,
    load_labelled,
    outcomes,
    precision_at,
    reliability,
    split_of,
)

ALIGN_DIR = ROOT / "data" / "align"
DEV_SET = ALIGN_DIR / "dev-set.tsv"


def item(targets, split="dev", text="x"):
    codes = frozenset(targets)
    return LabelledItem(text, text, codes, frozenset(c.split(".")[0] for c in codes), split)


def result(targets, ranked, goals=None):
    proposals = [Proposal(code, confidence) for code, confidence in ranked]
    return Result(item(targets), proposals, goals if goals is not None else [p.goal for p in proposals])


def test_precision_at_one_and_unaligned_share_on_known_answers():
    results = [result({"5.2"}, [("5.2", 0.9), ("5.1", 0.4)]),          # right
               result({"5.2"}, [("5.1", 0.8), ("5.2", 0.7)], ["5"]),   # wrong target, right goal, hit@3
               result({"3.1"}, []),                                    # nothing proposed: a miss
               result(set(), [("17.3", 0.3)]),                         # no target, left unaligned at 0.5
               result(set(), [("17.3", 0.6)])]                         # no target, but asserted
    found = outcomes(results, threshold=0.5)
    assert found["target_p1"] == [1.0, 0.0, 0.0]
    assert found["goal_p1"] == [1.0, 1.0, 0.0]
    assert found["target_hit3"] == [1.0, 1.0, 0.0]
    assert found["target_mrr"] == [1.0, 0.5, 0.0]
    assert found["unaligned"] == [1.0, 0.0]


def test_expected_calibration_error_by_hand():
    pairs = [(0.25, False), (0.25, False), (0.25, True), (0.25, False),   # 4 links, 0.25 sure, 1/4 right
             (0.95, True), (0.95, True), (0.95, True), (0.95, False),     # 4 links, 0.95 sure, 3/4 right
             (1.0, True), (1.0, True)]                                    # 1.0 falls in the last bin
    rows, ece = reliability(pairs, bins=10)
    assert [(round(low, 1), n) for low, _, n, _, _ in rows] == [(0.2, 4), (0.9, 6)]
    last = rows[-1]
    assert last[3] == pytest.approx((4 * 0.95 + 2 * 1.0) / 6) and last[4] == pytest.approx(5 / 6)
    expected = 4 / 10 * abs(0.25 - 0.25) + 6 / 10 * abs(5 / 6 - (4 * 0.95 + 2) / 6)
    assert ece == pytest.approx(expected)
    assert reliability([(0.7, True), (0.7, False)])[1] == pytest.approx(0.2)
    assert precision_at(pairs, 0.9) == (6, pytest.approx(5 / 6))


def test_bootstrap_interval_is_fixed_and_brackets_the_mean():
    values = [1.0] * 30 + [0.0] * 10
    low, high = bootstrap_interval(values)
    assert (low, high) == bootstrap_interval(values)                 # fixed seed
    assert low < 0.75 < high and 0.55 < low and high < 0.92          # ~ ±1.96 * sqrt(.75 * .25 / 40) = ±0.13
    assert bootstrap_interval([1.0] * 12) == (1.0, 1.0)
    assert bootstrap_interval([]) is None
    spread = [i / 37 for i in range(40)]
    assert bootstrap_interval(spread, seed=1) != bootstrap_interval(spread, seed=2)


def test_labelled_set_split_is_the_rule_and_disjoint():
    aligner = Aligner(learned=False)
    items = load_labelled(DEV_SET, set(aligner.targets))
    assert len(items) >= 150
    dev = {i.id for i in items if i.split == "dev"}
    test = {i.id for i in items if i.split == "test"}
    assert dev and test and not dev & test and len(dev | test) == len(items)
    assert all(i.split == split_of(i.text) for i in items)
    assert sum(not i.targets for i in items if i.split == "test") >= 20      # no-target items are held out too
    # near-identical texts share a split: no leak of one item into the other split
    assert split_of("Conduct public awareness campaigns on X") == split_of("conduct  PUBLIC awareness campaigns on Y")


def test_a_row_breaking_the_split_rule_names_file_and_line(tmp_path):
    lines = DEV_SET.read_text(encoding="utf-8").splitlines()
    header = next(n for n, line in enumerate(lines) if line.startswith("id\t"))
    cells = lines[header + 1].split("\t")
    cells[1] = "test" if cells[1] == "dev" else "dev"
    lines[header + 1] = "\t".join(cells)
    bad = tmp_path / "dev-set.tsv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=rf"dev-set.tsv:{header + 2}: split"):
        load_labelled(bad)


def test_learned_weights_load_from_the_data_file(tmp_path):
    folder = tmp_path / "align"
    shutil.copytree(ALIGN_DIR, folder)
    text = "Step up the HeForShe campaign"
    saved = Aligner(folder)
    assert saved.model is not None and saved.model["features"] == list(FEATURES)
    model = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    model["intercept"] += 3.0      # every candidate likelier: the confidence must follow the file
    (folder / "model.json").write_text(json.dumps(model), encoding="utf-8")
    assert Aligner(folder).propose(text)[0].confidence > saved.propose(text)[0].confidence
    (folder / "model.json").unlink()       # without the file: the hand-set noisy-OR
    assert Aligner(folder).propose(text)[0].confidence == Aligner(folder, learned=False).propose(text)[0].confidence
    (folder / "model.json").write_text(json.dumps({"features": ["other"], "coef": [1], "intercept": 0}), encoding="utf-8")
    with pytest.raises(ValueError, match="model.json: not a learned alignment model"):
        Aligner(folder)


def test_saved_model_is_the_fit_on_the_dev_split():
    """Refitting gives the weights in the file (deterministic), and only dev items count."""
    items = load_labelled(DEV_SET)
    saved = json.loads((ALIGN_DIR / "model.json").read_text(encoding="utf-8"))
    refit = fit(items)
    assert refit["coef"] == pytest.approx(saved["coef"], abs=1e-4)
    assert refit["intercept"] == pytest.approx(saved["intercept"], abs=1e-4)
    assert refit["trained_on"]["items"] == sum(i.split == "dev" for i in items)
    assert fit([i for i in items if i.split == "dev"])["coef"] == refit["coef"]     # test items change nothing
    # the regularisation strength is the grid's least cross-validated log-loss, as recorded
    losses = {float(c): loss for c, loss in refit["regularisation"]["cross-validated log-loss"].items()}
    assert refit["regularisation"]["C"] == min(losses, key=losses.get)
    assert refit["regularisation"] == saved["regularisation"]


def test_cross_validated_loss_prefers_the_fit_that_generalises():
    """On candidates whose label follows one feature and a second feature is noise, a model
    regularised nearly to a constant loses more on held-out items than a moderate one, and
    the loss of the folds is the same on every run."""
    import numpy as np
    rng = np.random.default_rng(7)
    signal = rng.random(200)
    rows = [[s, n] for s, n in zip(signal.tolist(), rng.random(200).tolist())]
    labels = [int(s + 0.2 * rng.standard_normal() > 0.5) for s in signal.tolist()]
    groups = [i // 2 for i in range(200)]            # two candidates per item
    moderate = cross_validated_loss(rows, labels, groups, 1.0)
    assert cross_validated_loss(rows, labels, groups, 1e-4) > moderate + 0.05
    assert moderate == cross_validated_loss(rows, labels, groups, 1.0)
    assert 0.0 < moderate < np.log(2)


def test_no_target_cue_keeps_a_generic_management_action_unaligned(tmp_path):
    aligner = Aligner()
    text = "Update the strategic note and the results framework of the gender equality programme"
    assert aligner.no_target_cues(text)
    assert not any(p.confidence >= aligner.assert_threshold for p in aligner.propose(text))
    # the same text without the cue signal gets a higher confidence for its best target
    without = Aligner(signals=aligner.signals - {"cues"})
    assert max(p.confidence for p in without.propose(text)) > max((p.confidence for p in aligner.propose(text)), default=0)
    # and a cue phrase is data: removing it from the file removes its effect
    folder = tmp_path / "align"
    shutil.copytree(ALIGN_DIR, folder)
    cues = folder / "no-target-cues.tsv"
    kept = [line for line in cues.read_text(encoding="utf-8").splitlines()
            if line.strip() not in ("strategic note", "results framework")]
    cues.write_text("\n".join(kept) + "\n", encoding="utf-8")
    assert Aligner(folder).no_target_cues(text) == []
