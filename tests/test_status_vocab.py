"""Status words of real GATE and ERC pages resolve to the key-action-status scheme
(ontology/vocabularies/key-action-status.ttl); a word the scheme lacks is kept as text
and reported with its file and line. Rows are constructed from the page layouts."""
from __future__ import annotations

from collections import defaultdict

import pytest
from conftest import mapped
from pages import erc_page, gate_page
from rdflib.namespace import SKOS

from kgbuild.families import read_document
from kgbuild.namespaces import KGB
from kgbuild.vocab import concept_in, normalize_label, scheme

GATE = gate_page("Key Actions", "Responsible Deadline Status Comments",
                 "Review the partnership plan UN Women 2021/06 {status} Two meetings held.")
ERC = erc_page("Train staff on M&E", "[Added: 2019/01/09]", "M&E Associate 2019/12 {status} Two meetings held. History")

WORDINGS = [
    ("In process", "initiated"), ("In progress (ongoing)", "initiated"), ("In progress", "initiated"),
    ("Initiated", "initiated"), ("Under implementation", "initiated"), ("Partially completed", "initiated"),
    ("Not started", "not-initiated"), ("not yet started", "not-initiated"),
    ("Overdue", "overdue"), ("Over due", "overdue"),
    ("Taken into account for further implementation", "taken-into-account"),
    ("No longer applicable", "no-longer-applicable"), ("Cancelled", "no-longer-applicable"),
    ("Closed", "completed"), ("Implemented", "completed"), ("Done", "completed"), ("COMPLETED", "completed"),
    ("Pending", "pending"),
]


def read(tmp_path, template: str, status: str):
    path = tmp_path / "variant.txt"
    path.write_text(template.format(status=status), encoding="utf-8")
    doc = read_document(path)
    (action,) = doc.evaluation.recommendations[0].response.key_actions
    return doc, action


@pytest.mark.parametrize("template", [GATE, ERC], ids=["gate", "erc"])
@pytest.mark.parametrize("written, key", WORDINGS)
def test_real_status_wording_resolves_and_the_comment_stays_apart(tmp_path, template, written, key):
    doc, action = read(tmp_path, template, written)
    assert (action.status_text, action.comment) == (written, "Two meetings held.")
    assert not [p for p in doc.problems if p.severity == "error"]
    assert set(mapped(doc).objects(None, KGB.status)) == {concept_in("key-action-status", key)}


@pytest.mark.parametrize("written, closes", [
    ("Done", True), ("Implemented", True), ("No longer applicable", True),
    ("Taken into account for further implementation", True),
    ("Pending", False), ("In process", False), ("Partially completed", False), ("Overdue", False),
])
def test_closing_statuses_are_flagged_in_the_scheme(written, closes):
    """Open-action queries (cq06, cq13) rely on kgb:closesAction to leave closed actions out."""
    statuses = scheme("key-action-status")
    assert statuses.graph.value(statuses.lookup(written), KGB.closesAction).toPython() is closes


def test_every_concept_says_whether_it_closes_an_action_and_what_it_means():
    statuses = scheme("key-action-status")
    for concept in statuses.concepts():
        assert statuses.graph.value(concept, KGB.closesAction) is not None, concept
        assert statuses.graph.value(concept, SKOS.definition) is not None, concept


def test_no_label_names_two_statuses():
    statuses = scheme("key-action-status")
    owners = defaultdict(set)
    for concept in statuses.concepts():
        for prop in (SKOS.prefLabel, SKOS.altLabel):
            for label in statuses.graph.objects(concept, prop):
                owners[normalize_label(str(label))].add(concept)
    assert {label: c for label, c in owners.items() if len(c) > 1} == {}


@pytest.mark.parametrize("template, line", [(GATE, 12), (ERC, 24)], ids=["gate", "erc"])
def test_unknown_status_is_kept_as_text_and_reported_where_it_is(tmp_path, template, line):
    doc, action = read(tmp_path, template, "Postponed")
    assert action.status_text is None
    assert action.unread == "Postponed Two meetings held."
    (found,) = [p for p in doc.problems if "unknown status" in p.message]
    assert (found.path, found.line) == (str(doc.path), line)
    graph = mapped(doc)
    assert set(graph.objects(None, KGB.status)) == set()
    assert {str(o) for o in graph.objects(None, KGB.unreadText)} == {"Postponed Two meetings held."}


@pytest.mark.parametrize("written, key", [
    ("Inprogress", "initiated"), ("OverdueInitiated", "overdue-initiated"),
    ("In progress(ongoing)", "initiated"), ("Not-started", "not-initiated"),
])
def test_a_status_read_without_its_spaces_is_still_linked(tmp_path, written, key):
    """The reader matches labels whatever the separators; the mapped concept must follow."""
    doc, action = read(tmp_path, GATE, written)
    assert action.status_text == written
    assert set(mapped(doc).objects(None, KGB.status)) == {concept_in("key-action-status", key)}
