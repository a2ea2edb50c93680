"""Responsible parties in the graph: lead and supporting parties, organizations outside the
UN as organizations (never units of a UN office), another country's office as its own
resource, and text that names no party as a located warning."""
from __future__ import annotations

from rdflib.namespace import ORG, RDF, SKOS

from conftest import SOURCES, mapped
from kgbuild.families import read_document
from kgbuild.namespaces import KGB

SEED = SOURCES / "undp-erc-kazakhstan-international-cooperation-outcome-2018.txt"
ROW = "CO management team 2019/12 Completed"


def _with_party(tmp_path, party: str):
    text = SEED.read_text(encoding="utf-8")
    assert text.count(ROW) == 1
    variant = tmp_path / "erc-variant.txt"
    variant.write_text(text.replace(ROW, f"{party} 2019/12 Completed"), encoding="utf-8")
    doc = read_document(variant)
    action = next(a for r in doc.evaluation.recommendations for m in [r.response] if m
                  for a in m.key_actions if a.responsible == party)
    graph = mapped(doc)
    iri = next(s for s, _, o in graph.triples((None, KGB.responsibleText, None)) if str(o) == party)
    return doc, action, graph, iri


def test_lead_and_supporting_parties(tmp_path):
    _, _, graph, action = _with_party(tmp_path, "Ministry of Finance with support from UNDP")
    parties = set(graph.objects(action, KGB.responsibleParty))
    supporting = set(graph.objects(action, KGB.supportingParty))
    assert len(parties) == 2 and len(supporting) == 1 and supporting < parties
    ministry, = parties - supporting
    assert (ministry, RDF.type, ORG.FormalOrganization) in graph
    assert not set(graph.objects(ministry, ORG.unitOf)) and not set(graph.objects(ministry, ORG.postIn))
    undp, = supporting
    assert "undp" in str(undp).lower()


def test_a_bracketed_acronym_is_the_organization_s_other_name(tmp_path):
    _, _, graph, action = _with_party(tmp_path, "Ministry of Labour and Social Protection of Population (MLSPP)")
    ministry, = graph.objects(action, KGB.responsibleParty)
    assert {str(v) for v in graph.objects(ministry, SKOS.altLabel)} == {"MLSPP"}
    assert {str(v) for v in graph.objects(ministry, SKOS.prefLabel)} == {"Ministry of Labour and Social Protection of Population"}


def test_another_country_s_office_is_not_the_document_s_office(tmp_path):
    doc, _, graph, action = _with_party(tmp_path, "KGZ CO")
    office, = graph.objects(action, KGB.responsibleParty)
    assert str(office).endswith("/kgz-co") and (office, ORG.unitOf, None) in graph
    _, _, own_graph, own = _with_party(tmp_path, "Country Office")
    own_office, = own_graph.objects(own, KGB.responsibleParty)
    assert own_office != office


def test_text_naming_no_party_is_a_located_warning(tmp_path):
    doc, action, graph, iri = _with_party(tmp_path, "Ms. Petrova")
    assert not set(graph.objects(iri, KGB.responsibleParty))
    warnings = [p for p in doc.problems if "responsible party" in p.message and "Petrova" in p.message]
    assert warnings and warnings[0].line == action.span.end
