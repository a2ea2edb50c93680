"""A management-response template pasted into a page as one paragraph.

    Recommendation 1: … Management response: … Key action Responsible Time frame Status
    <action> <responsible> <deadline> <status> <action> <responsible> <deadline> <status> …

Headings and rows run together on one line or a few. A row ends at its status; when the
template has a Comments column, a comment runs into the next row's action and the two
are split at the comment's last sentence end, which is reported.
"""
from __future__ import annotations

import bisect
import re

from ...records import Document, Evaluation, KeyAction, ManagementResponse, Recommendation, Span
from ...vocab import scheme
from ..text import key_action_from_row, last_text_index, problem
from ..fields import DEADLINE, YEARS

REC = re.compile(r"\bRecommendation\s*(?:No\.?\s*)?(?P<num>\d+(?:\.\d+)*)?\s*:")
RESPONSE = re.compile(r"\bManagement\s+response\s*:", re.IGNORECASE)
HEADING = re.compile(
    r"\bKey\s+actions?\s*:?\s+Responsible(?:\s+(?:unit|units|party|parties|office)\b)?\s*:?\s+"
    r"(?:Time\s*frame|Deadline|Due\s*date|Timeline)\s*:?\s+Status(?:\s*:)?(?P<comments>\s+Comments?\b(?:\s*:)?)?"
    r"(?:\s+Documents\b)?", re.IGNORECASE)
SENTENCE_END = re.compile(r"[.!?;]\s+(?=[A-Z0-9])")


def is_run_together(lines: list[str]) -> bool:
    """True when a response heading or the key-action column heading shares its line with
    other text: the template was pasted as a paragraph."""
    for line in lines:
        m = RESPONSE.search(line)
        if m and line[:m.start()].strip():
            return True
        m = HEADING.search(line)
        if m and line[m.end():].strip():
            return True
    return False


class _Text:
    """The lines joined by newlines, with the line number of any offset."""

    def __init__(self, lines: list[str], start: int, stop: int):
        self.starts, parts, offset = [], [], 0
        for line in lines[start:stop]:
            self.starts.append(offset)
            parts.append(line)
            offset += len(line) + 1
        self.text = "\n".join(parts)
        self.first = start + 1

    def line(self, offset: int) -> int:
        return self.first + max(bisect.bisect_right(self.starts, offset) - 1, 0)

    def span(self, begin: int, end: int) -> Span:
        """Lines of text[begin:end], surrounding space excluded."""
        chunk = self.text[begin:end]
        begin += len(chunk) - len(chunk.lstrip())
        end -= len(chunk) - len(chunk.rstrip())
        return Span(self.line(begin), self.line(max(end - 1, begin)))


def read_recommendations(doc: Document, evaluation: Evaluation, lines: list[str], start: int, stop: int) -> None:
    page = _Text(lines, start, stop)
    text = page.text
    heads = [m for m in REC.finditer(text)
             if m.group("num") or not text[:m.start()].strip() or text[:m.start()].rstrip()[-1] in ".!?;:)\n"]
    if heads and text[:heads[0].start()].strip():
        problem(doc, "warning", page.line(0), "text before the first recommendation kept nowhere: "
                + repr(text[:heads[0].start()].strip()[:60]))
    # The document's last line, when this page reaches it: a row ending there may be cut.
    last_line = last_text_index(lines) + 1 if stop > last_text_index(lines) else None
    for k, head in enumerate(heads):
        end = heads[k + 1].start() if k + 1 < len(heads) else len(text)
        _recommendation(doc, evaluation, page, head, end, last_line)


def _recommendation(doc, evaluation, page: _Text, head: re.Match, end: int, last_line: int | None) -> None:
    text = page.text
    response = RESPONSE.search(text, head.end(), end)
    heading = HEADING.search(text, response.end() if response else head.end(), end)
    text_end = min([m.start() for m in (response, heading) if m] or [end])
    number = head.group("num")
    rec_text = _squash(text[head.end():text_end])
    rec = Recommendation(len(evaluation.recommendations) + 1, page.span(head.start(), end), rec_text, number=number)
    evaluation.recommendations.append(rec)
    name = f"recommendation {number}" if number else "recommendation"
    if not rec_text:
        problem(doc, "warning", page.line(head.start()), f"{name} has no text")
    if response is None and heading is None:
        problem(doc, "warning", page.line(head.start()), f"{name} has no management response")
        return
    response_start = response.start() if response else heading.start()
    response_text = _squash(text[response.end():heading.start() if heading else end]) if response else ""
    rec.response = ManagementResponse(page.span(response_start, end), text=response_text or None)
    if not response_text:
        problem(doc, "warning", page.line(response_start), f"management response to {name} has no text")
    if heading is None:
        problem(doc, "warning", page.line(response_start), f"management response to {name} has no key actions")
        return
    rec.response.key_actions = _rows(doc, page, heading.end(), end, bool(heading.group("comments")), last_line)
    if not rec.response.key_actions:
        problem(doc, "warning", page.line(heading.start()), f"management response to {name} has no key actions")


def _rows(doc: Document, page: _Text, start: int, end: int, with_comments: bool,
          last_line: int | None) -> list[KeyAction]:
    """Rows split at their statuses; each row is then read like any key-action row, the
    one that ends on the document's last line (`last_line`) as perhaps cut there."""
    text = page.text
    statuses = scheme("key-action-status")
    bounds: list[tuple[int, int]] = []
    row_start = start
    anchor = _next_deadline(text, start, end)
    while anchor is not None:
        status = statuses.match_at(text, _skip_space(text, anchor[1]))
        row_end = status.end if status and status.end <= end else anchor[1]
        following = _next_deadline(text, row_end, end)
        if with_comments:
            between = text[row_end:following[0] if following else end]
            if following is None:
                row_end = end
            else:
                cuts = list(SENTENCE_END.finditer(between))
                if cuts:
                    row_end += cuts[-1].start() + 1
                    problem(doc, "warning", page.line(row_end), "a comment runs into the next key action; "
                            "split at the comment's last sentence end")
                elif between.strip():
                    problem(doc, "warning", page.line(row_end), "a comment runs into the next key action with no "
                            "sentence end between them; all of it is read as the next action")
        bounds.append((row_start, row_end))
        row_start, anchor = row_end, following
    if text[row_start:end].strip():
        bounds.append((row_start, end))
    actions = []
    for begin, stop in bounds:
        row = _squash(text[begin:stop])
        if row:
            span = page.span(begin, stop)
            actions.append(key_action_from_row(doc, len(actions) + 1, span, row, at_end=span.end == last_line))
    return actions


def _next_deadline(text: str, start: int, end: int) -> tuple[int, int] | None:
    """(start, end) of the earliest deadline field in text[start:end]: a month or a year
    (range) followed by a status, or a deadline note."""
    statuses = scheme("key-action-status")
    found = []
    for pattern in (DEADLINE, YEARS):
        for m in pattern.finditer(text, start, end):
            if statuses.match_at(text, _skip_space(text, m.end())):
                found.append((m.start(), m.end()))
                break
    note = scheme("deadline-note").search(text[start:end])
    if note:
        found.append((start + note.start, start + note.end))
    return min(found) if found else None


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
