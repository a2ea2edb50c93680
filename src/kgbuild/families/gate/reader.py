"""UN Women GATE management responses.

Layout: a header (': value' lines, or a title line), then per recommendation
'Recommendation:', 'Management Response:', 'Description:', 'Management Response Category:',
the classification lines, 'Key Actions', the column header 'Responsible Deadline Status
Comments', and one row per key action in which text, responsible party, deadline, status
and comment run together with no separator.
"""
from __future__ import annotations

import re

from ...records import Document, Evaluation, ManagementResponse, Recommendation, Span
from ..fields import looks_like_row_end
from ..page import country_code, is_chrome
from ..text import KEY_ACTIONS, PERIOD, country_codes, key_action_from_row, last_text_index, problem, split_list

FIELD = re.compile(
    r"^(?P<label>Recommendation(?:\s+(?P<num>\d+(?:\.\d+)*))?|Management Response Category|"
    r"Management Response|Description|Thematic Areas?|Operating Principles?|"
    r"Organi[sz]ational Priorit(?:y|ies)|UNEG Criteri(?:a|on))\s*:\s?(?P<value>.*)$",
    re.IGNORECASE)
COLUMNS = re.compile(r"^\s*Responsible\s+Deadline\s+Status(\s+Comments?)?\s*$", re.IGNORECASE)
HEADER_VALUE = re.compile(r"^\s*:\s*(.*)$")
OFFICE = re.compile(r"^(?P<place>[^,(]+?)\s*\((?P<kind>M?CO|RO|HQ)\)\s*$")
OFFICE_IN_TITLE = re.compile(r"^(?P<place>[A-Z][\w' -]*?)\s+(?P<kind>Multi-Country Office|Country Office)\b")
REGION = re.compile(r"\((?:RO|HQ)\)\s*$|\bRegional (?:Office|Bureau|Centre)\b|^[\w ]+ Region$")
HEADER_KEYS = {
    "title": "title", "evaluation title": "title", "country": "country", "countries": "country",
    "office": "office", "commissioning office": "office", "commissioning unit": "office",
    "period": "period", "evaluation period": "period", "evaluation type": "type", "type": "type",
    "approval": "approval", "management response status": "approval",
}
HEADER_LABEL = re.compile(r"^\s*(?P<label>" + "|".join(sorted(HEADER_KEYS, key=len, reverse=True))
                          + r")\s*:\s*(?P<value>.*)$", re.IGNORECASE)
APPROVAL_WORDS = {"approved", "pending", "draft", "submitted", "not approved"}

LIST_FIELDS = {
    "thematic area": "thematic_areas", "thematic areas": "thematic_areas",
    "operating principle": "operating_principles", "operating principles": "operating_principles",
    "organizational priority": "organizational_priorities",
    "organizational priorities": "organizational_priorities",
    "organisational priorities": "organizational_priorities",
    "uneg criteria": "uneg_criteria", "uneg criterion": "uneg_criteria",
}


class GateReader:
    name = "unwomen-gate"
    description = "UN Women GATE management response"

    def accepts(self, lines: list[str]) -> bool:
        has_rec = any(line.startswith("Recommendation") and ":" in line[:25] for line in lines)
        has_columns = any(COLUMNS.match(line) for line in lines)
        has_category = any(line.lower().startswith("management response category") for line in lines)
        return has_rec and (has_columns or has_category)

    def scan(self, lines: list[str]) -> dict[str, int]:
        """Recommendation headings, and lines that end like a key-action row (a deadline
        followed by a status word), wherever they stand."""
        return {"recommendations": sum(1 for line in lines if (m := FIELD.match(line))
                                       and m.group("label").lower().startswith("recommendation")),
                "key_actions": sum(1 for line in lines if looks_like_row_end(line))}

    def read(self, doc: Document, lines: list[str]) -> None:
        first_rec = next((i for i, line in enumerate(lines)
                          if FIELD.match(line) and FIELD.match(line).group("label").lower().startswith("recommendation")),
                         len(lines))
        evaluation = self._header(doc, lines[:first_rec])
        doc.evaluation = evaluation
        current: Recommendation | None = None
        field_name: str | None = None       # the text field a continuation line extends
        in_actions = False
        response_line_at: int | None = None    # the current recommendation's 'Management Response:' line
        last = last_text_index(lines)
        for index in range(first_rec, len(lines)):
            line_no, line = index + 1, lines[index]
            if not line.strip():
                continue
            match = FIELD.match(line)
            if match:
                label = match.group("label").lower()
                value = match.group("value").strip()
                if label.startswith("recommendation"):
                    current = self._close_and_open(doc, evaluation, current, line_no, value, match.group("num"))
                    field_name, in_actions, response_line_at = "text", False, None
                    continue
                in_actions = False
                if label == "management response" and current.response is not None and current.response.key_actions:
                    problem(doc, "warning", line_no, "a second management response after the key actions of "
                            f"recommendation {current.number or current.ordinal} (line {current.span.start}): "
                            "read as the response to a recommendation of its own, whose heading is missing")
                    current = self._close_and_open(doc, evaluation, current, line_no, "", None, warn_blank=False)
                    response_line_at = None
                if label == "management response" and response_line_at is not None:
                    problem(doc, "warning", line_no, "a second 'Management Response:' line in recommendation "
                            f"{current.number or current.ordinal} (the first at line {response_line_at}); "
                            "its text is added to the response")
                    self._continue(current, "response", value)
                    field_name = "response"
                elif label == "management response":
                    self._response(current, line_no).text = value or None
                    response_line_at, field_name = line_no, "response"
                elif label == "description":
                    current.description = value or None
                    field_name = "description"
                elif label == "management response category":
                    self._response(current, line_no).category_text = value or None
                    field_name = None
                else:
                    setattr(current, LIST_FIELDS[re.sub(r"\s+", " ", label)], split_list(value, label))
                    field_name = None
                self._extend(current, line_no)
                continue
            if current is None:
                continue
            if KEY_ACTIONS.match(line):
                in_actions, field_name = True, None
                self._response(current, line_no)
                self._extend(current, line_no)
                continue
            if COLUMNS.match(line):
                in_actions = True
                self._extend(current, line_no)
                continue
            if in_actions:
                response = self._response(current, line_no)
                action = key_action_from_row(doc, len(response.key_actions) + 1, Span(line_no, line_no), line,
                                             at_end=index == last)
                response.key_actions.append(action)
                self._extend(current, line_no)
            elif field_name:
                self._continue(current, field_name, line.strip())
                self._extend(current, line_no)
            else:
                problem(doc, "warning", line_no, f"line not part of any field, kept nowhere: {line.strip()[:60]!r}")
        if current is not None:
            _report_cut_end(doc, current, last + 1, in_actions)
        self._close_and_open(doc, evaluation, current, len(lines) + 1, None, None)

    # -- header ---------------------------------------------------------------------------

    def _header(self, doc: Document, header: list[str]) -> Evaluation:
        """The header's values: labelled ('Title: …') or, as GATE prints them, bare ': value'
        lines told apart by their form (a country, 'period , office', an approval word, the
        title). Site chrome is skipped; a field not found is reported, never guessed."""
        last = max((i + 1 for i, line in enumerate(header) if line.strip()), default=1)
        evaluation = Evaluation(span=Span(1, last), agency="UN Women")
        labelled = {}
        for i, line in enumerate(header):
            m = HEADER_LABEL.match(line)
            if m and m.group("value").strip():
                labelled.setdefault(HEADER_KEYS[m.group("label").lower()], (i + 1, m.group("value").strip()))
        values = [(i + 1, m.group(1).strip()) for i, line in enumerate(header)
                  if (m := HEADER_VALUE.match(line)) and m.group(1).strip()]
        prose = [(i + 1, line.strip()) for i, line in enumerate(header)
                 if line.strip() and not HEADER_VALUE.match(line) and not HEADER_LABEL.match(line)
                 and not is_chrome(line)]
        title_candidates = []
        for _, value in values:
            period = PERIOD.search(value)
            if period and "," in value:
                evaluation.period_start, evaluation.period_end = int(period.group(1)), int(period.group(2))
                evaluation.office = value.split(",", 1)[1].strip() or None
            elif value.lower() in APPROVAL_WORDS:
                evaluation.response_approval = value
            elif country_code(value):
                if country_code(value) not in evaluation.countries:
                    evaluation.countries.append(country_code(value))
            elif not REGION.search(value):
                title_candidates.append(value)
        self._labelled_header(evaluation, labelled)
        titles = [text for _, text in prose if len(text) < 200 and text.lower() != "management response"]
        if evaluation.title is None and title_candidates:
            evaluation.title = max(title_candidates, key=len)
        elif evaluation.title is None and titles:
            evaluation.title = titles[0]
        paragraphs = [text for _, text in prose if len(text) >= 200]
        evaluation.overall_response = "\n\n".join(paragraphs) or None
        if evaluation.period_start is None and evaluation.title:
            period = PERIOD.search(evaluation.title)
            if period:
                evaluation.period_start, evaluation.period_end = int(period.group(1)), int(period.group(2))
        office = OFFICE.match(evaluation.office or "")
        if not evaluation.countries and office and office.group("kind") in ("CO", "MCO"):
            evaluation.countries = [c for c in [country_code(office.group("place"))] if c]
        named = OFFICE_IN_TITLE.search(evaluation.title or "")
        if named and country_code(named.group("place")):
            if not evaluation.countries:
                evaluation.countries = [country_code(named.group("place"))]
            if evaluation.office is None:
                evaluation.office = named.group("kind")
        if not evaluation.countries and evaluation.title and len(country_codes(evaluation.title)) == 1:
            evaluation.countries = country_codes(evaluation.title)   # the title names one country
        if evaluation.evaluation_type is None:
            evaluation.evaluation_type = _evaluation_type(evaluation.title)
        for missing, what in ((evaluation.title is None, "evaluation title"), (not evaluation.countries, "country"),
                              (evaluation.period_start is None, "evaluation period (YYYY - YYYY)"),
                              (evaluation.evaluation_type is None, "evaluation type"),
                              (evaluation.office is None, "evaluated office")):
            if missing:
                problem(doc, "warning", 1, f"no {what} found in the header; left blank")
        return evaluation

    @staticmethod
    def _labelled_header(evaluation: Evaluation, labelled: dict[str, tuple[int, str]]) -> None:
        get = lambda key: labelled.get(key, (None, None))[1]  # noqa: E731
        evaluation.title = get("title")
        for code in [country_code(item) for item in re.split(r"\s*[,;]\s*", get("country") or "")]:
            if code and code not in evaluation.countries:
                evaluation.countries.append(code)
        if get("office"):
            evaluation.office = get("office")
            code = country_code(OFFICE.match(evaluation.office).group("place")) if OFFICE.match(evaluation.office) \
                else None
            if code and code not in evaluation.countries:
                evaluation.countries.append(code)
        period = PERIOD.search(get("period") or "")
        if period:
            evaluation.period_start, evaluation.period_end = int(period.group(1)), int(period.group(2))
        evaluation.evaluation_type = get("type")
        if get("approval"):
            evaluation.response_approval = get("approval")

    # -- structure ------------------------------------------------------------------------

    def _close_and_open(self, doc, evaluation, current, line_no, text, number, warn_blank=True):
        if current is not None:
            if current.response is None:
                problem(doc, "warning", current.span.start, "recommendation has no management response")
            elif not current.response.key_actions:
                problem(doc, "warning", current.span.start, "management response has no key actions")
        if text is None:
            return None
        if not text and warn_blank:
            problem(doc, "warning", line_no, "recommendation with no text")
        rec = Recommendation(len(evaluation.recommendations) + 1, Span(line_no, line_no), text, number=number)
        evaluation.recommendations.append(rec)
        return rec

    @staticmethod
    def _response(rec: Recommendation, line_no: int) -> ManagementResponse:
        if rec.response is None:
            rec.response = ManagementResponse(Span(line_no, line_no))
        return rec.response

    @staticmethod
    def _extend(rec: Recommendation, line_no: int) -> None:
        rec.span = Span(rec.span.start, max(rec.span.end, line_no))
        if rec.response is not None:
            rec.response.span = Span(rec.response.span.start, max(rec.response.span.end, line_no))

    @staticmethod
    def _continue(rec: Recommendation, field_name: str, text: str) -> None:
        if field_name == "text":
            rec.text = f"{rec.text}\n{text}".strip()
        elif field_name == "description":
            rec.description = f"{rec.description or ''}\n{text}".strip()
        elif field_name == "response" and rec.response is not None:
            rec.response.text = f"{rec.response.text or ''}\n{text}".strip()


def _report_cut_end(doc: Document, rec: Recommendation, last_line: int, in_actions: bool) -> None:
    """The document ends inside its last recommendation before the parts every
    recommendation has (its management response, then its key actions): it was cut."""
    name = f"recommendation {rec.number or rec.ordinal} (line {rec.span.start})"
    if rec.response is None:
        problem(doc, "warning", last_line, f"the document ends inside {name}, before its management response "
                "(truncated?)")
    elif not rec.response.key_actions:
        where = "after the key-action table's header, before its first row" if in_actions else \
            "before its key actions"
        problem(doc, "warning", last_line, f"the document ends inside {name}, {where} (truncated?)")


def _evaluation_type(title: str | None) -> str | None:
    if not title:
        return None
    for kind in ("Country Portfolio Evaluation", "Portfolio Evaluation", "Final Evaluation",
                 "Mid-term Evaluation", "Thematic Evaluation", "GPI Evaluation"):
        if kind.lower() in title.lower():
            return kind
    return None
