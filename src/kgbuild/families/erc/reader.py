"""UNDP Evaluation Resource Centre (ERC) evaluation pages.

Layout: title, metadata ('Label:' with the value on the same or the next line), 'Findings'
(numbered items with a section heading, text and a 'Tag:' line), 'Recommendations' (a
numbered list), then per recommendation 'N. Recommendation:', its text, 'Management
Response: [Added: …] [Last Updated: …]', the response text, 'Key Actions:', a column
header, and per key action three lines: the action text, its stamps, and
'<responsible> <due date> <status> <comment>', often followed by a 'History' link line.
"""
from __future__ import annotations

import re

from ...records import Document, Evaluation, Finding, KeyAction, ManagementResponse, Recommendation, Span
from ..text import PERIOD, country_codes, key_action_from_row, problem
from ..fields import find_deadline

REC_HEAD = re.compile(r"^\s*(\d+(?:\.\d+)*)\.?\s*Recommendation\s*:\s*(.*)$", re.IGNORECASE)
RESPONSE_HEAD = re.compile(r"^\s*Management Response\s*:\s*(.*)$", re.IGNORECASE)
STAMPS = re.compile(r"\[\s*Added\s*:\s*(\d{4})/(\d{2})/(\d{2})\s*\](?:\s*\[\s*Last Updated\s*:\s*(\d{4})/(\d{2})/(\d{2})\s*\])?", re.I)
KEY_ACTIONS = re.compile(r"^\s*Key Actions\s*:?\s*$", re.IGNORECASE)
COLUMNS = re.compile(r"^\s*Key Action\s+Responsible\s+Due\s?Date\s+Status", re.IGNORECASE)
FOOTER = re.compile(r"^\s*(Latest Evaluations|Contact us)\s*$", re.IGNORECASE)
ITEM_NUMBER = re.compile(r"^\s*(\d+)\.?\s*$")
TAG = re.compile(r"^\s*Tag\s*:\s*(.*)$")
METADATA_LABELS = [
    "Evaluation Plan", "Evaluation Type", "Planned End Date", "Completion Date", "Status",
    "Management Response", "Evaluation Budget(US $)", "Atlas Project Number", "Source of Funding",
    "Evaluation Expenditure(US $)", "Joint Programme", "Joint Evaluation", "GEF Evaluation",
    "Countries", "Title",
]


class ErcReader:
    name = "undp-erc"
    description = "UNDP Evaluation Resource Centre evaluation page"

    def accepts(self, lines: list[str]) -> bool:
        return any(COLUMNS.match(line) for line in lines) or (
            any(REC_HEAD.match(line) for line in lines) and any(STAMPS.search(line) for line in lines))

    def read(self, doc: Document, lines: list[str]) -> None:
        findings_at = _index(lines, r"^\s*Findings\s*$")
        recs_list_at = _index(lines, r"^\s*Recommendations\s*$")
        first_detail = next((i for i, line in enumerate(lines) if REC_HEAD.match(line)), len(lines))
        header_end = min(x for x in (findings_at, recs_list_at, first_detail) if x is not None)
        evaluation = self._metadata(doc, lines[:header_end])
        doc.evaluation = evaluation
        if findings_at is not None:
            end = recs_list_at if recs_list_at is not None else first_detail
            evaluation.findings = self._findings(doc, lines, findings_at + 1, end)
        summary = self._summary_list(lines, recs_list_at + 1, first_detail) if recs_list_at is not None else {}
        self._recommendations(doc, evaluation, lines, first_detail, summary)
        if summary and len(summary) != len(evaluation.recommendations):
            problem(doc, "warning", recs_list_at + 1,
                    f"the recommendation list has {len(summary)} items but {len(evaluation.recommendations)} "
                    "recommendations have a management response section")

    # -- metadata -------------------------------------------------------------------------

    def _metadata(self, doc: Document, header: list[str]) -> Evaluation:
        values: dict[str, tuple[int, str]] = {}
        for i, line in enumerate(header):
            for label in METADATA_LABELS:
                if line.strip().startswith(label) and label not in values:
                    rest = line.strip()[len(label):].lstrip(": ").strip()
                    if label == "Title" and not rest:
                        continue
                    if not rest.strip(":"):
                        nxt = next((j for j in range(i + 1, len(header)) if header[j].strip()), None)
                        rest = header[nxt].strip() if nxt is not None else ""
                    if rest:
                        values[label] = (i + 1, rest)
                    break
        title = values.get("Title", (1, next((l.strip() for l in header if l.strip()), "")))[1]
        last = max((i + 1 for i, line in enumerate(header) if line.strip()), default=1)
        evaluation = Evaluation(span=Span(1, last), title=title or None, agency="UNDP")
        get = lambda key: values.get(key, (None, None))[1]  # noqa: E731
        plan = get("Evaluation Plan")
        if plan:
            period = PERIOD.search(plan)
            if period:
                evaluation.period_start, evaluation.period_end = int(period.group(1)), int(period.group(2))
            evaluation.countries = country_codes(plan)
        for code in country_codes((get("Countries") or "").title()):
            if code not in evaluation.countries:
                evaluation.countries.append(code)
        if evaluation.countries:
            evaluation.office = "Country Office"
        evaluation.evaluation_type = get("Evaluation Type")
        evaluation.status = get("Status")
        evaluation.completion_date = _month_year(get("Completion Date"))
        evaluation.planned_end_date = _month_year(get("Planned End Date"))
        evaluation.budget_usd = _amount(get("Evaluation Budget(US $)"))
        evaluation.expenditure_usd = _amount(get("Evaluation Expenditure(US $)"))
        evaluation.funding_source = get("Source of Funding")
        evaluation.joint_programme = _yes_no(get("Joint Programme"))
        evaluation.joint_evaluation = _yes_no(get("Joint Evaluation"))
        evaluation.gef_evaluation = _yes_no(get("GEF Evaluation"))
        numbers = get("Atlas Project Number")
        evaluation.project_numbers = [n.strip() for n in numbers.split(",") if n.strip()] if numbers else []
        return evaluation

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
        """The numbered list under 'Recommendations': number -> (line, text)."""
        items: dict[str, tuple[int, str]] = {}
        current = None
        for i in range(start, end):
            m = ITEM_NUMBER.match(lines[i])
            if m:
                current = m.group(1)
                items[current] = (i + 1, "")
            elif current and lines[i].strip():
                line_no, text = items[current]
                items[current] = (line_no, f"{text}\n{lines[i].strip()}".strip())
        return items

    def _recommendations(self, doc, evaluation, lines, start, summary) -> None:
        heads = [i for i in range(start, len(lines)) if REC_HEAD.match(lines[i])]
        footer = next((i for i in range(start, len(lines)) if FOOTER.match(lines[i])), len(lines))
        for k, begin in enumerate(heads):
            stop = heads[k + 1] if k + 1 < len(heads) else footer
            self._recommendation(doc, evaluation, lines, begin, stop, summary)

    def _recommendation(self, doc, evaluation, lines, begin, stop, summary) -> None:
        head = REC_HEAD.match(lines[begin])
        number = head.group(1)
        response_at = next((i for i in range(begin, stop) if RESPONSE_HEAD.match(lines[i])), None)
        text_end = response_at if response_at is not None else stop
        text = _join([head.group(2)] + lines[begin + 1:text_end])
        listed = summary.get(number)
        if listed and _squash(listed[1]).startswith(_squash(text)) and len(_squash(listed[1])) > len(_squash(text)):
            problem(doc, "warning", begin + 1, f"recommendation {number} is cut off here; its full text is "
                    f"taken from the recommendation list at line {listed[0]}")
            text = listed[1]
        if not text:
            problem(doc, "warning", begin + 1, f"recommendation {number} has no text")
        rec = Recommendation(len(evaluation.recommendations) + 1, Span(begin + 1, _last_line(lines, begin, stop)),
                             text, number=number)
        evaluation.recommendations.append(rec)
        if response_at is None:
            problem(doc, "warning", begin + 1, f"recommendation {number} has no management response")
            return
        actions_at = next((i for i in range(response_at, stop) if KEY_ACTIONS.match(lines[i])), stop)
        stamps_text = RESPONSE_HEAD.match(lines[response_at]).group(1)
        stamps = STAMPS.search(stamps_text)
        body = stamps_text[stamps.end():] if stamps else stamps_text
        response = ManagementResponse(
            Span(response_at + 1, _last_line(lines, response_at, stop)),
            text=_join([body] + lines[response_at + 1:actions_at]) or None)
        response.added, response.updated = _dates(stamps)
        if response.text is None:
            problem(doc, "warning", response_at + 1, f"management response to recommendation {number} has no text")
        rec.response = response
        if actions_at < stop:
            response.key_actions = self._key_actions(doc, lines, actions_at + 1, stop)
        if not response.key_actions:
            problem(doc, "warning", response_at + 1, f"management response to recommendation {number} has no key actions")

    def _key_actions(self, doc: Document, lines: list[str], start: int, stop: int) -> list[KeyAction]:
        actions: list[KeyAction] = []
        pending: list[tuple[int, str]] = []   # action text lines not yet closed by a row
        stamps = None
        for i in range(start, stop):
            text = lines[i].strip()
            if not text or COLUMNS.match(text) or text == "History":
                continue
            stamp = STAMPS.match(text)
            if stamp and pending:
                stamps = stamp
                continue
            if pending and (stamps is not None or _looks_like_row(text)):
                span = Span(pending[0][0] + 1, i + 1)
                action = key_action_from_row(doc, len(actions) + 1, span, text,
                                             text=" ".join(t for _, t in pending))
                action.added, action.updated = _dates(stamps)
                if stamps is None:
                    problem(doc, "warning", i + 1, "key action has no [Added] stamp")
                actions.append(action)
                pending, stamps = [], None
                continue
            pending.append((i, text))
        if pending:
            first = pending[0][0] + 1
            problem(doc, "error", first, "key action is cut off: no responsible/deadline/status row follows; "
                    "its text is kept")
            action = KeyAction(len(actions) + 1, Span(first, pending[-1][0] + 1), " ".join(t for _, t in pending))
            action.added, action.updated = _dates(stamps)
            actions.append(action)
        return actions


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
    m = re.fullmatch(r"\s*(\d{1,2})/(\d{4})\s*", value or "")
    return f"{m.group(2)}-{int(m.group(1)):02d}" if m else None


def _amount(value: str | None) -> str | None:
    m = re.fullmatch(r"\s*\$?\s*([\d,]+(?:\.\d+)?)\s*", value or "")
    return m.group(1).replace(",", "") if m else None


def _yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get((value or "").strip().lower())
