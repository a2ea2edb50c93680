"""Responsible parties as real rows write them beyond the seed documents: constructed
variants of each form (bracketed acronyms, lead and supporting parties, acronyms and office
codes, slash-joined parties, people and job titles, organizations outside the UN, text that
names no party), split from a row and read into kinds."""
from __future__ import annotations

import pytest

from kgbuild.parties import parse_party, split_action_and_party
from kgbuild.vocab import scheme

ACTION = "Adopt the national action plan on gender equality"


def readings(party: str) -> list[tuple[str, str, str]]:
    return [(u.label, u.org_kind, u.role) for u in parse_party(party).units]


@pytest.mark.parametrize("party", [
    "Ministry of Labour and Social Protection of Population (MLSPP)",
    "Agency for Strategic Planning and Reforms (ASPR)",
    "Ministry of Foreign Affairs (MoFA)",
    "Country Office with support from UNDP",
    "Country Office in collaboration with UNDP",
    "UN Women together with IOM",
    "Country Office, supported by Regional Office",
    "Led by UNDP, with support from UNICEF and UNFPA",
    "UNDP", "MoFA", "CO", "RO", "MCO", "HQ", "KAZ CO", "ECA RO", "UNW-KAZ",
    "UNDP/UNICEF", "Programme Specialist/ Operations Manager",
    "Ms. A. Petrova, Programme Officer", "Country Representative",
    "Regional Office", "Sub-regional Office", "Multi-Country Office",
    "State Committee on Statistics", "Government of Kazakhstan", "European Union",
    "Country Office and Ministry of Health",
])
def test_a_row_is_split_before_the_whole_party(party):
    assert split_action_and_party(f"{ACTION} {party}") == (ACTION, party)


@pytest.mark.parametrize("row, action, party", [
    # the object of a phrase that takes one stays with the action
    ("Hold consultations with Ministry of Health Country Office", "Hold consultations with Ministry of Health", "Country Office"),
    ("Draft the law together with Parliament Country Office", "Draft the law together with Parliament", "Country Office"),
    ("Provide training with support from UNDP Country Office", "Provide training with support from UNDP", "Country Office"),
    # an acronym in brackets that ends the action is not a party
    ("Prepare the Common Country Analysis (CCA) Country Office", "Prepare the Common Country Analysis (CCA)", "Country Office"),
    # a named organization is a whole unit: a word before its name is the action's
    ("Support the ODA Agency Country Office", "Support the ODA Agency", "Country Office"),
])
def test_words_before_the_party_stay_with_the_action(row, action, party):
    assert split_action_and_party(row) == (action, party)


def test_a_name_before_its_bracketed_acronym_is_one_party():
    party = parse_party("Ministry of Labour and Social Protection of Population (MLSPP)")
    [unit] = party.units
    assert (unit.label, unit.acronym, unit.kind, unit.org_kind) == (
        "Ministry of Labour and Social Protection of Population", "MLSPP", "organization", "government")
    # the name is read from the acronym's initials when its head word is not listed
    assert readings("Agency for Strategic Planning and Reforms (ASPR)") == [
        ("Agency for Strategic Planning and Reforms", "government", "lead")]
    assert readings("Women's Resource Hub (WRH)") == [("Women's Resource Hub", "other", "lead")]
    # a UN entity or a UN office spelt out keeps its UN reading
    undp = parse_party("United Nations Development Programme (UNDP)").units[0]
    assert undp.agency == scheme("un-entity").lookup("UNDP") and undp.acronym == "UNDP"
    assert readings("Independent Evaluation Office (IEO)") == [("Independent Evaluation Office", "un-unit", "lead")]
    office = parse_party("Country Office (CO)").units[0]
    assert (office.org_kind, office.generic, office.acronym) == ("un-office", True, "CO")


@pytest.mark.parametrize("party, lead, supporting", [
    ("Country Office with support from UNDP", ["Country Office"], ["UNDP"]),
    ("UNDP in collaboration with UNICEF", ["UNDP"], ["UNICEF"]),
    ("UN Women together with IOM", ["UN Women"], ["IOM"]),
    ("Country Office, supported by Regional Office", ["Country Office"], ["Regional Office"]),
    ("Led by UNDP, with support from UNICEF and UNFPA", ["UNDP"], ["UNICEF", "UNFPA"]),
    ("Programme Specialist with the support of Operations team", ["Programme Specialist"], ["Operations team"]),
    ("UNDP and UNICEF in partnership with Ministry of Health", ["UNDP", "UNICEF"], ["Ministry of Health"]),
    ("UNDP/UNICEF", ["UNDP", "UNICEF"], []),
    ("Programme Specialist/ Operations Manager", ["Programme Specialist", "Operations Manager"], []),
])
def test_lead_and_supporting_parties(party, lead, supporting):
    read = parse_party(party)
    assert [u.label for u in read.lead] == lead
    assert [u.label for u in read.supporting] == supporting
    assert [u.label for u in read.units] == [u.label for u in sorted(
        read.lead + read.supporting, key=lambda u: read.units.index(u))]


@pytest.mark.parametrize("party, kind, org_kind, generic, country", [
    ("UNDP", "agency", "un-entity", False, None),
    ("CO", "office", "un-office", True, None),
    ("MCO", "office", "un-office", True, None),
    ("Country Office", "office", "un-office", True, None),
    ("KAZ CO", "office", "un-office", False, "KAZ"),
    ("MCO Kazakhstan", "office", "un-office", False, "KAZ"),
    ("UNW-KAZ", "office", "un-office", False, "KAZ"),
    ("RO", "entity-unit", "un-office", False, None),
    ("ECA RO", "entity-unit", "un-office", False, None),
    ("HQ", "entity-unit", "un-office", False, None),
    ("Regional Office", "entity-unit", "un-office", False, None),
    ("Programme Specialist", "post", "un-post", False, None),
    ("Country Representative", "post", "un-post", False, None),
    ("Operations team", "unit", "un-unit", False, None),
    ("MoFA", "organization", "government", False, None),
    ("Ministry of Health", "organization", "government", False, None),
    ("National Commission for Women Affairs and Family-Demographic Policy", "organization", "government", False, None),
    ("State Committee on Statistics", "organization", "government", False, None),
    ("Akimat of Almaty region", "organization", "government", False, None),
    ("Association of Business Women of Kazakhstan", "organization", "civil-society", False, None),
    ("NGOs", "organization", "civil-society", False, None),
    ("European Union", "organization", "donor", False, None),
    ("Embassy of Japan", "organization", "donor", False, None),
])
def test_each_unit_has_an_organization_kind(party, kind, org_kind, generic, country):
    [unit] = parse_party(party).units
    assert (unit.label, unit.kind, unit.org_kind, unit.generic, unit.country) == (party, kind, org_kind, generic, country)


def test_an_office_code_names_its_agency():
    unit = parse_party("UNW-KAZ").units[0]
    assert unit.agency == scheme("un-entity").lookup("UN Women") and unit.place == "KAZ"


@pytest.mark.parametrize("party, units", [
    ("Ministry of Health and UNICEF", [("Ministry of Health", "government"), ("UNICEF", "un-entity")]),
    ("Ministry of Education and Science", [("Ministry of Education and Science", "government")]),
    ("Ministry of Finance, Ministry of National Economy", [("Ministry of Finance", "government"),
                                                         ("Ministry of National Economy", "government")]),
    ("Country Office and local akimats", [("Country Office", "un-office"), ("local akimats", "government")]),
    ("UNDP, UNICEF and Government of Kazakhstan", [("UNDP", "un-entity"), ("UNICEF", "un-entity"),
                                                    ("Government of Kazakhstan", "government")]),
])
def test_organizations_outside_the_un_are_not_units_of_an_agency(party, units):
    assert [(u.label, u.org_kind) for u in parse_party(party).units] == units


@pytest.mark.parametrize("party", [
    "Ms. A. Petrova, Programme Officer", "Programme Officer Ms. A. Petrova", "Dr. Ivanov, Programme Officer",
    "A. Petrova, Programme Officer",
])
def test_a_person_with_a_post_is_read_as_the_post(party):
    read = parse_party(party)
    assert [(u.label, u.kind, u.org_kind) for u in read.units] == [("Programme Officer", "post", "un-post")]
    assert read.unread == () and read.problem is None


@pytest.mark.parametrize("party, unread", [
    ("Ms. A. Petrova", "Ms. A. Petrova"),
    ("national partners", "national partners"),
    ("Local executive bodies", "Local executive bodies"),
    ("Gender", "Gender"),
])
def test_text_that_names_no_unit_is_reported(party, unread):
    read = parse_party(party)
    assert read.units == ()
    assert [u.text for u in read.unread] == [unread]
    assert read.problem and unread in read.problem


def test_a_person_without_a_post_is_reported_as_a_person():
    assert "person" in parse_party("Ms. A. Petrova").problem


def test_unread_parts_beside_read_units_are_reported():
    read = parse_party("Country Office and national partners")
    assert [u.label for u in read.units] == ["Country Office"]
    assert [u.text for u in read.unread] == ["national partners"] and read.problem is None


def test_an_unknown_acronym_is_kept_as_an_unrecognised_unit():
    [unit] = parse_party("XYZ").units
    assert (unit.kind, unit.org_kind, unit.recognised) == ("unit", "other", False)
