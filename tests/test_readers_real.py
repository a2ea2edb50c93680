"""The readers on the real documents: counts, every key action checked against a golden
file verified by hand against the sources, metadata, findings and response categories."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from conftest import MANAGEMENT_RESPONSES, SOURCES
from kgbuild.families import ReaderError, read_document

GOLDEN = Path(__file__).parent / "golden" / "key-actions.tsv"


@pytest.fixture(scope="module")
def documents():
    return {name: read_document(SOURCES / name) for name in MANAGEMENT_RESPONSES}


@pytest.mark.parametrize("name", sorted(MANAGEMENT_RESPONSES))
def test_recommendation_and_action_counts(documents, name):
    recs, actions = MANAGEMENT_RESPONSES[name]
    evaluation = documents[name].evaluation
    assert len(evaluation.recommendations) == recs
    assert sum(len(r.response.key_actions) for r in evaluation.recommendations) == actions


def test_every_key_action_matches_the_hand_checked_golden_file(documents):
    with GOLDEN.open(encoding="utf-8") as handle:
        golden = list(csv.DictReader(handle, delimiter="\t"))
    assert len(golden) == 72
    actual = {}
    for name, doc in documents.items():
        for rec in doc.evaluation.recommendations:
            for action in rec.response.key_actions:
                actual[(name, rec.ordinal, action.ordinal)] = action
    assert len(actual) == 72
    for row in golden:
        action = actual[(row["document"], int(row["recommendation"]), int(row["action"]))]
        where = f"{row['document']}:{row['line']}"
        assert action.span.end == int(row["line"]), where
        assert action.text.endswith(row["text_ends_with"]), where
        assert (action.responsible or "") == row["responsible"], where
        assert (action.deadline or "") == row["deadline"], where
        assert (action.status_text or "") == row["status"], where
        assert (action.comment or "").startswith(row["comment_starts_with"]), where


def test_responsible_typo_is_kept_verbatim(documents):
    erc = documents["undp-erc-kazakhstan-international-cooperation-outcome-2018.txt"]
    parties = [a.responsible for r in erc.evaluation.recommendations for a in r.response.key_actions]
    assert "M&E Assoacite" in parties


def test_erc_metadata(documents):
    ev = documents["undp-erc-kazakhstan-international-cooperation-outcome-2018.txt"].evaluation
    assert (ev.title, ev.evaluation_type, ev.agency) == ("International Cooperation", "Outcome", "UNDP")
    assert (ev.period_start, ev.period_end, ev.countries) == (2016, 2020, ["KAZ"])
    assert (ev.completion_date, ev.budget_usd, ev.expenditure_usd) == ("2018-12", "20000", "18600")
    assert ev.project_numbers == ["92005", "80789", "84687"]
    assert ev.joint_evaluation is False


def test_erc_stamps_and_justification(documents):
    ev = documents["undp-erc-kazakhstan-international-cooperation-outcome-2018.txt"].evaluation
    rec3 = ev.recommendations[2]
    assert (rec3.response.added, rec3.response.updated) == ("2019-01-02", "2020-11-29")
    dropped = rec3.response.key_actions[3]
    assert dropped.status_text == "No Longer Applicable"
    assert dropped.justification == "The action is no more applicable."
    assert (dropped.added, dropped.updated) == ("2019-01-09", "2019-09-16")
    rec6 = ev.recommendations[5]
    assert rec6.response.text is None and rec6.response.added == "2019-01-02"


def test_erc_findings_and_tags(documents):
    ev = documents["undp-erc-kazakhstan-international-cooperation-outcome-2018.txt"].evaluation
    assert [f.number for f in ev.findings] == [str(n) for n in range(1, 16)]
    assert ev.findings[0].section == "3.1 Relevance"
    assert ev.findings[0].tag_text == "Relevance Gender Equality Capacity Building South-South Cooperation"
    assert ev.findings[14].section == "3.5 GEWE"


def test_gate_header(documents):
    mco = documents["unwomen-gate-mr-kazakhstan-mco-portfolio-2014-2015.txt"].evaluation
    assert mco.title == "Portfolio Evaluation of Kazakhstan Multi-Country Office for Central Asia Strategic Note"
    assert (mco.period_start, mco.period_end, mco.office, mco.countries) == (2014, 2015, "Kazakhstan (CO)", ["KAZ"])
    assert mco.response_approval == "Approved"
    assert mco.overall_response.startswith("The MCO very much appreciates")
    kgz = documents["unwomen-gate-mr-kyrgyzstan-gpi-pbf-migration-2018-2022.txt"].evaluation
    assert kgz.countries == ["KGZ"]
    cpe = documents["unwomen-gate-mr-kazakhstan-cpe-2016-2020.txt"].evaluation
    assert cpe.title == "Kazakhstan Country Office Country Portfolio Evaluation 2016-2020"
    assert (cpe.period_start, cpe.period_end, cpe.countries) == (2016, 2020, ["KAZ"])


def test_gate_classification_lists(documents):
    rec = documents["unwomen-gate-mr-kazakhstan-cpe-2016-2020.txt"].evaluation.recommendations[0]
    assert len(rec.thematic_areas) == 7
    assert rec.uneg_criteria == ["Relevance", "Human Rights", "Gender equality"]
    assert rec.response.category_text == "Accepted"
    not_applicable = documents["unwomen-gate-mr-kazakhstan-cpe-2016-2020.txt"].evaluation.recommendations[2]
    assert not_applicable.thematic_areas == []


def test_unknown_reader_name_lists_the_valid_ones():
    with pytest.raises(ReaderError) as info:
        read_document(SOURCES / "unwomen-gate-mr-kazakhstan-cpe-2016-2020.txt", "no-such-reader")
    assert "no-such-reader" in str(info.value)
    assert "unwomen-gate" in str(info.value) and "undp-erc" in str(info.value)


def test_a_document_no_reader_accepts_is_named(tmp_path):
    path = tmp_path / "minutes.txt"
    path.write_text("Minutes of the meeting\nNothing to see here.\n", encoding="utf-8")
    with pytest.raises(ReaderError) as info:
        read_document(path)
    assert str(path) in str(info.value) and "no reader accepts" in str(info.value)
