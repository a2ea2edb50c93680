"""Classification fields of GATE pages list labels separated by commas, and some labels of
the project's own schemes contain a comma. The labels of the field's scheme decide where
a list splits."""
from __future__ import annotations

from conftest import mapped
from pages import gate_page
from rdflib.namespace import SKOS

from kgbuild.families import read_document
from kgbuild.families.text import split_list
from kgbuild.namespaces import KGB, VOCAB
from kgbuild.vocab import concept_in, scheme_of_field

NORMS = "Global norms, policies and standards (SP 2018-2021)"
WPS = "Women, peace and security, humanitarian action and disaster risk reduction (SP 2018-2021)"
PEACE = "Peace and security (SPs before 2018)"

GATE = gate_page("Thematic Area: {areas}", "Organisational Priorities: Partnership, UN Coordination", "Key Actions",
                 "Responsible Deadline Status Comments", "Review the partnership plan UN Women 2021/06 Completed Done.")


def test_a_comma_label_among_plain_labels_stays_one_value(tmp_path):
    path = tmp_path / "gate-areas.txt"
    path.write_text(GATE.format(areas=f"{PEACE}, {NORMS}, Not applicable, {WPS}"), encoding="utf-8")
    doc = read_document(path)
    rec = doc.evaluation.recommendations[0]
    assert rec.thematic_areas == [PEACE, NORMS, WPS]
    assert rec.organizational_priorities == ["Partnership", "UN Coordination"]
    graph = mapped(doc)
    area = lambda key: concept_in("thematic-area", key)
    assert set(graph.objects(None, KGB.thematicArea)) == {
        area("peace-and-security-sps-before-2018"), area("global-norms-policies-and-standards-sp-2018-2021"),
        area("women-peace-and-security-humanitarian-action-and-disaster-risk-reduction-sp-2018-2021")}
    assert list(graph.subjects(SKOS.inScheme, None)) == []     # no concept minted for a fragment
    assert not [p for p in doc.problems if "not in the thematic-area scheme" in p.message]


def test_the_field_name_finds_its_scheme_in_the_vocabulary():
    assert str(scheme_of_field("Thematic Area").iri) == VOCAB + "thematic-area"
    assert str(scheme_of_field("organisational  priorities").iri) == VOCAB + "organizational-priority"
    assert str(scheme_of_field("UNEG Criteria").iri) == VOCAB + "uneg-criterion"
    assert scheme_of_field("Responsible") is None


def test_commas_split_where_no_label_of_the_scheme_spans_them():
    # Not a label of the thematic areas: the comma splits, and unknown pieces stay as written.
    assert split_list("Global norms, policies", "Thematic Area") == ["Global norms", "policies"]
    # A label of another scheme does not hold a list together.
    assert split_list(f"{NORMS}, Advocacy", "Operating Principles") == [
        "Global norms", "policies and standards (SP 2018-2021)", "Advocacy"]
    # Without a field the list splits at every comma outside brackets, as before.
    assert split_list(f"{NORMS}, Advocacy") == ["Global norms", "policies and standards (SP 2018-2021)", "Advocacy"]
    assert split_list("Not applicable", "Thematic Area") == []
