"""Damaged management responses on constructed pages: a key-action table of any rendering
whose document ends inside its last row, an ERC page whose site footer stands inside the
evaluation, and a document cut inside a multi-byte character. Each page is small and
written from the renderings' descriptions; each test checks the fields read and the
located problem."""
from __future__ import annotations

import textwrap

import pytest

from kgbuild.families import read_document

HEADER = """\
    Title: Final Evaluation of the Youth Project
    Evaluation Plan: 2015-2019, Tajikistan
    Evaluation Type: Project
    Completion Date: 11/2019
    Recommendation 1: Build youth centres.
    Management Response: [Added: 2019/01/02] Accepted.
    """
# Each ERC table rendering: the lines of a table whose last row ends with `{deadline}`
# (no status, no comment after it), the row's first line, and the line of its deadline.
TABLES = {
    "pipes": ("""\
        Key Action | Responsible | Due Date | Status | Comments
        Run summer camps | Youth Unit | 2020/06 | Completed | Done.
        Open two youth centres | Youth Unit | {deadline}
        """, 9, 9),
    "tabs": ("""\
        Key Action\tResponsible\tDeadline\tStatus\tComments
        Run summer camps\tYouth Unit\t2020/06\tCompleted\tDone.
        Open two youth centres\tYouth Unit\t{deadline}
        """, 9, 9),
    "one cell per line": ("""\
        Key Actions:
        Key Action
        Responsible
        Time Frame
        Status
        Comments
        Run summer camps
        Youth Unit
        2020/06
        Completed
        Done.
        Open two youth centres
        Youth Unit
        {deadline}
        """, 18, 20),
    "labelled fields": ("""\
        Key Action: Run summer camps
        Responsible Unit: Youth Unit
        Time Frame: 2020/06
        Status: Completed
        Key Action: Open two youth centres
        Responsible Unit: Youth Unit
        Time Frame: {deadline}
        """, 11, 13),
    "three lines": ("""\
        Key Actions:
        Key Action Responsible DueDate Status Comments Documents
        Run summer camps
        [Added: 2019/01/09]
        Youth Unit 2020/06 Completed Done.
        Open two youth centres
        [Added: 2019/01/09]
        Youth Unit {deadline}
        """, 12, 14),
    "template": ("""\
        Key action Responsible Time frame Status Run summer camps Country Office 2020/06 Completed Open two youth centres Country Office {deadline}
        """, 6, 6),
}


def page(rendering: str, deadline: str, after: str = "") -> str:
    table = TABLES[rendering][0].format(deadline=deadline)
    if rendering == "template":   # the response and the table run together on line 6
        return textwrap.dedent(HEADER).replace("[Added: 2019/01/02] Accepted.\n", "Accepted. ") \
            + textwrap.dedent(table) + after
    return textwrap.dedent(HEADER) + textwrap.dedent(table) + after


def last_action(tmp_path, text: str):
    path = tmp_path / "page.txt"
    path.write_text(text, encoding="utf-8")
    doc = read_document(path)
    assert doc.reader == "undp-erc"
    actions = doc.evaluation.recommendations[0].response.key_actions
    assert [a.text for a in actions] == ["Run summer camps", "Open two youth centres"]
    assert actions[0].deadline == "2020-06" and actions[0].status_text == "Completed"
    return doc, actions[-1]


def said(doc, line: int, words: str) -> bool:
    return any(p.line == line and words in p.message for p in doc.problems)


@pytest.mark.parametrize("rendering", list(TABLES))
def test_a_last_row_cut_in_its_deadline_keeps_the_deadline_as_unread_text(tmp_path, rendering):
    doc, action = last_action(tmp_path, page(rendering, "2020/1"))
    row_line, deadline_line = TABLES[rendering][1:]
    assert action.span.start == row_line
    assert action.deadline is None and action.unread == "2020/1" and action.status_text is None
    assert said(doc, deadline_line, "ends inside its deadline ('2020/1' may be cut from a two-digit month)")


@pytest.mark.parametrize("rendering", list(TABLES))
def test_a_last_row_ending_after_its_whole_deadline_keeps_the_deadline(tmp_path, rendering):
    doc, action = last_action(tmp_path, page(rendering, "2020/12"))
    assert action.deadline == "2020-12" and action.unread is None
    assert said(doc, TABLES[rendering][2], "ends after its deadline, before its status: the document ends inside it")


@pytest.mark.parametrize("rendering", [name for name in TABLES if name != "template"])
def test_a_one_digit_month_before_the_site_footer_is_a_month(tmp_path, rendering):
    """The page goes on to its footer, so it was not cut: 'YYYY/M' is read as written."""
    doc, action = last_action(tmp_path, page(rendering, "2020/1", after="\nLatest Evaluations\nContact us\n"))
    assert action.deadline == "2020-01" and action.unread is None
    assert not any("truncated" in p.message for p in doc.problems)


def test_a_status_cut_at_the_document_end_is_said_in_a_cell_table(tmp_path):
    doc, action = last_action(tmp_path, page("pipes", "2020/12 | Overdue"))
    assert action.deadline == "2020-12" and action.status_text == "Overdue"
    assert said(doc, 9, "the document ends right after the status 'Overdue'")


ERC_WITH_FOOTER_INSIDE = """\
    Title: Outcome Evaluation of Governance Programme
    Evaluation Plan: 2016-2020, Georgia
    Evaluation Type: Outcome
    Completion Date: 12/2018
    1. Recommendation:
    Set up a coordination mechanism.
    Management Response: [Added: 2019/01/02]
    The office accepts the recommendation.
    Key Actions:
    Key Action Responsible DueDate Status Comments Documents
    Establish a working group
    [Added: 2019/01/09]
    Country Office 2019/12 Completed The group met twice. History
    Contact us
    2. Recommendation:
    Improve monitoring.
    Management Response: [Added: 2019/01/02]
    Partially accepted.
    Key Actions:
    Key Action Responsible DueDate Status Comments Documents
    Review the indicators
    [Added: 2019/01/09] [Last Updated: 2020/02/01]
    M&E Associate 2020/06 Initiated Review started. History

    Latest Evaluations
    Contact us
    1 UN Plaza
    """


def test_a_site_footer_line_inside_the_evaluation_is_said_and_read_past(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text(textwrap.dedent(ERC_WITH_FOOTER_INSIDE), encoding="utf-8")
    doc = read_document(path)
    recs = doc.evaluation.recommendations
    assert [r.number for r in recs] == ["1", "2"]
    (action,) = recs[1].response.key_actions
    assert (action.span.start, action.text, action.deadline, action.updated) == \
        (21, "Review the indicators", "2020-06", "2020-02-01")
    assert said(doc, 14, "site footer line 'Contact us' with more of the evaluation after it")
    assert not said(doc, 25, "site footer") and not said(doc, 26, "site footer")


def test_a_document_cut_inside_a_character_keeps_its_rows_and_says_where(tmp_path):
    text = textwrap.dedent(HEADER) + textwrap.dedent(TABLES["pipes"][0]).format(deadline="2020/12 | Ongoing | Fünf")
    data = text.rstrip("\n").encode("utf-8")
    path = tmp_path / "page.txt"
    path.write_bytes(data[:data.index("ü".encode("utf-8")) + 1])    # the first byte of 'ü' only
    doc = read_document(path)
    first, last = doc.evaluation.recommendations[0].response.key_actions
    assert first.comment == "Done." and last.deadline == "2020-12" and last.comment == "F\ufffd"
    assert said(doc, 9, "invalid UTF-8 bytes replaced (c3)")
