"""Properties of reading mutated real documents: no traceback, no lost row, located problems.

Every seed document of data/sources is mutated the way real files get damaged or re-saved
(cut off at any byte, lines deleted, duplicated or swapped, CRLF line ends, a BOM, NBSP for
spaces, UTF-16, a very long line, an odd file name). For each mutation:

(a) reading raises nothing but the documented ReaderError (the CLI: no traceback, exit 0/1/2);
(b) every complete key-action row the mutation did not touch is read with the same fields;
(c) every problem reported names the file read and a line inside it.

"Untouched" is defined from line spans. The reading of the unmutated document gives each
key action its span [start, end]; a line mutation has a set of touched original lines
(deleted, duplicated, or moved by a swap) and a map from original to new line numbers. A
row is untouched when no touched line lies in its context: its own span, and the lines
from its recommendation's first line to the row (the lines that make it a key action of
that response, other rows excepted). A line moved into that context by a swap touches it
too. An untouched row must be read again with its span mapped and every field equal.

Examples are derandomized (same examples on every run, no example database) and few, so CI
is deterministic and quick.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import SOURCES, run_cli
from kgbuild.families import ReaderError, map_document, read_document

SEEDS = sorted(p.name for p in SOURCES.glob("*.txt"))
MANAGEMENT_RESPONSES = [name for name in SEEDS if not name.startswith("unsdcf")]
FIELDS = ("number", "text", "responsible", "deadline", "deadline_note", "deadline_text", "status_text",
          "justification", "comment", "added", "updated", "unread")

FAST = settings(max_examples=30, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
CLI = settings(FAST, max_examples=6)


@dataclass(frozen=True)
class Row:
    start: int
    end: int
    context: int            # first line of the row's recommendation
    fields: tuple

    def lines(self) -> range:
        return range(self.start, self.end + 1)


def rows_of(doc) -> list[Row]:
    rows = []
    for rec in (doc.evaluation.recommendations if doc.evaluation else []):
        for action in (rec.response.key_actions if rec.response else []):
            rows.append(Row(action.span.start, action.span.end, rec.span.start,
                            tuple(getattr(action, name) for name in FIELDS)))
    return rows


_ORIGINALS: dict[str, tuple[bytes, list[Row]]] = {}


def original(name: str) -> tuple[bytes, list[Row]]:
    if name not in _ORIGINALS:
        path = SOURCES / name
        _ORIGINALS[name] = (path.read_bytes(), rows_of(read_document(path)))
    return _ORIGINALS[name]


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("mutated")


def read_bytes_as(folder: Path, data: bytes, name: str = "mutated.txt"):
    """Read and map `data` written as `name`: the document, or None for a ReaderError.
    Checks (a) and (c) on the way."""
    path = folder / name
    path.write_bytes(data)
    try:
        doc = read_document(path)
    except ReaderError as exc:
        assert exc.path == path and exc.line >= 1 and exc.message
        return None
    map_document(doc)   # mapping adds problems of its own (parties, categories)
    assert_problems_located(doc, path)
    return doc


def assert_problems_located(doc, path: Path) -> None:
    last = max(doc.line_count, 1)
    for problem in doc.problems:
        assert problem.path == str(path), problem
        assert 1 <= problem.line <= last, f"{problem} (document has {doc.line_count} lines)"


def row_touched(row: Row, rows: list[Row], changes: dict[int, str]) -> bool:
    """Whether a change reaches the row: a line of its span changed, or a line of its context
    (its recommendation's first line up to the row) was removed, repeated or replaced, other
    rows excepted when they are only removed or repeated whole."""
    other_rows = {n for r in rows if r is not row for n in r.lines()}
    for line, how in changes.items():
        if row.start <= line <= row.end:
            return True
        if row.context <= line < row.start and not (line in other_rows and how in ("removed", "repeated")):
            return True
    return False


def assert_untouched_rows_survive(before: list[Row], after: list[Row], changes: dict[int, str], new_line) -> None:
    """Every row no change reaches is read again, span mapped, same fields."""
    read_again = {(r.start, r.end, r.fields) for r in after}
    for row in before:
        if row_touched(row, before, changes):
            continue
        mapped = (new_line(row.start), new_line(row.end), row.fields)
        assert mapped in read_again, (
            f"row at lines {row.start}-{row.end} lost or changed: {row.fields[1][:60]!r}; read at its "
            f"place instead: {[r for r in after if r.start <= mapped[0] <= r.end or r.fields[1] == row.fields[1]]}")


# -- line mutations ---------------------------------------------------------------------------

@dataclass(frozen=True)
class LineMutation:
    """One line deleted, duplicated, or swapped with another (0-based indexes)."""
    name: str
    kind: str
    i: int
    j: int = -1

    def apply(self) -> bytes:
        lines = original(self.name)[0].split(b"\n")
        i, j = self.i, self.j
        if self.kind == "delete":
            lines[i:i + 1] = []
        elif self.kind == "duplicate":
            lines[i:i + 1] = [lines[i], lines[i]]
        else:
            lines[i], lines[j] = lines[j], lines[i]
        return b"\n".join(lines)

    @property
    def changes(self) -> dict[int, str]:
        """Original line number -> removed | repeated | moved."""
        if self.kind == "swap":
            return {} if self.i == self.j else {self.i + 1: "moved", self.j + 1: "moved"}
        return {self.i + 1: "removed" if self.kind == "delete" else "repeated"}

    def new_line(self, n: int) -> int:
        if self.kind == "delete":
            return n if n <= self.i else n - 1
        if self.kind == "duplicate":
            return n if n <= self.i + 1 else n + 1
        return n

    def line(self, index: int) -> str:
        return original(self.name)[0].split(b"\n")[index].decode("utf-8", "replace")


@st.composite
def line_mutation(draw, names=tuple(MANAGEMENT_RESPONSES)):
    name = draw(st.sampled_from(names))
    count = original(name)[0].count(b"\n") + 1
    kind = draw(st.sampled_from(["delete", "duplicate", "swap"]))
    return LineMutation(name, kind, draw(st.integers(0, count - 1)),
                        draw(st.integers(0, count - 1)) if kind == "swap" else -1)


@settings(FAST, max_examples=80)
@given(line_mutation())
def test_rows_outside_a_line_mutation_survive(folder, mutation):
    doc = read_bytes_as(folder, mutation.apply())
    assert doc is not None, "a one-line mutation made the document unreadable"
    assert_untouched_rows_survive(original(mutation.name)[1], rows_of(doc), mutation.changes, mutation.new_line)


STRUCTURE_LINE = re.compile(r"^\s*(\d+\.\s*)?(Recommendation|Management Response|Key Actions|Latest Evaluations|"
                            r"Contact us|\[Added)\b")


@pytest.mark.parametrize("name", MANAGEMENT_RESPONSES)
def test_every_structure_line_deleted_or_repeated_leaves_the_other_rows(folder, name):
    """Every line that gives a document its structure (a row's last line, a recommendation or
    response heading, a stamp, the site footer) deleted and repeated in turn: the rows the
    change does not reach are all read again. Random examples rarely hit these few lines."""
    data, rows = original(name)
    lines = data.split(b"\n")
    structure = sorted({row.end - 1 for row in rows} | {i for i, line in enumerate(lines)
                                                          if STRUCTURE_LINE.match(line.decode("utf-8"))})
    for index in structure:
        for kind in ("delete", "duplicate"):
            mutation = LineMutation(name, kind, index)
            doc = read_bytes_as(folder, mutation.apply())
            assert doc is not None, mutation
            assert_untouched_rows_survive(rows, rows_of(doc), mutation.changes, mutation.new_line)


# Line mutations the readers once lost rows to, one example each on the real documents,
# with the warning that says what was made of the change.

GATE_KYRGYZSTAN = "unwomen-gate-mr-kyrgyzstan-gpi-pbf-migration-2018-2022.txt"
ERC = "undp-erc-kazakhstan-international-cooperation-outcome-2018.txt"


def _row_survives(folder, mutation: LineMutation, row_start: int):
    """The mutated document, after checking that the row starting at `row_start` (an
    original line) is read again with its span mapped and the same fields."""
    row = next(r for r in original(mutation.name)[1] if r.start == row_start)
    doc = read_bytes_as(folder, mutation.apply())
    assert doc is not None
    assert (mutation.new_line(row.start), mutation.new_line(row.end), row.fields) in {
        (r.start, r.end, r.fields) for r in rows_of(doc)}
    return doc


def _said(doc, line: int, words: str) -> bool:
    return any(p.line == line and words in p.message for p in doc.problems)


def test_a_gate_recommendation_line_deleted_keeps_the_rows_before_it(folder):
    # Line 55 opens the fifth recommendation; without it, its response follows the fourth's key actions.
    doc = _row_survives(folder, LineMutation(GATE_KYRGYZSTAN, "delete", 54), row_start=54)
    assert _said(doc, 55, "a second management response after the key actions of recommendation 4")
    headless = doc.evaluation.recommendations[4]
    assert headless.span.start == 55 and headless.text == "" and headless.response.key_actions


def test_an_erc_row_line_deleted_keeps_the_next_action(folder):
    # Line 298 is the row line of the action at 296-298; the next action is 299-301.
    doc = _row_survives(folder, LineMutation(ERC, "delete", 297), row_start=299)
    assert _said(doc, 296, "key action is cut off: the next action begins at line 298")


def test_an_erc_row_line_repeated_is_read_once(folder):
    doc = _row_survives(folder, LineMutation(ERC, "duplicate", 297), row_start=299)
    assert _said(doc, 299, "repeats the key-action row above it")


def test_an_erc_footer_line_moved_up_keeps_the_rows_after_it(folder):
    lines = original(ERC)[0].split(b"\n")
    footer = next(i for i, line in enumerate(lines) if line.strip() == b"Latest Evaluations")
    heading = next(i for i, line in enumerate(lines) if line.strip() == b"6. Recommendation:")
    doc = _row_survives(folder, LineMutation(ERC, "swap", footer, heading), row_start=396)
    assert _said(doc, heading + 1, "site footer line 'Latest Evaluations' with more of the evaluation after it")


# -- truncation -------------------------------------------------------------------------------

def _complete_lines(data: bytes) -> int:
    return data.count(b"\n")


@st.composite
def truncation(draw, at_character_boundary=True):
    name = draw(st.sampled_from(SEEDS))
    data, _ = original(name)
    text = data.decode("utf-8")
    if at_character_boundary:
        cut = len(text[:draw(st.integers(0, len(text)))].encode("utf-8"))
    else:
        inside = [k for k, byte in enumerate(data) if 0x80 <= byte < 0xC0]   # continuation bytes
        cut = draw(st.sampled_from(inside))
    return name, data[:cut]


def assert_complete_rows_survive_the_cut(folder, name: str, data: bytes) -> None:
    """The document cut to `data` is read with every row that ends before the cut, or, when
    no complete row lay before the cut, it may be refused (ReaderError, checked located)."""
    doc = read_bytes_as(folder, data)
    kept = [row for row in original(name)[1] if row.end <= _complete_lines(data)]
    if doc is None:
        assert not kept, f"{name} cut at byte {len(data)}: unreadable, losing {len(kept)} complete rows"
        return
    assert_untouched_rows_survive(kept, rows_of(doc), {}, lambda n: n)


@FAST
@given(truncation())
def test_a_document_cut_at_any_character_keeps_its_complete_rows(folder, cut):
    assert_complete_rows_survive_the_cut(folder, *cut)


@settings(FAST, max_examples=10)
@given(truncation(at_character_boundary=False))
def test_a_document_cut_inside_a_character_keeps_its_complete_rows(folder, cut):
    assert_complete_rows_survive_the_cut(folder, *cut)


# -- re-saved documents: line ends, BOM, NBSP, UTF-16 ------------------------------------------

RESAVED = {
    "crlf": lambda data: data.replace(b"\n", b"\r\n"),
    "bom": lambda data: codecs.BOM_UTF8 + data,
    "bom+crlf": lambda data: codecs.BOM_UTF8 + data.replace(b"\n", b"\r\n"),
}


@pytest.mark.parametrize("how", list(RESAVED))
@pytest.mark.parametrize("name", SEEDS)
def test_line_ends_and_a_bom_change_nothing_read(folder, name, how):
    data, rows = original(name)
    doc = read_bytes_as(folder, RESAVED[how](data))
    assert doc is not None and rows_of(doc) == rows
    unmutated = read_document(SOURCES / name)
    map_document(unmutated)
    assert [(p.line, p.message) for p in doc.problems] == [(p.line, p.message) for p in unmutated.problems]


@pytest.mark.parametrize("name", MANAGEMENT_RESPONSES)
def test_a_utf16_document_keeps_every_row(folder, name):
    data, rows = original(name)
    doc = read_bytes_as(folder, data.decode("utf-8").encode("utf-16"))
    assert doc is not None and rows_of(doc) == rows


@pytest.mark.parametrize("name", MANAGEMENT_RESPONSES)
def test_a_utf16_document_is_read_or_refused_with_its_reason(folder, name):
    data, _ = original(name)
    path = folder / f"utf16-{name}"
    path.write_bytes(data.decode("utf-8").encode("utf-16"))
    try:
        doc = read_document(path)
    except ReaderError as exc:
        assert exc.path == path and "UTF" in exc.message.upper()
    else:
        assert_problems_located(doc, path)


@st.composite
def nbsp_lines(draw, names=tuple(MANAGEMENT_RESPONSES)):
    """Some lines with every space written as NBSP (PDF renderings do this)."""
    name = draw(st.sampled_from(names))
    data, _ = original(name)
    lines = data.decode("utf-8").split("\n")
    chosen = draw(st.sets(st.integers(0, len(lines) - 1), min_size=1, max_size=8))
    for i in chosen:
        lines[i] = lines[i].replace(" ", "\u00a0")
    return name, "\n".join(lines).encode("utf-8"), {i + 1: "replaced" for i in chosen}


@FAST
@given(nbsp_lines())
def test_nbsp_lines_leave_the_other_rows_alone(folder, mutation):
    name, data, touched = mutation
    doc = read_bytes_as(folder, data)
    assert doc is not None
    assert_untouched_rows_survive(original(name)[1], rows_of(doc), touched, lambda n: n)


def _spaces(fields: tuple) -> tuple:
    return tuple(v.replace("\u00a0", " ") if isinstance(v, str) else v for v in fields)


@pytest.mark.parametrize("name", MANAGEMENT_RESPONSES)
def test_a_row_written_with_nbsp_reads_as_with_spaces(folder, name):
    """NBSP is a space: a row line with NBSP for its spaces keeps every field (as written)."""
    data, rows = original(name)
    lines = data.decode("utf-8").split("\n")
    row_lines = {n for row in rows for n in row.lines()}
    for n in row_lines:
        lines[n - 1] = lines[n - 1].replace(" ", "\u00a0")
    doc = read_bytes_as(folder, "\n".join(lines).encode("utf-8"))
    assert doc is not None
    assert [(r.start, r.end, _spaces(r.fields)) for r in rows_of(doc)] == [(r.start, r.end, r.fields) for r in rows]


# -- very long lines --------------------------------------------------------------------------

@st.composite
def long_line(draw):
    name = draw(st.sampled_from(SEEDS))
    data, _ = original(name)
    lines = data.split(b"\n")
    i = draw(st.integers(0, len(lines)))
    words = draw(st.lists(st.sampled_from(["Country Office", "2019/12", "Ongoing", "Completed", "and", "with",
                                           "UNDP", "Recommendation", "the", "programme", "|", "\t", "5.2", "x"]),
                          min_size=1, max_size=6))
    filler = (" ".join(words) + " ").encode("utf-8") * (60_000 // (len(" ".join(words)) + 1) + 1)
    return name, b"\n".join(lines[:i] + [filler] + lines[i:]), i


@settings(FAST, max_examples=12)
@given(long_line())
def test_a_very_long_line_is_read_and_leaves_the_other_rows_alone(folder, mutation):
    name, data, at = mutation   # a new line between original lines `at` and `at + 1`
    doc = read_bytes_as(folder, data)
    if doc is None:
        return   # a long line may hide what makes the document recognisable; ReaderError is allowed
    before = original(name)[1]
    assert_untouched_rows_survive(before, rows_of(doc), {at + 1: "inserted before"}, lambda n: n if n <= at else n + 1)


# -- odd file names ---------------------------------------------------------------------------

ODD_NAMES = ["with space.txt", "accentué – ça.txt", "[bracketed] (copy).txt", "-leading-dash.txt",
             "a#hash%20and?.txt", "ümlaut ünd ß.TXT"]


@pytest.mark.parametrize("odd", ODD_NAMES)
def test_an_odd_file_name_changes_nothing_read(tmp_path, odd):
    name = MANAGEMENT_RESPONSES[ODD_NAMES.index(odd) % len(MANAGEMENT_RESPONSES)]
    data, rows = original(name)
    doc = read_bytes_as(tmp_path, data, odd)
    assert doc is not None and rows_of(doc) == rows


# -- the CLI ----------------------------------------------------------------------------------

@st.composite
def any_mutation(draw):
    """One document of any mutation above, under an odd name: (file name, bytes)."""
    kind = draw(st.sampled_from(["line", "truncate", "utf16", "nbsp", "long"]))
    if kind == "line":
        data = draw(line_mutation(tuple(SEEDS))).apply()
    elif kind == "truncate":
        _, data = draw(truncation())
    elif kind == "nbsp":
        _, data, _ = draw(nbsp_lines(tuple(SEEDS)))
    elif kind == "long":
        _, data, _ = draw(long_line())
    else:
        data = original(draw(st.sampled_from(SEEDS)))[0].decode("utf-8").encode("utf-16")
    return draw(st.sampled_from(ODD_NAMES)), data


@CLI
@given(any_mutation())
def test_the_cli_build_never_prints_a_traceback(tmp_path_factory, mutation):
    odd, data = mutation
    sources = tmp_path_factory.mktemp("cli-sources")
    (sources / odd).write_bytes(data)
    out = tmp_path_factory.mktemp("cli-out")
    result = run_cli("build", "--sources", str(sources), "--out", str(out), "--no-align", "--no-reason",
                     "--no-validate", "-q")
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    assert result.returncode in (0, 1, 2), result.stderr
    for line in result.stderr.splitlines():
        located = re.match(r"^(.*?):(\d+): (error|warning): ", line)
        if located:
            assert Path(located.group(1)).name == odd and int(located.group(2)) >= 1, line


@pytest.mark.parametrize("space", [" ", "\u00a0", "\t", "  "])
def test_the_erc_history_link_is_no_part_of_the_comment_whatever_space_precedes_it(space):
    from kgbuild.families.fields import read_tail
    tail = read_tail(f"Completed The report was shared.{space}History", "2019-12", None)
    assert (tail.status_text, tail.comment) == ("Completed", "The report was shared.")
    assert read_tail("Completed HistoryBook club", "2019-12", None).comment == "HistoryBook club"
