"""Small helpers the readers share: list fields, header values, problems with line numbers."""
from __future__ import annotations

import re

import pycountry

from ..records import Document, KeyAction, Problem, Span
from ..parties import split_action_and_party
from ..vocab import scheme_of_field
from .fields import NO_STATUS, find_deadline, longer_status_labels, read_tail

# The heading over a key-action table, in every evaluation family's pages.
KEY_ACTIONS = re.compile(r"^\s*Key Actions\s*:?\s*$", re.IGNORECASE)

NUMBERING = re.compile(r"^\s*(\d+(?:\.\d+)*)[.)]?\s+(?=\S)")
PERIOD = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-–]\s*((?:19|20)\d{2})(?!\d)")


def problem(doc: Document, severity: str, line: int, message: str) -> None:
    doc.problems.append(Problem(severity, str(doc.path), line, message))


def last_text_index(lines: list[str]) -> int:
    """Index of the document's last non-blank line (-1 for a blank document): a row or
    section still open there is where the document ends, perhaps cut."""
    return next((i for i in range(len(lines) - 1, -1, -1) if lines[i].strip()), -1)


def split_outside_brackets(value: str) -> list[str]:
    """'A, B (x, y), C' -> ['A', 'B (x, y)', 'C']: commas inside brackets do not split."""
    items, depth, current = [], 0, []
    for char in value:
        depth += char == "("
        depth -= char == ")"
        if char == "," and depth == 0:
            items.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    items.append("".join(current).strip())
    return [item for item in items if item]


def split_list(value: str, field: str | None = None) -> list[str]:
    """A classification list; "Not applicable" means none. Given the field's name, commas
    inside a label of the field's scheme do not split: adjacent pieces that together are
    such a label ("Global norms, policies and standards (SP 2018-2021)") stay one item."""
    pieces = split_outside_brackets(value)
    labels = scheme_of_field(field) if field else None
    items, start = [], 0
    while start < len(pieces):
        stop = start + 1
        if labels is not None:
            stop = next((end for end in range(len(pieces), start + 1, -1)
                         if labels.lookup(", ".join(pieces[start:end])) is not None), stop)
        items.append(", ".join(pieces[start:stop]))
        start = stop
    return [item for item in items if item.lower() != "not applicable"]


def country_codes(text: str) -> list[str]:
    """ISO 3166-1 alpha-3 codes of the countries named in text, in order of appearance."""
    found = []
    for word in re.findall(r"[A-Za-z][A-Za-z' -]*[A-Za-z]", text):
        for candidate in (word, *word.split()):
            try:
                country = pycountry.countries.lookup(candidate.strip())
            except LookupError:
                continue
            if len(candidate) > 3 and country.alpha_3 not in found:
                found.append(country.alpha_3)
    return found


def strip_numbering(text: str) -> tuple[str | None, str]:
    m = NUMBERING.match(text)
    if m and not re.match(r"\d{4}\b", text.strip()):
        return m.group(1), text[m.end():]
    return None, text


def key_action_from_row(doc: Document, ordinal: int, span: Span, row: str,
                        text: str | None = None, at_end: bool = False) -> KeyAction:
    """Read a row '<text> <responsible> <deadline> <status> <comment>'.

    With `text` given (ERC), the row holds only '<responsible> <deadline> ...'. `at_end`:
    the row is the document's last line, so a missing deadline or status is where the
    document was cut, and the messages say so rather than that the row lacks them."""
    line = span.end
    number, row_body = strip_numbering(row) if text is None else (None, row)
    found = find_deadline(row_body)
    if found is None:
        action = KeyAction(ordinal, span, (text or row_body).strip(), number=number)
        if text is not None:
            action.unread = row_body.strip() or None
        kept = "unread text" if text is not None else "the action text"
        if at_end:
            problem(doc, "error", line, "key action row ends before its deadline: the document ends inside it "
                    f"(truncated?), so no deadline, responsible party or status was read; the row is kept as {kept}")
        else:
            problem(doc, "error", line, "key action row has no deadline (YYYY/MM or a no-deadline note); "
                    f"responsible, deadline and status not read, the row is kept as {kept}")
        return action
    head = row_body[:found.start].strip()
    if text is None:
        action_text, responsible = split_action_and_party(head)
        if responsible is None:
            problem(doc, "warning", line, "no responsible party recognised before the deadline; "
                    "all of it kept as the action text")
    else:
        action_text, responsible = text, head or None
        if responsible is None:
            problem(doc, "warning", line, "key action has no responsible party")
    if found.text:
        problem(doc, "warning", line, f"deadline {found.text!r} is a year, not a month; kept as written")
    tail = read_tail(row_body[found.end:], found.month, found.note, found.text)
    if found.note and found.start < row_body.index(found.note, found.start):
        tail.warnings = [w for w in tail.warnings if w != NO_STATUS]
        problem(doc, "warning", line, f"status and deadline written together "
                f"({row_body[found.start:found.end]!r}): read as the deadline note; no status")
    if at_end:
        _say_where_the_last_row_ends(row_body, found, tail)
    for message in tail.errors:
        problem(doc, "error", line, message)
    for message in tail.warnings:
        problem(doc, "warning", line, message)
    return action_with_tail(ordinal, span, action_text.strip(), responsible, tail, number=number)


def _say_where_the_last_row_ends(row: str, found, tail) -> None:
    """The document's last row ends where the document was perhaps cut: inside its
    deadline ("2021/1" of "2021/12", not read as January), right after it (no status), or
    right after a status that is the start of a longer one ("Overdue" of
    "Overdue-Initiated"). Said as such, never as a row that lacks the field."""
    written = row[found.start:found.end]
    ends_here = not row[found.end:].strip()
    if found.month and ends_here and may_be_cut_month(written):
        tail.deadline, tail.unread = None, " ".join(filter(None, [tail.unread, written]))
        tail.warnings = [w for w in tail.warnings if w != NO_STATUS]
        tail.warnings.append(cut_deadline_warning(written))
    elif NO_STATUS in tail.warnings:
        tail.warnings[tail.warnings.index(NO_STATUS)] = ENDS_BEFORE_STATUS
    elif tail.status_text and tail.comment is None and tail.justification is None:
        tail.warnings.extend(cut_status_warnings(tail.status_text))


ENDS_BEFORE_STATUS = "key action row ends after its deadline, before its status: the document ends inside it (truncated?)"


def may_be_cut_month(written: str) -> bool:
    """A deadline 'YYYY/M' with one month digit: at the document's end, perhaps 'YYYY/MM' cut."""
    return re.search(r"/\s?\d$", written.strip()) is not None


def cut_deadline_warning(written: str) -> str:
    return (f"key action row ends inside its deadline ({written!r} may be cut from a two-digit month): "
            "the document ends here (truncated?); the deadline is kept as unread text")


def cut_status_warnings(status: str) -> list[str]:
    """The warning for a status the document ends right after, when a longer status
    begins with it ("Overdue" of "Overdue-Initiated"); none otherwise."""
    longer = longer_status_labels(status)
    return [f"the document ends right after the status {status!r}, which may be cut from a longer one "
            f"({longer[0]!r}) (truncated?); read as written"] if longer else []


def action_with_tail(ordinal: int, span: Span, text: str, responsible: str | None, tail,
                     number: str | None = None) -> KeyAction:
    return KeyAction(
        ordinal, span, text, number=number, responsible=responsible,
        deadline=tail.deadline, deadline_note=tail.deadline_note, deadline_text=tail.deadline_text,
        status_text=tail.status_text, justification=tail.justification, comment=tail.comment,
        unread=tail.unread)
