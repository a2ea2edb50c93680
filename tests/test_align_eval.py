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
    cross_fitted_calibrations,
    cross_validated_loss,
    cited_sentences,
    fit,
    load_labelled,
    load_readings,
    log_loss_sum,
    out_of_fold_links,
    outcomes,
    platt,
    precision_at,
    reliability,
    rule_threshold,
    run,
    split_of,
)

ALIGN_DIR = ROOT / "data" / "align"
DEV_SET = ALIGN_DIR / "dev-set.tsv"
READINGS = ALIGN_DIR / "cited-readings.tsv"
FRAMEWORK = ROOT / "data" / "sources" / "unsdcf-kazakhstan-2021-2025.txt"


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


def test_a_labelled_set_that_is_not_utf8_names_file_and_line(tmp_path):
    data = DEV_SET.read_bytes().splitlines(keepends=True)
    row = next(n for n, line in enumerate(data) if line.startswith(b"id\t")) + 3
    data[row] = data[row].replace(b"\t", b"\t\xff", 1)
    bad = tmp_path / "dev-set.tsv"
    bad.write_bytes(b"".join(data))
    with pytest.raises(ValueError, match=rf"dev-set.tsv:{row + 1}: not UTF-8 text"):
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
    assert refit["calibration"] == saved["calibration"]


def test_model_and_calibration_are_fitted_on_the_dev_split_only():
    """Relabelling and rewording a test item leaves the whole model file as it was; doing
    the same to a dev item changes it."""
    import dataclasses
    items = load_labelled(DEV_SET)
    original = fit(items)
    for split in ("test", "dev"):
        at = next(n for n, i in enumerate(items) if i.split == split and i.targets)
        changed = list(items)
        changed[at] = dataclasses.replace(items[at], text=items[at].text + " and ending violence against women",
                                          targets=frozenset({"5.2"}), goals=frozenset({"5"}))
        assert (fit(changed) == original) == (split == "test"), split


def test_platt_scaling_lowers_held_out_loss_on_overconfident_scores():
    """Scores three times as sure as the truth: Platt scaling, fitted on other folds, finds
    a slope near 1/3 and lowers the log-loss of held-out items; it is increasing, so it keeps
    every ranking."""
    import numpy as np
    rng = np.random.default_rng(11)
    truth = rng.normal(0.0, 1.5, 600)
    labels = (rng.random(600) < 1.0 / (1.0 + np.exp(-truth))).astype(int)
    overconfident = 3.0 * truth
    groups = np.arange(600) // 3
    slope, _ = platt(overconfident, labels)
    assert 0.2 < slope < 0.5
    held_out = cross_fitted_calibrations(overconfident, labels, groups)
    assert log_loss_sum(held_out["platt"], labels) < 0.9 * log_loss_sum(held_out["none"], labels)
    order = np.argsort(overconfident)
    assert np.all(np.diff(held_out["platt"][order][groups[order] % 5 == 0]) >= 0)
    # on calibrated scores it finds nothing to correct
    assert 0.8 < platt(truth, labels)[0] < 1.25


def write_calibration(folder, slope, intercept):
    model = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    model["calibration"] = dict(model["calibration"], method="platt", slope=slope, intercept=intercept)
    (folder / "model.json").write_text(json.dumps(model), encoding="utf-8")


def test_calibration_changes_confidences_but_not_rankings(tmp_path):
    """A calibration that squeezes every confidence to nearly one value (ties at three
    decimals) changes no item's ranking and no precision@1: candidates rank by the model's
    own probability. Every candidate is recorded (record threshold 0) so only ranking counts."""
    folder = tmp_path / "align"
    shutil.copytree(ALIGN_DIR, folder)
    settings = folder / "settings.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("record_threshold = 0.2", "record_threshold = 0.0"),
                        encoding="utf-8")
    texts = {"Step up the HeForShe campaign and the gender-responsive budgeting of ministries": {"5.c"},
             "Train police and judges on domestic violence and support shelters for survivors": {"5.2"},
             "Expand social protection floors for older persons and support school meals": {"1.3"},
             "Strengthen national statistics on migrants and disaggregated data": {"17.18"},
             "Improve access to justice and legal aid for women in rural areas": {"16.3"}}
    labelled = [LabelledItem(t, t, frozenset(g), frozenset(c.split(".")[0] for c in g), "dev") for t, g in texts.items()]
    raw = Aligner(folder)
    write_calibration(folder, 0.002, 0.0)
    squeezed = Aligner(folder)
    before, after = run(raw, labelled), run(squeezed, labelled)
    assert [[p.target for p in r.proposals] for r in before] == [[p.target for p in r.proposals] for r in after]
    assert outcomes(before, 0.5)["target_p1"] == outcomes(after, 0.5)["target_p1"]
    # the check has teeth: some item's ranking is not the order of its codes (the tie-break)
    from kgbuild.align import _code_key
    assert any([p.target for p in r.proposals] != sorted((p.target for p in r.proposals), key=_code_key) for r in before)
    squeezed_values = {p.confidence for r in after for p in r.proposals}
    assert all(0.49 < c < 0.51 for c in squeezed_values)
    assert len(squeezed_values) < len({p.confidence for r in before for p in r.proposals})   # ties made


def test_a_calibration_that_reverses_the_order_is_refused(tmp_path):
    folder = tmp_path / "align"
    shutil.copytree(ALIGN_DIR, folder)
    write_calibration(folder, -1.0, 0.0)
    with pytest.raises(ValueError, match="model.json: not a learned alignment model.*slope"):
        Aligner(folder)


def test_rule_threshold_is_the_lowest_with_enough_precision():
    pairs = [(0.95, True)] * 8 + [(0.65, True), (0.65, False), (0.45, False), (0.45, False), (0.25, True)]
    assert rule_threshold(pairs) == 0.5              # 0.4: 9/12 right; 0.5: 9/10
    assert rule_threshold(pairs, wanted=0.95) == 0.7
    assert rule_threshold([(0.9, False)]) is None


def test_assert_threshold_follows_its_rule_on_out_of_fold_dev_confidences():
    """settings.toml's assert_threshold is what its documented rule gives on out-of-fold
    confidences of the dev links, which are the aligner's recorded links of the dev items."""
    items = load_labelled(DEV_SET)
    held_out = out_of_fold_links(items)
    aligner = Aligner()
    assert rule_threshold(held_out) == aligner.assert_threshold
    in_sample = run(aligner, [i for i in items if i.split == "dev"])
    assert abs(len(held_out) - sum(len(r.proposals) for r in in_sample)) <= 0.2 * len(held_out)
    assert all(aligner.settings["record_threshold"] <= c <= 1 for c, _ in held_out)


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


@pytest.fixture(scope="module")
def cited_and_targets():
    return cited_sentences(FRAMEWORK), set(Aligner(ALIGN_DIR, learned=False).targets)


def test_both_blind_readings_cover_every_cited_sentence(cited_and_targets):
    cited, targets = cited_and_targets
    passes = load_readings(READINGS, FRAMEWORK, cited, targets)
    assert sorted(passes) == ["a", "b"]
    for found in passes.values():
        assert [r.item for r in found] == cited
        assert all(r.proposals and r.goals[0] == r.proposals[0].goal for r in found)


def _readings_file(tmp_path, rows):
    path = tmp_path / "readings.tsv"
    header = "# constructed\nframework\tid\tpass\ttop\tothers\ttext\n"
    path.write_text(header + "".join("\t".join(row) + "\n" for row in rows), encoding="utf-8")
    return path


def test_a_reading_is_scored_like_the_aligner(tmp_path, cited_and_targets):
    cited, targets = cited_and_targets
    right = [(FRAMEWORK.name, i.id, "right", sorted(i.targets)[0], "", i.text) for i in cited]
    # the first cited target's goal, but a target of it no sentence cites
    wrong = [(FRAMEWORK.name, i.id, "wrong", next(t for t in sorted(targets) if t.split(".")[0] == sorted(i.goals)[0]
                                                   and t not in i.targets), "", i.text) for i in cited]
    passes = load_readings(_readings_file(tmp_path, right + wrong), FRAMEWORK, cited, targets)
    assert set(outcomes(passes["right"], 0.7)["target_p1"]) == {1.0}
    assert set(outcomes(passes["wrong"], 0.7)["target_p1"]) == {0.0}
    assert set(outcomes(passes["wrong"], 0.7)["goal_p1"]) == {1.0}


def test_a_reading_of_other_sentences_is_left_out(tmp_path, cited_and_targets):
    cited, targets = cited_and_targets
    rows = [(FRAMEWORK.name, i.id, "a", sorted(i.targets)[0], "", i.text) for i in cited]
    rows[3] = rows[3][:5] + (rows[3][5] + " (edited)",)     # the framework's text has changed
    assert load_readings(_readings_file(tmp_path, rows), FRAMEWORK, cited, targets) == {}


def test_a_reading_with_an_unknown_target_names_file_and_line(tmp_path, cited_and_targets):
    cited, targets = cited_and_targets
    rows = [(FRAMEWORK.name, i.id, "a", sorted(i.targets)[0], "", i.text) for i in cited]
    rows[2] = rows[2][:4] + ("5.99",) + rows[2][5:]
    with pytest.raises(ValueError, match=r"readings.tsv:5: unknown target codes \['5.99'\]"):
        load_readings(_readings_file(tmp_path, rows), FRAMEWORK, cited, targets)


def test_a_reading_file_that_is_not_utf8_names_file_and_line(tmp_path, cited_and_targets):
    cited, targets = cited_and_targets
    path = _readings_file(tmp_path, [(FRAMEWORK.name, i.id, "a", sorted(i.targets)[0], "", i.text) for i in cited])
    data = path.read_bytes().splitlines(keepends=True)
    data[4] = data[4].replace(b"\t", b"\t\xff", 1)
    path.write_bytes(b"".join(data))
    with pytest.raises(ValueError, match=r"readings.tsv:5: not UTF-8 text"):
        load_readings(path, FRAMEWORK, cited, targets)
