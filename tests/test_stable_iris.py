"""IRIs follow each document's own identity (agency, country, period, title; framework:
countries and period), recommendation, key-action and indicator numbers, and the resource a
span belongs to: renaming a file or editing text above a passage keeps every IRI."""
from __future__ import annotations

from pathlib import Path

from rdflib import URIRef

from conftest import SOURCES
from kgbuild.build import build

DOCUMENTS = ["unwomen-gate-mr-kazakhstan-cpe-2016-2020.txt", "undp-erc-kazakhstan-international-cooperation-outcome-2018.txt",
             "unsdcf-kazakhstan-2021-2025.txt"]


def _iris(sources: Path, out: Path) -> set[str]:
    store = build(sources, out, write=False, align=False, reason=False, validate=False).store
    iris = set(store.graph_names())
    for _, p, o, _ in store.quads():
        if isinstance(o, URIRef):
            iris.add(str(o))
    iris.update(str(s) for s, _, _, _ in store.quads())
    return iris


def _folder(tmp_path: Path, name: str, files: dict[str, bytes]) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for file_name, data in files.items():
        (folder / file_name).write_bytes(data)
    return folder


def test_renaming_the_files_keeps_every_iri(tmp_path):
    originals = {name: (SOURCES / name).read_bytes() for name in DOCUMENTS}
    renamed = {f"copy {i} of ({name[:12]}).txt": data for i, (name, data) in enumerate(originals.items())}
    before = _iris(_folder(tmp_path, "a", originals), tmp_path / "out-a")
    after = _iris(_folder(tmp_path, "b", renamed), tmp_path / "out-b")
    assert len(before) > 1000 and before == after


def test_text_inserted_above_a_passage_keeps_every_iri(tmp_path):
    originals = {name: (SOURCES / name).read_bytes() for name in DOCUMENTS}
    # A blank line and a note after the first line of each document: every line below moves.
    shifted = {}
    for name, data in originals.items():
        first, rest = data.split(b"\n", 1)
        shifted[name] = first + b"\n\nNote added by the site.\n" + rest
    before = _iris(_folder(tmp_path, "a", originals), tmp_path / "out-a")
    after = _iris(_folder(tmp_path, "b", shifted), tmp_path / "out-b")
    assert before == after


def test_two_files_of_one_document_are_not_merged(tmp_path):
    data = (SOURCES / DOCUMENTS[0]).read_bytes()
    # Same document, not the same bytes (a duplicate by content is skipped earlier).
    folder = _folder(tmp_path, "twice", {"a.txt": data, "b.txt": data.replace(b"\n", b"\n\n", 1)})
    result = build(folder, tmp_path / "out", write=False, align=False, reason=False, validate=False)
    errors = [p for p in result.problems if p.severity == "error"]
    assert len(errors) == 1 and errors[0].path.endswith("b.txt") and "a.txt" in errors[0].message
    assert sum(1 for n in result.store.graph_names() if "/graph/source/" in n) == 1
