"""Readers on constructed variants of the real layouts: other numbering, other status
words, blank fields, truncation. Each variant is a small document written by the test."""
from __future__ import annotations

import textwrap

import pytest
from conftest import mapped
from pages import erc_page

from kgbuild.families import read_document
from kgbuild.namespaces import KGB
from kgbuild.vocab import concept_in

GATE = textwrap.dedent("""\
    Management Response

    : Kazakhstan
    : 2016 - 2020 , Kazakhstan (CO)
    : Country Portfolio Evaluation of the Kazakhstan Country Office
    : Kazakhstan

    : Approved
    Recommendation: Strengthen partnerships with civil society.
    Management Response: {response}
    Description: The evaluation found gaps.
    Management Response Category: {category}
    Thematic Area: Ending violence against women (SPs before 2018), Not applicable
    Operating Principles: Advocacy
    Organizational Priorities: Partnership
    UNEG Criteria: Effectiveness, Sustainability
    Key Actions
    Responsible Deadline Status Comments
    {rows}
    """)


def gate(tmp_path, rows, response="Accepted. The office will act.", category="Accepted"):
    path = tmp_path / "gate-variant.txt"
    path.write_text(GATE.format(rows="\n".join(rows), response=response, category=category), encoding="utf-8")
    return read_document(path)


def actions(doc):
    return doc.evaluation.recommendations[0].response.key_actions


def problems(doc, severity):
    return [p for p in doc.problems if p.severity == severity]


def test_gate_variant_reads_like_the_real_layout(tmp_path):
    doc = gate(tmp_path, ["Conduct a survey on GBV Country Office 2022/12 Completed Survey done."])
    assert doc.reader == "unwomen-gate"
    (action,) = actions(doc)
    assert (action.text, action.responsible, action.deadline, action.status_text, action.comment) == (
        "Conduct a survey on GBV", "Country Office", "2022-12", "Completed", "Survey done.")
    assert action.span.start == 19
    assert not doc.problems


def test_numbering_before_actions_is_kept_apart(tmp_path):
    doc = gate(tmp_path, [
        "1.1. Conduct a survey Country Office 2022/12 Completed",
        "1.2 Hold a workshop with UNICEF Programme Specialist 2023/01 Initiated Planned for March.",
    ])
    first, second = actions(doc)
    assert (first.number, first.text, first.responsible) == ("1.1", "Conduct a survey", "Country Office")
    assert (second.number, second.text, second.responsible) == ("1.2", "Hold a workshop with UNICEF", "Programme Specialist")
    assert second.comment == "Planned for March."


@pytest.mark.parametrize("written, concept", [
    ("Over due", "overdue"), ("Ongoing", "ongoing"), ("Overdue-Initiated", "overdue-initiated"),
    ("Overdue - Not Initiated", "overdue-not-initiated"), ("not initiated", "not-initiated"),
    ("No Longer Applicable", "no-longer-applicable"),
])
def test_status_variants_map_to_the_status_scheme(tmp_path, written, concept):
    doc = gate(tmp_path, [f"Review the plan UN Women 2021/06 {written} Comment text here"])
    (action,) = actions(doc)
    assert action.status_text == written
    assert action.comment == "Comment text here"
    graph = mapped(doc)
    assert concept_in("key-action-status", concept) in set(graph.objects(None, KGB.status))


def test_no_deadline_established(tmp_path):
    doc = gate(tmp_path, ["Keep advocating UN Women No deadline established Ongoing Continuous work."])
    (action,) = actions(doc)
    assert (action.responsible, action.deadline, action.deadline_note, action.status_text) == (
        "UN Women", None, "No deadline established", "Ongoing")
    assert concept_in("deadline-note", "no-deadline") in set(mapped(doc).objects(None, KGB.deadlineNote))


def test_blank_category_is_derived_from_the_response_and_marked_derived(tmp_path):
    doc = gate(tmp_path, ["Act Country Office 2022/12 Completed"],
               response="The country office partially accepts the recommendation. It will act.", category="")
    assert doc.evaluation.recommendations[0].response.category_text is None
    graph = mapped(doc)
    assert concept_in("response-category", "partially-accepted") in set(graph.objects(None, KGB.responseCategory))
    assert concept_in("extraction-method", "derived-from-text") in set(graph.objects(None, KGB.responseCategoryMethod))
    evidence = {str(o) for o in graph.objects(None, KGB.responseCategoryEvidence)}
    assert evidence == {"The country office partially accepts the recommendation."}


def test_stated_category_is_marked_stated(tmp_path):
    graph = mapped(gate(tmp_path, ["Act Country Office 2022/12 Completed"], category="Rejected"))
    assert concept_in("response-category", "rejected") in set(graph.objects(None, KGB.responseCategory))
    assert concept_in("extraction-method", "stated") in set(graph.objects(None, KGB.responseCategoryMethod))


def test_truncated_last_row_keeps_what_is_there_and_says_so(tmp_path):
    doc = gate(tmp_path, [
        "Conduct a survey Country Office 2022/12 Completed Done.",
        "Hold a national dialogue on gender Country Office 2023/06 Overdue-Ini",
    ])
    first, last = actions(doc)
    assert first.status_text == "Completed"
    assert (last.text, last.responsible, last.deadline, last.status_text) == (
        "Hold a national dialogue on gender", "Country Office", "2023-06", "Overdue-Ini")
    warning = problems(doc, "warning")[0]
    assert warning.line == 20 and "cut off" in warning.message
    assert len(set(mapped(doc).subject_objects(KGB.status))) == 1  # only the complete row


def test_row_cut_before_its_deadline_is_kept_as_text_with_an_error(tmp_path):
    doc = gate(tmp_path, ["Conduct a survey Country Office 2022/12 Completed", "Hold a national dialogue on gen"])
    first, last = actions(doc)
    assert last.text == "Hold a national dialogue on gen" and last.deadline is None
    (error,) = problems(doc, "error")
    assert error.line == 20 and error.message.startswith("key action row ends before its deadline")


def test_unknown_status_word_is_an_error_and_the_text_is_kept(tmp_path):
    doc = gate(tmp_path, ["Conduct a survey Country Office 2022/12 Postponed until funds arrive"])
    (action,) = actions(doc)
    assert action.status_text is None and action.unread == "Postponed until funds arrive"
    (error,) = problems(doc, "error")
    assert error.line == 19 and "unknown status" in error.message


def test_month_out_of_range_is_not_a_deadline(tmp_path):
    doc = gate(tmp_path, ["Conduct a survey Country Office 2022/13 Completed"])
    (action,) = actions(doc)
    assert action.deadline is None and action.status_text == "Completed"
    assert any("not a month" in p.message for p in problems(doc, "error"))


def test_not_applicable_is_not_a_thematic_area(tmp_path):
    rec = gate(tmp_path, ["Act Country Office 2022/12 Completed"]).evaluation.recommendations[0]
    assert rec.thematic_areas == ["Ending violence against women (SPs before 2018)"]




def erc(tmp_path, actions_text):
    path = tmp_path / "erc-variant.txt"
    path.write_text(erc_page(actions_text), encoding="utf-8")
    return read_document(path)


def test_erc_action_with_only_an_added_stamp(tmp_path):
    doc = erc(tmp_path, "Train staff on M&E\n[Added: 2019/01/09]\nM&E Associate 2019/12 Completed Done. History")
    assert doc.reader == "undp-erc"
    (action,) = actions(doc)
    assert (action.text, action.responsible, action.deadline, action.status_text, action.comment) == (
        "Train staff on M&E", "M&E Associate", "2019-12", "Completed", "Done.")
    assert (action.added, action.updated) == ("2019-01-09", None)
    assert (action.span.start, action.span.end) == (22, 24)


def test_erc_no_due_date_row(tmp_path):
    doc = erc(tmp_path, "Keep the dialogue going\n[Added: 2019/01/09] [Last Updated: 2019/06/01]\n"
                        "CO management team No due date Initiated Talks continue.")
    (action,) = actions(doc)
    assert (action.responsible, action.deadline, action.deadline_note, action.status_text, action.comment) == (
        "CO management team", None, "No due date", "Initiated", "Talks continue.")
    assert not [p for p in doc.problems if p.severity == "error"]


def test_erc_action_cut_off_before_its_row(tmp_path):
    doc = erc(tmp_path, "Train staff on M&E\n[Added: 2019/01/09]\nM&E Associate 2019/12 Completed\n"
                        "Run a webinar on Islamic finance\n[Added: 2019/01/09]")
    first, second = actions(doc)
    assert second.text == "Run a webinar on Islamic finance" and second.added == "2019-01-09"
    assert second.responsible is None and second.status_text is None
    assert any(p.severity == "error" and p.line == 25 and "cut off" in p.message for p in doc.problems)


def test_erc_category_is_derived(tmp_path):
    graph = mapped(erc(tmp_path, "Train staff\n[Added: 2019/01/09]\nM&E Associate 2019/12 Completed"))
    assert concept_in("response-category", "accepted") in set(graph.objects(None, KGB.responseCategory))
