"""Readers on constructed renderings of the evaluation sites' pages, written from their
descriptions: evaluation-detail pages, '|' / tab / one-cell-per-line / labelled key-action
tables, response templates pasted as a paragraph, site chrome around the header, and status
fields that state a deadline. Each test writes a small page and checks every field read."""
from __future__ import annotations

import textwrap

import pytest

from conftest import FAST, run_cli
from kgbuild.families import ReaderError, read_document

PAGES = {
    "detail.txt": """\
        UNDP Evaluation Resource Centre
        Skip to main content
        Home > Evaluations > Detail
        This site uses cookies to improve your experience.
        Evaluation of the Green Economy Project
        Title: Final Evaluation of the Green Economy Project
        Commissioning Unit: UNDP Armenia
        Evaluation Plan: 2016-2020, Armenia
        Evaluation Type:
        Project
        Completion Date: 06/2019
        Evaluation Budget(US $): 30,000
        Management Response: No
        Findings
        1.

        Effectiveness
        The project met most of its targets.

        Tag: Effectiveness

        Recommendations
        1. Extend the energy audits to all regions.
        2. Publish the monitoring data.

        Latest Evaluations
        """,
    "regional.txt": """\
        UNDP Evaluation Resource Centre
        Home > Evaluations > Detail
        Regional Programme Evaluation
        Commissioning Unit: Regional Bureau for Europe and CIS
        Evaluation Type: Thematic
        Evaluation Period: 2018-2021
        Completion Date: 2022/03
        Recommendations
        1
        Strengthen regional cooperation.
        """,
    "pipes.txt": """\
        Title: Outcome Evaluation of Governance Programme
        Evaluation Plan: 2016-2020, Georgia
        Evaluation Type: Outcome
        Completion Date: 12/2018
        Recommendation 1: Set up a coordination mechanism.
        Management Response: [Added: 2019/01/02] The office accepts the recommendation.
        Key Action | Responsible | Due Date | Status | Comments
        Establish a working group | Country Office | 2019/12 | Completed | The group met twice.
        Draft the terms of reference | Governance Unit | 2019-2020 | Ongoing | Drafting continues
        and the draft is shared.
        Keep the dialogue open | CO management | ongoing / no deadline | |
        Recommendation 2: Improve monitoring.
        Management Response: Partially accepted.
        | Review the indicators | M&E Associate | 2020/06 | no deadline established | |
        """,
    "admin.txt": """\
        Evaluation Title: Mid-term Review of the Water Project
        Evaluation Plan: 2018-2022, Kyrgyzstan
        Evaluation Type: Project
        Completion Date: March 2020
        Recommendation 1:
        Involve local governments in planning.
        Management Response:
        The office agrees.
        Key Action: Hold planning sessions with local governments
        Responsible Unit: Water Project Team
        Time Frame: 2020/09
        Status: Initiated
        Comments: Two sessions held.
        Key Action: Publish the plans
        Responsible Unit: Communications Unit
        Time Frame:
        No deadline established
        Status: Not Initiated
        """,
    "cells.txt": """\
        Title: Final Evaluation of the Youth Project
        Evaluation Plan: 2015-2019, Tajikistan
        Evaluation Type: Project
        Completion Date: 11/2019
        Recommendation 1: Build youth centres.
        Management Response: Accepted.
        Key Actions:
        Key Action
        Responsible
        Time Frame
        Status
        Comments
        Open two youth centres
        Youth Unit
        2020/06
        Completed
        Both centres open.
        Train centre staff
        Youth Unit
        2020/12
        Initiated
        Recommendation 2: Track participation.
        Management Response: Accepted.
        Key Action\tResponsible\tDeadline\tStatus\tComments
        Set up a participation register\tM&E Unit\t2020/03\tCompleted\tRegister in use.
        """,
    "template.txt": """\
        Title: Country Programme Evaluation
        Evaluation Plan: 2016-2020, Uzbekistan
        Evaluation Type: Country Programme
        Completion Date: 10/2019
        Recommendation 1: Focus the programme on fewer areas. Management response: Accepted. The office will narrow its focus. Key action Responsible Time frame Status Review the portfolio Country Office 2019-2020 Ongoing Close two small projects Programme Unit 2020/06 Completed
        Recommendation 2: Strengthen partnerships.
        Management response: Partially accepted. Key action Responsible Time frame Status Comments
        Sign agreements with two ministries Country Office 2020/12 Initiated Two signed. Train the liaison officers Country Office 2021/03 Not Initiated Waiting for funds.
        """,
    "gate-chrome.txt": """\
        UN Women GATE
        Skip to main content
        Home > Management Responses > Detail
        We use cookies on this site.
        Management Response

        : Europe and Central Asia (RO)
        : 2017 - 2021 , Europe and Central Asia (RO)
        : Regional Evaluation of the Women's Leadership Programme
        : Approved
        Recommendation: Invest in leadership training.
        Management Response: Accepted.
        Management Response Category: Accepted
        Key Actions
        Responsible Deadline Status Comments
        Run leadership courses Country Office 2021/06 Ongoing / no deadline Courses continue.
        Keep advocating for quotas UN Women Ongoing / no deadline
        Map partners Country Office 2019-2020 Completed Map published.
        """,
    "gate-chrome-only.txt": """\
        UN Women GATE
        Skip to main content
        Home > Management Responses > Detail
        Recommendation: Invest in leadership training.
        Management Response: Accepted.
        Management Response Category: Accepted
        Key Actions
        Responsible Deadline Status Comments
        Run leadership courses Country Office 2021/06 Completed
        """,
}
NOT_AN_EVALUATION = "Shopping list\neggs\nmilk\n"


def write(folder, name):
    path = folder / name
    path.write_text(textwrap.dedent(PAGES[name]), encoding="utf-8")
    return path


def read(tmp_path, name):
    return read_document(write(tmp_path, name))


def fields(action):
    return (action.text, action.responsible, action.deadline, action.deadline_note, action.deadline_text,
            action.status_text, action.comment)


def warnings(doc):
    return [(p.line, p.message) for p in doc.problems if p.severity == "warning"]


def header(ev):
    return (ev.title, ev.countries, ev.evaluation_type, ev.period_start, ev.period_end, ev.office, ev.completion_date)


def test_detail_page_reads_labelled_header_and_recommendations_without_response(tmp_path):
    doc = read(tmp_path, "detail.txt")
    ev = doc.evaluation
    assert doc.reader == "undp-erc"
    assert header(ev) == ("Final Evaluation of the Green Economy Project", ["ARM"], "Project", 2016, 2020,
                          "Country Office", "2019-06")
    assert ev.budget_usd == "30000"
    assert [(r.number, r.text, r.response) for r in ev.recommendations] == [
        ("1", "Extend the energy audits to all regions.", None), ("2", "Publish the monitoring data.", None)]
    assert [(f.section, f.tag_text) for f in ev.findings] == [("Effectiveness", "Effectiveness")]
    assert doc.problems == []   # "no management response" is what the page says, not a problem


def test_regional_unit_is_not_a_country_and_a_missing_title_is_not_taken_from_chrome(tmp_path):
    doc = read(tmp_path, "regional.txt")
    ev = doc.evaluation
    assert header(ev) == (None, [], "Thematic", 2018, 2021, "Regional Bureau for Europe and CIS", "2022-03")
    messages = warnings(doc)
    assert (1, "no evaluation title in the page header (no 'Title:' field); left blank") in messages
    assert any(line == 4 and "'Regional Bureau for Europe and CIS' is not a country" in m for line, m in messages)
    assert all(str(p.path).endswith("regional.txt") for p in doc.problems)
    assert [r.text for r in ev.recommendations] == ["Strengthen regional cooperation."]


def test_pipe_separated_cells(tmp_path):
    doc = read(tmp_path, "pipes.txt")
    first, second = doc.evaluation.recommendations
    assert header(doc.evaluation) == ("Outcome Evaluation of Governance Programme", ["GEO"], "Outcome", 2016, 2020,
                                      "Country Office", "2018-12")
    assert (first.number, first.text, first.response.text, first.response.added) == (
        "1", "Set up a coordination mechanism.", "The office accepts the recommendation.", "2019-01-02")
    assert [fields(a) for a in first.response.key_actions] == [
        ("Establish a working group", "Country Office", "2019-12", None, None, "Completed", "The group met twice."),
        ("Draft the terms of reference", "Governance Unit", None, None, "2019-2020", "Ongoing",
         "Drafting continues and the draft is shared."),
        ("Keep the dialogue open", "CO management", None, "no deadline", None, None, None),
    ]
    assert [(a.span.start, a.span.end) for a in first.response.key_actions] == [(8, 8), (9, 10), (11, 11)]
    (review,) = second.response.key_actions
    assert fields(review) == ("Review the indicators", "M&E Associate", "2020-06", "no deadline established",
                              None, None, None)
    messages = warnings(doc)
    assert (9, "deadline '2019-2020' is a year, not a month; kept as written") in messages
    assert any(line == 14 and "states a deadline, not a status" in m for line, m in messages)
    assert any(line == 14 and "no column header" in m for line, m in messages)


def test_older_administration_page_with_labelled_key_action_fields(tmp_path):
    doc = read(tmp_path, "admin.txt")
    (rec,) = doc.evaluation.recommendations
    assert header(doc.evaluation) == ("Mid-term Review of the Water Project", ["KGZ"], "Project", 2018, 2022,
                                      "Country Office", "2020-03")
    assert (rec.number, rec.text, rec.response.text) == ("1", "Involve local governments in planning.", "The office agrees.")
    assert [fields(a) for a in rec.response.key_actions] == [
        ("Hold planning sessions with local governments", "Water Project Team", "2020-09", None, None, "Initiated",
         "Two sessions held."),
        ("Publish the plans", "Communications Unit", None, "No deadline established", None, "Not Initiated", None),
    ]
    assert [(a.span.start, a.span.end) for a in rec.response.key_actions] == [(9, 13), (14, 18)]
    assert doc.problems == []


def test_word_processor_tables_one_cell_per_line_and_tab_separated(tmp_path):
    doc = read(tmp_path, "cells.txt")
    first, second = doc.evaluation.recommendations
    assert [fields(a) for a in first.response.key_actions] == [
        ("Open two youth centres", "Youth Unit", "2020-06", None, None, "Completed", "Both centres open."),
        ("Train centre staff", "Youth Unit", "2020-12", None, None, "Initiated", None),
    ]
    assert [fields(a) for a in second.response.key_actions] == [
        ("Set up a participation register", "M&E Unit", "2020-03", None, None, "Completed", "Register in use.")]
    assert warnings(doc) == [(18, "row has 4 cells where the header has 5; the missing cells are read as blank")]


def test_response_template_pasted_as_a_paragraph(tmp_path):
    doc = read(tmp_path, "template.txt")
    first, second = doc.evaluation.recommendations
    assert (first.number, first.text, first.response.text) == (
        "1", "Focus the programme on fewer areas.", "Accepted. The office will narrow its focus.")
    assert [fields(a) for a in first.response.key_actions] == [
        ("Review the portfolio", "Country Office", None, None, "2019-2020", "Ongoing", None),
        ("Close two small projects", "Programme Unit", "2020-06", None, None, "Completed", None),
    ]
    assert (second.text, second.response.text) == ("Strengthen partnerships.", "Partially accepted.")
    assert [fields(a) for a in second.response.key_actions] == [
        ("Sign agreements with two ministries", "Country Office", "2020-12", None, None, "Initiated", "Two signed."),
        ("Train the liaison officers", "Country Office", "2021-03", None, None, "Not Initiated", "Waiting for funds."),
    ]
    messages = warnings(doc)
    assert (5, "deadline '2019-2020' is a year, not a month; kept as written") in messages
    assert any(line == 8 and "split at the comment's last sentence end" in m for line, m in messages)


def test_gate_header_skips_chrome_and_regional_office_is_no_country(tmp_path):
    doc = read(tmp_path, "gate-chrome.txt")
    ev = doc.evaluation
    assert doc.reader == "unwomen-gate"
    assert (ev.title, ev.countries, ev.period_start, ev.office, ev.response_approval) == (
        "Regional Evaluation of the Women's Leadership Programme", [], 2017, "Europe and Central Asia (RO)", "Approved")
    messages = warnings(doc)
    assert (1, "no country found in the header; left blank") in messages
    assert (1, "no evaluation type found in the header; left blank") in messages


def test_gate_status_field_stating_a_deadline_is_a_deadline_note(tmp_path):
    doc = read(tmp_path, "gate-chrome.txt")
    actions = doc.evaluation.recommendations[0].response.key_actions
    assert [fields(a) for a in actions] == [
        ("Run leadership courses", "Country Office", "2021-06", "no deadline", None, None, "Courses continue."),
        ("Keep advocating for quotas", "UN Women", None, "no deadline", None, None, None),
        ("Map partners", "Country Office", None, None, "2019-2020", "Completed", "Map published."),
    ]
    messages = warnings(doc)
    assert any(line == 16 and "states a deadline, not a status" in m for line, m in messages)
    assert any(line == 17 and "read as the deadline note; no status" in m for line, m in messages)


def test_gate_page_of_chrome_only_reports_every_missing_header_field(tmp_path):
    doc = read(tmp_path, "gate-chrome-only.txt")
    assert doc.evaluation.title is None
    assert {m for _, m in warnings(doc)} >= {
        "no evaluation title found in the header; left blank", "no country found in the header; left blank",
        "no evaluation period (YYYY - YYYY) found in the header; left blank"}


def test_page_that_is_no_evaluation_is_rejected_saying_what_was_seen(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text(NOT_AN_EVALUATION, encoding="utf-8")
    with pytest.raises(ReaderError) as caught:
        read_document(path)
    assert "no evaluation title, recommendation or management response found" in caught.value.message
    assert "first lines look like 'Shopping list' / 'eggs' / 'milk'" in caught.value.message


def test_every_variant_builds_through_the_cli_without_a_traceback(tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    for name in PAGES:
        write(sources, name)
    (sources / "notes.txt").write_text(NOT_AN_EVALUATION, encoding="utf-8")
    result = run_cli("build", "--sources", str(sources), "--out", str(tmp_path / "out"), *FAST)
    assert "Traceback" not in result.stderr + result.stdout
    assert result.returncode == 1    # the rejected page is a data error; the rest is built
    assert "notes.txt:1: error: no reader accepts this document" in result.stderr
    for name in PAGES:
        assert f"read {name} [" in result.stdout
