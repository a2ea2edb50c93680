"""UNDP Evaluation Resource Centre (ERC) evaluation pages.

Layout: title, metadata ('Label:' with the value on the same or the next line), 'Findings'
(numbered items with a section heading, text and a 'Tag:' line), 'Recommendations' (a
numbered list), then per recommendation 'N. Recommendation:', its text, 'Management
Response: [Added: …] [Last Updated: …]', the response text, 'Key Actions:', a column
header, and per key action three lines: the action text, its stamps, and
'<responsible> <due date> <status> <comment>', often followed by a 'History' link line.

Other renderings of the same pages read here too: an evaluation-detail page (metadata,
findings, recommendations, no management response); key-action tables with '|' or tab
between cells, one cell per line, or one 'Key Action:' / 'Responsible Unit:' / 'Time
Frame:' / 'Status:' line per field (see tables.py); and a response template pasted as one
paragraph (see template.py). Header values come only from labelled fields.
"""
from __future__ import annotations

import re

from ...records import Document, Evaluation, Finding, KeyAction, ManagementResponse, Recommendation, Span
from ..fields import find_deadline, looks_like_row_end
from ..page import country_code, country_codes_of_list, is_chrome
from ..text import KEY_ACTIONS, PERIOD, key_action_from_row, last_text_index, problem
from . import tables, template

REC_HEAD = re.compile(
    r"^\s*(?:(?P<pre>\d+(?:\.\d+)*)\.?\s*Recommendation\s*:"
    r"|Recommendation\s*(?:No\.?\s*)?(?P<num>\d+(?:\.\d+)*)?\s*:"
    r"|Recommendation\s*(?:No\.?\s*)?(?P<alone>\d+(?:\.\d+)*)\s*$)\s*(?P<text>.*)$", re.IGNORECASE)
RESPONSE_HEAD = re.compile(r"^\s*Management Response\s*:\s*(.*)$", re.IGNORECASE)
# Any whitespace between words: PDF renderings write NBSP for some spaces.
STAMPS = re.compile(r"\[\s*Added\s*:\s*(\d{4})/(\d{2})/(\d{2})\s*\]"
                    r"(?:\s*\[\s*Last\s+Updated\s*:\s*(\d{4})/(\d{2})/(\d{2})\s*\])?", re.IGNORECASE)
COLUMNS = re.compile(r"^\s*Key Action\s+Responsible\s+Due\s?Date\s+Status", re.IGNORECASE)
FOOTER = re.compile(r"^\s*(Latest\s+Evaluations|Contact\s+us)\s*$", re.IGNORECASE)
EVALUATION_PARTS = re.compile(r"^\s*(Findings|Recommendations)\s*$")
ITEM_NUMBER = re.compile(r"^\s*(\d+)\.?\s*$")
NUMBERED_ITEM = re.compile(r"^\s*(\d+)[.)]\s+(\S.*)$")
TAG = re.compile(r"^\s*Tag\s*:\s*(.*)$")
# GATE pages have these; an ERC page never does.
GATE_SIGNS = re.compile(r"^\s*(Management Response Category\s*:|Responsible\s+Deadline\s+Status(\s+Comments?)?\s*$)",
                        re.IGNORECASE)
# Header fields by what they hold; each with the labels the page renderings use.
METADATA_LABELS = {
    "title": ("Evaluation Title", "Title"),
    "plan": ("Evaluation Plan",),
    "type": ("Evaluation Type", "Type of Evaluation"),
    "unit": ("Commissioning Unit", "Commissioning Office", "Commissioning Business Unit", "Business Unit"),
    "countries": ("Countries", "Country"),
    "period": ("Evaluation Period", "Period Covered", "Period", "Years"),
    "completion": ("Completion Date", "Date of Completion"),
    "planned_end": ("Planned End Date",),
    "status": ("Evaluation Status", "Status"),
    "response": ("Management Response",),
    "budget": ("Evaluation Budget(US $)", "Evaluation Budget (US $)", "Evaluation Budget"),
    "projects": ("Atlas Project Number", "Project Number"),
    "funding": ("Source of Funding",),
    "expenditure": ("Evaluation Expenditure(US $)", "Evaluation Expenditure (US $)", "Evaluation Expenditure"),
    "joint_programme": ("Joint Programme",),
    "joint_evaluation": ("Joint Evaluation",),
    "gef": ("GEF Evaluation",),
}
_LABEL = re.compile(
    r"^\s*(?P<label>" + "|".join(sorted((re.escape(label) for labels in METADATA_LABELS.values() for label in labels),
                                        key=len, reverse=True)) + r")\s*:\s*(?P<value>.*)$", re.IGNORECASE)
_TITLE_NO_COLON = re.compile(r"^\s*Title\s+(?P<value>\S.*)$")
_KEY_OF = {label.lower(): key for key, labels in METADATA_LABELS.items() for label in labels}
# Labels only an ERC evaluation page has; two of them make a page an ERC page.
ERC_LABELS = {"plan", "type", "unit", "completion", "planned_end", "budget", "projects", "expenditure", "gef",
              "joint_evaluation"}
MONTHS = {m: i for i, m in enumerate(("january", "february", "march", "april", "may", "june", "july", "august",
                                      "september", "october", "november", "december"), 1)}


class ErcReader:
    name = "undp-erc"
    description = "UNDP Evaluation Resource Centre evaluation page"

    def accepts(self, lines: list[str]) -> bool:
        if any(GATE_SIGNS.match(line) for line in lines):
            return False
        if any(COLUMNS.match(line) for line in lines):
            return True
        labels = {_KEY_OF[m.group("label").lower()] for line in lines if (m := _LABEL.match(line))}
        if len(labels & ERC_LABELS) >= 2:
            return True
        has_rec = any(REC_HEAD.match(line) for line in lines)
        return has_rec and (any(STAMPS.search(line) or RESPONSE_HEAD.match(line) or tables.LABELLED_ACTION.match(line)
                                for line in lines) or template.is_run_together(lines))

    def scan(self, lines: list[str]) -> dict[str, int]:
        """Recommendation headings (on an evaluation-detail page, which has none, the
        distinct numbers of the 'Recommendations' list), and lines that end like a
        key-action row (a deadline followed by a status word)."""
        heads = sum(1 for line in lines if REC_HEAD.match(line))
        if not heads:
            listed = _index(lines, r"^\s*Recommendations\s*$")
            end = _site_footer(lines)[0]
            items = lines[(listed if listed is not None else end) + 1:end]
            heads = len({m.group(1) for line in items if (m := ITEM_NUMBER.match(line))}) or \
                len({m.group(1) for line in items if (m := NUMBERED_ITEM.match(line))})
        return {"recommendations": heads, "key_actions": sum(1 for line in lines if looks_like_row_end(line))}

    def read(self, doc: Document, lines: list[str]) -> None:
        footer, stray = _site_footer(lines)
        for i in stray:
            problem(doc, "warning", i + 1, f"site footer line {lines[i].strip()!r} with more of the evaluation after "
                    "it: not the end of the page; read on past it")
        lines = ["" if i in stray else line for i, line in enumerate(lines)]
        findings_at = _index(lines, r"^\s*Findings\s*$")
        recs_list_at = _index(lines, r"^\s*Recommendations\s*$")
        first_detail = next((i for i, line in enumerate(lines) if REC_HEAD.match(line)), footer)
        header_end = min(x for x in (findings_at, recs_list_at, first_detail) if x is not None)
        evaluation = self._metadata(doc, lines[:header_end])
        doc.evaluation = evaluation
        if findings_at is not None:
            ends = [x for x in (recs_list_at, first_detail) if x is not None and x > findings_at]
            evaluation.findings = self._findings(doc, lines, findings_at + 1, min(ends, default=footer))
        summary = {}
        if recs_list_at is not None:
            summary = self._summary_list(lines, recs_list_at + 1, first_detail if first_detail > recs_list_at else footer)
        if template.is_run_together(lines[first_detail:footer]):
            template.read_recommendations(doc, evaluation, lines, first_detail, footer)
        else:
            self._recommendations(doc, evaluation, lines, first_detail, footer, summary)
        if not evaluation.recommendations:
            # An evaluation-detail page: the recommendations without a management response.
            for number, (line_no, text) in summary.items():
                evaluation.recommendations.append(Recommendation(
                    len(evaluation.recommendations) + 1, Span(line_no, line_no + max(text.count("\n"), 0)),
                    text, number=number))
        elif summary and len(summary) != len(evaluation.recommendations):
            problem(doc, "warning", recs_list_at + 1,
                    f"the recommendation list has {len(summary)} items but {len(evaluation.recommendations)} "
                    "recommendations have a management response section")

    # -- metadata -------------------------------------------------------------------------

    def _labelled_values(self, header: list[str]) -> dict[str, tuple[int, str]]:
        """key -> (line, value) of the header's labelled fields; the first of each wins."""
        values: dict[str, tuple[int, str]] = {}
        for i, line in enumerate(header):
            m = _LABEL.match(line) or _TITLE_NO_COLON.match(line)
            if not m:
                continue
            key = _KEY_OF[m.group("label").lower()] if "label" in m.groupdict() else "title"
            if key in values:
                continue
            value, line_no = m.group("value").strip(), i + 1
            if not value:
                nxt = next((j for j in range(i + 1, len(header)) if header[j].strip()), None)
                if nxt is None or _LABEL.match(header[nxt]) or is_chrome(header[nxt]):
                    continue
                value, line_no = header[nxt].strip(), nxt + 1
            values[key] = (line_no, value)
        return values

    def _metadata(self, doc: Document, header: list[str]) -> Evaluation:
        values = self._labelled_values(header)
        last = max((i + 1 for i, line in enumerate(header) if line.strip()), default=1)
        evaluation = Evaluation(span=Span(1, last), agency="UNDP")
        get = lambda key: values.get(key, (None, None))[1]  # noqa: E731
        evaluation.title = get("title")
        plan, plan_unit = get("plan"), None
        for key in ("plan", "period"):
            period = PERIOD.search(get(key) or "")
            if period and evaluation.period_start is None:
                evaluation.period_start, evaluation.period_end = int(period.group(1)), int(period.group(2))
        if plan:
            plan_unit = PERIOD.sub("", plan).strip(" ,;-") or None
        unit = get("unit") or plan_unit
        evaluation.countries = country_codes_of_list(get("countries"))
        unit_country = country_code(unit)
        if unit_country and unit_country not in evaluation.countries:
            evaluation.countries.insert(0, unit_country)
        if unit:
            evaluation.office = "Country Office" if unit_country else unit
        evaluation.evaluation_type = get("type")
        evaluation.status = get("status")
        evaluation.completion_date = _month_year(get("completion"))
        evaluation.planned_end_date = _month_year(get("planned_end"))
        evaluation.budget_usd = _amount(get("budget"))
        evaluation.expenditure_usd = _amount(get("expenditure"))
        evaluation.funding_source = get("funding")
        evaluation.joint_programme = _yes_no(get("joint_programme"))
        evaluation.joint_evaluation = _yes_no(get("joint_evaluation"))
        evaluation.gef_evaluation = _yes_no(get("gef"))
        numbers = get("projects")
        evaluation.project_numbers = [n.strip() for n in numbers.split(",") if n.strip()] if numbers else []
        self._report_header(doc, evaluation, values, unit)
        return evaluation

    @staticmethod
    def _report_header(doc: Document, evaluation: Evaluation, values, unit: str | None) -> None:
        """A header field the page does not give, or gives unreadably, is said; never guessed."""
        def missing(what: str, labels: str) -> None:
            problem(doc, "warning", 1, f"no {what} in the page header (no {labels} field); left blank")
        if evaluation.title is None:
            missing("evaluation title", "'Title:'")
        if evaluation.evaluation_type is None:
            missing("evaluation type", "'Evaluation Type:'")
        if evaluation.period_start is None:
            where = next((values[k] for k in ("period", "plan") if k in values), None)
            if where:
                problem(doc, "warning", where[0], f"no period (YYYY-YYYY) in {where[1]!r}; left blank")
            else:
                missing("evaluation period", "'Evaluation Plan:' or 'Period:'")
        if not evaluation.countries:
            if unit:
                problem(doc, "warning", values.get("unit", values.get("plan", (1,)))[0],
                        f"no country: the commissioning unit {unit!r} is not a country and there is no "
                        "'Countries:' field naming one")
            else:
                missing("country", "'Countries:' or 'Commissioning Unit:'")
        if unit is None:
            missing("commissioning office", "'Commissioning Unit:' or 'Evaluation Plan:'")
        for key, value, what in (("completion", evaluation.completion_date, "completion date"),
                                 ("planned_end", evaluation.planned_end_date, "planned end date")):
            if key in values and value is None:
                problem(doc, "warning", values[key][0], f"{what} {values[key][1]!r} is not a month; left blank")
        if "completion" not in values:
            missing("completion date", "'Completion Date:'")
        for key in ("budget", "expenditure"):
            if key in values and _amount(values[key][1]) is None:
                problem(doc, "warning", values[key][0], f"amount {values[key][1]!r} is not a number; left blank")

    # -- findings -------------------------------------------------------------------------

    def _findings(self, doc: Document, lines: list[str], start: int, end: int) -> list[Finding]:
        findings: list[Finding] = []
        starts = [i for i in range(start, end) if ITEM_NUMBER.match(lines[i])]
        for k, begin in enumerate(starts):
            stop = starts[k + 1] if k + 1 < len(starts) else end
            body = [(i, lines[i].strip()) for i in range(begin + 1, stop) if lines[i].strip()]
            tag_line = next(((i, TAG.match(text).group(1).strip()) for i, text in body if TAG.match(text)), None)
            body = [(i, text) for i, text in body if not TAG.match(text)]
            section = None
            while body and _is_heading(body[0][1]) and len(body) > 1:
                section = body[0][1]
                body = body[1:]
            text = "\n".join(t for _, t in body)
            last = max([begin] + [i for i, _ in body] + ([tag_line[0]] if tag_line else []))
            number = ITEM_NUMBER.match(lines[begin]).group(1)
            if not text:
                problem(doc, "warning", begin + 1, f"finding {number} has no text")
            if tag_line is None:
                problem(doc, "warning", begin + 1, f"finding {number} has no Tag line")
            findings.append(Finding(len(findings) + 1, Span(begin + 1, last + 1), text, number=number,
                                    section=section, tag_text=tag_line[1] if tag_line else None))
        return findings

    # -- recommendations ------------------------------------------------------------------

    def _summary_list(self, lines: list[str], start: int, end: int) -> dict[str, tuple[int, str]]:
        """The numbered list under 'Recommendations': number -> (line, text). Items are
        numbers alone on a line followed by the text, or, where no such line is, '1. text'."""
        number_lines = any(ITEM_NUMBER.match(lines[i]) for i in range(start, end))
        items: dict[str, tuple[int, str]] = {}
        current = None
        for i in range(start, end):
            m = ITEM_NUMBER.match(lines[i])
            numbered = None if number_lines else NUMBERED_ITEM.match(lines[i])
            if m or numbered:
                current = (m or numbered).group(1)
                items[current] = (i + 1, numbered.group(2).strip() if numbered else "")
            elif current and lines[i].strip() and not is_chrome(lines[i]):
                line_no, text = items[current]
                items[current] = (line_no, f"{text}\n{lines[i].strip()}".strip())
        return items

    def _recommendations(self, doc, evaluation, lines, start, footer, summary) -> None:
        heads = [i for i in range(start, footer) if REC_HEAD.match(lines[i])]
        says_none = any(RESPONSE_HEAD.match(line) and RESPONSE_HEAD.match(line).group(1).strip().lower() == "no"
                        for line in lines[:start])
        for k, begin in enumerate(heads):
            stop = heads[k + 1] if k + 1 < len(heads) else footer
            for part_begin, part_stop in _split_at_later_responses(lines, begin, stop):
                self._recommendation(doc, evaluation, lines, part_begin, part_stop, summary, says_none)
        last = last_text_index(lines)
        if heads and footer > last and not says_none:
            _report_cut_end(doc, evaluation.recommendations[-1], last + 1)

    def _recommendation(self, doc, evaluation, lines, begin, stop, summary, says_none) -> None:
        head = REC_HEAD.match(lines[begin])
        number = (head.group("pre") or head.group("num") or head.group("alone")) if head else None
        name = f"recommendation {number}" if number else "recommendation"
        first = begin + 1 if head else begin
        response_at = next((i for i in range(first, stop) if RESPONSE_HEAD.match(lines[i])), None)
        actions_at = next((i for i in range((response_at or begin) + 1, stop) if _starts_key_actions(lines, i, stop)),
                          None)
        text_end = next(x for x in (response_at, actions_at, stop) if x is not None)
        text = _join([head.group("text") if head else ""] + lines[first:text_end])
        if head is None:
            problem(doc, "warning", response_at + 1, "a second management response after the key actions of "
                    f"recommendation {evaluation.recommendations[-1].number or evaluation.recommendations[-1].ordinal}"
                    ": read as the response to a recommendation of its own, whose heading is missing"
                    + ("" if text else "; the recommendation has no text"))
        listed = summary.get(number)
        if listed and _squash(listed[1]).startswith(_squash(text)) and len(_squash(listed[1])) > len(_squash(text)):
            problem(doc, "warning", begin + 1, f"{name} is cut off here; its full text is "
                    f"taken from the recommendation list at line {listed[0]}")
            text = listed[1]
        if not text and head:
            problem(doc, "warning", begin + 1, f"{name} has no text")
        rec = Recommendation(len(evaluation.recommendations) + 1, Span(begin + 1, _last_line(lines, begin, stop)),
                             text, number=number)
        evaluation.recommendations.append(rec)
        if response_at is None and actions_at is None:
            if not says_none:
                problem(doc, "warning", begin + 1, f"{name} has no management response")
            return
        response_start = response_at if response_at is not None else actions_at
        body_end = actions_at if actions_at is not None else stop
        stamps_text = RESPONSE_HEAD.match(lines[response_at]).group(1) if response_at is not None else ""
        stamps = STAMPS.search(stamps_text)
        body = stamps_text[stamps.end():] if stamps else stamps_text
        response = ManagementResponse(
            Span(response_start + 1, _last_line(lines, response_start, stop)),
            text=_join([body] + lines[response_start + 1:body_end]) if response_at is not None else None)
        response.text = response.text or None
        response.added, response.updated = _dates(stamps)
        if response.text is None:
            problem(doc, "warning", response_start + 1, f"management response to {name} has no text")
        rec.response = response
        if actions_at is not None:
            response.key_actions = self._any_key_actions(doc, lines, actions_at, stop)
        if not response.key_actions:
            problem(doc, "warning", response_start + 1, f"management response to {name} has no key actions")

    def _any_key_actions(self, doc: Document, lines: list[str], start: int, stop: int) -> list[KeyAction]:
        """Key actions in whichever table rendering the page uses."""
        region = range(start, stop)
        if any(tables.LABELLED_ACTION.match(lines[i]) for i in region):
            return tables.read_labelled_actions(doc, lines, start, stop)
        if any(len(tables.split_cells(lines[i]) or []) >= 3 for i in region):
            return tables.read_cell_rows(doc, lines, start, stop)
        if any(tables.line_table_header(lines, i, stop) for i in region):
            return tables.read_line_table(doc, lines, start, stop)
        first = start + 1 if KEY_ACTIONS.match(lines[start]) else start
        return self._key_actions(doc, lines, first, stop)

    def _key_actions(self, doc: Document, lines: list[str], start: int, stop: int) -> list[KeyAction]:
        """Actions of three lines each: text, '[Added: …]' stamps, and the row
        '<responsible> <deadline> <status> <comment>'. The stamps and the row's ending keep
        the reading in step when a line is missing or repeated: text followed by stamps
        opens an action even where the previous one never got its row, and a row with no
        text before it is a row of its own, never the text of the next action."""
        last = last_text_index(lines)
        actions: list[KeyAction] = []
        pending: list[tuple[int, str]] = []   # action text lines not yet closed by a row
        stamps = stamps_at = None
        previous_row = None
        for i in range(start, stop):
            text = lines[i].strip()
            if not text or COLUMNS.match(text) or text == "History":
                continue
            stamp = STAMPS.match(text)
            if stamp:
                if stamps is not None:
                    problem(doc, "warning", i + 1, f"a second stamp line for one key action (the first at line "
                            f"{stamps_at + 1}); this one is read")
                stamps, stamps_at = stamp, i
                continue
            if stamps is not None and not looks_like_row_end(text) and _next_is_stamp(lines, i, stop):
                # Text then stamps: the next action begins; the one open never got its row.
                if pending:
                    actions.append(self._cut_off_action(doc, len(actions) + 1, pending, stamps, stamps_at,
                                                        f"the next action begins at line {i + 1}"))
                else:
                    problem(doc, "warning", stamps_at + 1, "stamp line with neither action text nor a row; "
                            "kept nowhere")
                pending, stamps = [], None
            elif pending or stamps is not None:
                if stamps is not None or _looks_like_row(text):
                    first = pending[0][0] if pending else stamps_at
                    action = key_action_from_row(doc, len(actions) + 1, Span(first + 1, i + 1), text,
                                                 text=" ".join(t for _, t in pending), at_end=i == last)
                    action.added, action.updated = _dates(stamps)
                    if stamps is None:
                        problem(doc, "warning", i + 1, "key action has no [Added] stamp")
                    if not pending:
                        problem(doc, "warning", first + 1, "key action has no text before its stamps")
                    actions.append(action)
                    pending, stamps, previous_row = [], None, text
                    continue
            elif looks_like_row_end(text):
                if text == previous_row:
                    problem(doc, "warning", i + 1, "the line repeats the key-action row above it; read once")
                    continue
                problem(doc, "warning", i + 1, "key-action row with no action text or stamps before it; "
                        "read as a key action with no text")
                action = key_action_from_row(doc, len(actions) + 1, Span(i + 1, i + 1), text, text="",
                                             at_end=i == last)
                actions.append(action)
                previous_row = text
                continue
            pending.append((i, text))
        if pending or stamps is not None:
            follows = "the document ends before its responsible/deadline/status row (truncated?)" if stop > last \
                else "no responsible/deadline/status row follows"
            actions.append(self._cut_off_action(doc, len(actions) + 1, pending, stamps, stamps_at, follows))
        return actions

    @staticmethod
    def _cut_off_action(doc: Document, ordinal: int, pending: list[tuple[int, str]], stamps, stamps_at: int | None,
                        follows: str) -> KeyAction:
        """An action whose row never came: its text and stamps kept, the gap an error."""
        lines_read = [i + 1 for i, _ in pending] + ([stamps_at + 1] if stamps is not None else [])
        first, last = min(lines_read), max(lines_read)
        problem(doc, "error", first, f"key action is cut off: {follows}; its text is kept")
        action = KeyAction(ordinal, Span(first, last), " ".join(t for _, t in pending))
        action.added, action.updated = _dates(stamps)
        return action


def _site_footer(lines: list[str]) -> tuple[int, list[int]]:
    """Where the site footer ('Latest Evaluations', 'Contact us') begins (len(lines) when
    the page has none), and the footer lines that stand inside the evaluation: a footer
    line ends the page only when nothing of the evaluation follows it."""
    footers = [i for i, line in enumerate(lines) if FOOTER.match(line)]
    last_content = max((i for i, line in enumerate(lines) if _is_evaluation_line(line)), default=-1)
    ending = [i for i in footers if i > last_content]
    return (ending[0] if ending else len(lines)), [i for i in footers if i < last_content]


def _is_evaluation_line(line: str) -> bool:
    """A line only the evaluation itself has: a heading of its parts, a stamp, a key-action row."""
    return bool(REC_HEAD.match(line) or RESPONSE_HEAD.match(line) or KEY_ACTIONS.match(line) or COLUMNS.match(line)
                or STAMPS.search(line) or EVALUATION_PARTS.match(line) or looks_like_row_end(line))


def _report_cut_end(doc: Document, rec: Recommendation, last_line: int) -> None:
    """The page ends (no site footer) inside its last recommendation, before its
    management response: it was cut. (A response with no key actions is a gap, said at
    the response; ERC responses may have none.)"""
    if rec.response is None:
        problem(doc, "warning", last_line, f"the document ends inside recommendation {rec.number or rec.ordinal} "
                f"(line {rec.span.start}), before its management response (truncated?)")


def _split_at_later_responses(lines: list[str], begin: int, stop: int) -> list[tuple[int, int]]:
    """The parts of a recommendation's lines, one per management response: a 'Management
    Response:' line after the response's key actions is the response to a recommendation
    whose heading is missing, never more of this one. Its part begins after the last
    key-action row before it, so the text between is that recommendation's text."""
    response_at = next((i for i in range(begin, stop) if RESPONSE_HEAD.match(lines[i])), None)
    actions_at = next((i for i in range((response_at or begin) + 1, stop) if _starts_key_actions(lines, i, stop)),
                      None)
    later = next((i for i in range((actions_at or stop) + 1, stop) if RESPONSE_HEAD.match(lines[i])), None)
    if later is None:
        return [(begin, stop)]
    row_end = max((i for i in range(actions_at, later) if looks_like_row_end(lines[i]) or lines[i].strip() == "History"),
                  default=later - 1)
    split = next(i for i in range(row_end + 1, later + 1) if lines[i].strip())
    return [(begin, split), *_split_at_later_responses(lines, split, stop)]


def _starts_key_actions(lines: list[str], i: int, stop: int) -> bool:
    line = lines[i]
    return bool(KEY_ACTIONS.match(line) or COLUMNS.match(line) or tables.LABELLED_ACTION.match(line)
                or len(tables.split_cells(line) or []) >= 3 or tables.line_table_header(lines, i, stop))


def _index(lines: list[str], pattern: str) -> int | None:
    regex = re.compile(pattern)
    return next((i for i, line in enumerate(lines) if regex.match(line)), None)


def _join(parts: list[str]) -> str:
    return "\n".join(p.strip() for p in parts if p.strip())


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _last_line(lines: list[str], begin: int, stop: int) -> int:
    return max(i + 1 for i in range(begin, stop) if lines[i].strip() or i == begin)


def _is_heading(text: str) -> bool:
    return len(text) <= 60 and not text.endswith(".") and len(text.split()) <= 6


def _next_is_stamp(lines: list[str], i: int, stop: int) -> bool:
    following = next((lines[j].strip() for j in range(i + 1, stop) if lines[j].strip()), "")
    return STAMPS.match(following) is not None


def _looks_like_row(text: str) -> bool:
    found = find_deadline(text)
    return found is not None and found[0] < 80


def _dates(stamps) -> tuple[str | None, str | None]:
    if stamps is None:
        return None, None
    added = f"{stamps.group(1)}-{stamps.group(2)}-{stamps.group(3)}"
    updated = f"{stamps.group(4)}-{stamps.group(5)}-{stamps.group(6)}" if stamps.group(4) else None
    return added, updated


def _month_year(value: str | None) -> str | None:
    """'12/2018', '2018/12', '2018-12' or 'December 2018' -> '2018-12'; else None."""
    value = (value or "").strip()
    m = re.fullmatch(r"(\d{1,2})/(\d{4})", value)
    if m:
        year, month = m.group(2), int(m.group(1))
    elif m := re.fullmatch(r"(\d{4})[/-](\d{1,2})", value):
        year, month = m.group(1), int(m.group(2))
    elif m := re.fullmatch(r"([A-Za-z]+)\.?\s+(\d{4})", value):
        year, month = m.group(2), MONTHS.get(m.group(1).lower(), 0)
    else:
        return None
    return f"{year}-{month:02d}" if 1 <= month <= 12 else None


def _amount(value: str | None) -> str | None:
    m = re.fullmatch(r"\s*\$?\s*([\d,]+(?:\.\d+)?)\s*", value or "")
    return m.group(1).replace(",", "") if m else None


def _yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get((value or "").strip().lower())
