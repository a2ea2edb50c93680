"""Splitting run-together rows at the responsible party, and resolving parties."""
from __future__ import annotations

import pytest

from kgbuild.parties import parse_party, split_action_and_party
from kgbuild.vocab import scheme


@pytest.mark.parametrize("row, action, party", [
    # the object of a preposition stays with the action
    ("Strengthen partnership jointly with UNESCO Country Office", "Strengthen partnership jointly with UNESCO", "Country Office"),
    ("Engage the new RC to lead on gender in the UNCT MCO Representative", "Engage the new RC to lead on gender in the UNCT", "MCO Representative"),
    ("Chair the HRGTG if requested by UNCT TKM Programme Specialist", "Chair the HRGTG if requested by UNCT", "TKM Programme Specialist"),
    # a qualifier before a complete office name belongs to the action
    ("Contribute to the Concept on Gender and Family Policy Country Office", "Contribute to the Concept on Gender and Family Policy", "Country Office"),
    # lower-case words of the action are not qualifiers
    ("Strive for GTG plans, actions, and advocacy MCO Kazakhstan Representative, MCO and KAZ Programme Specialists",
     "Strive for GTG plans, actions, and advocacy", "MCO Kazakhstan Representative, MCO and KAZ Programme Specialists"),
    ("Share findings to consolidate partnerships UN Women", "Share findings to consolidate partnerships", "UN Women"),
    ("Prepare SN with recommendations factored in MCO Kazakhstan", "Prepare SN with recommendations factored in", "MCO Kazakhstan"),
    ("Work on budgeting Comms/Advocacy Specialist with Project Managers", "Work on budgeting", "Comms/Advocacy Specialist with Project Managers"),
    ("Take stock. UN Women, IOM and ILO", "Take stock.", "UN Women, IOM and ILO"),
    ("Review the plan in 2022", "Review the plan in 2022", None),
])
def test_split(row, action, party):
    assert split_action_and_party(row) == (action, party)


def test_agencies_resolve_to_the_shared_entity_list():
    party = parse_party("UN Women, IOM and ILO")
    agencies = scheme("un-entity")
    assert [u.kind for u in party.units] == ["agency"] * 3
    assert [agencies.pref_label(u.agency) for u in party.units] == ["UN Women", "IOM", "ILO"]


def test_variant_agency_spellings_are_one_entity():
    agencies = scheme("un-entity")
    assert agencies.lookup("UN Habitat") == agencies.lookup("UN-Habitat") is not None


def test_coordinated_heads_are_distributed():
    party = parse_party("Country and Regional Offices")
    assert [(u.label, u.kind) for u in party.units] == [("Country Offices", "office"), ("Regional Offices", "entity-unit")]
    party = parse_party("KAZ and TKM Programme Specialists")
    assert [u.label for u in party.units] == ["KAZ Programme Specialists", "TKM Programme Specialists"]


def test_typo_in_a_head_noun_is_read_and_reported():
    party = parse_party("M&E Assoacite")
    assert party.units[0].label == "M&E Associate" and party.units[0].kind == "post"
    assert party.corrections == (("Assoacite", "Associate"),)


def test_office_and_entity_units():
    kinds = {u.label: u.kind for u in parse_party("MCO Kazakhstan, IEO").units}
    assert kinds == {"MCO Kazakhstan": "office", "IEO": "entity-unit"}
    kinds = {u.label: u.kind for u in parse_party("CO management, HUB project team").units}
    assert kinds == {"CO management": "unit", "HUB project team": "unit"}


def _seed_parties() -> list[str]:
    """Every responsible party of the seed documents' key actions, as the hand-checked
    golden file records them."""
    import csv
    from pathlib import Path
    with (Path(__file__).parent / "golden" / "key-actions.tsv").open(encoding="utf-8") as handle:
        return sorted({row["responsible"] for row in csv.DictReader(handle, delimiter="\t")})


def test_every_seed_party_is_read_whole_and_stays_in_the_un():
    parties = _seed_parties()
    assert len(parties) > 20
    for text in parties:
        party = parse_party(text)
        assert party.lead and party.unread == () and party.problem is None, text
        assert {u.org_kind for u in party.units} <= {"un-entity", "un-office", "un-unit", "un-post", "other"}, text
        # only unknown acronyms ("ARR") are kept unrecognised
        assert all(u.recognised or u.text.isupper() for u in party.units), text


@pytest.mark.parametrize("text, lead, supporting", [
    ("Comms/Advocacy Specialist with Programme Specialists", ["Comms/Advocacy Specialist"], ["Programme Specialists"]),
    ("MCO Kazakhstan Representative, MCO and KAZ Programme Specialists",
     ["MCO Kazakhstan Representative", "MCO", "KAZ Programme Specialists"], []),
    ("UN Women, IOM and ILO", ["UN Women", "IOM", "ILO"], []),
])
def test_seed_parties_lead_and_supporting(text, lead, supporting):
    assert text in _seed_parties()
    party = parse_party(text)
    assert [u.label for u in party.lead] == lead and [u.label for u in party.supporting] == supporting


def test_the_seed_country_office_is_the_documents_own():
    office = parse_party("Country Office").units[0]
    assert (office.kind, office.org_kind, office.generic) == ("office", "un-office", True)
    named = parse_party("MCO Kazakhstan").units[0]
    assert (named.kind, named.generic, named.country) == ("office", False, "KAZ")
