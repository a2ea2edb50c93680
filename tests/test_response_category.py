from __future__ import annotations

import pytest

from kgbuild.response_category import derive, from_field
from kgbuild.vocab import concept_in


@pytest.mark.parametrize("text, key, evidence", [
    ("Accepted. UN Women will act.", "accepted", "Accepted."),
    ("Accepted: MCO will conduct analysis.", "accepted", "Accepted:"),
    ("The CO partially agrees with this recommendation\n\nCO is working.", "partially-accepted",
     "The CO partially agrees with this recommendation"),
    ("1.The CO does not agree with the recommendation. It goes beyond.\n\n2.  The country office accepts the "
     "recommendation. The options are many.", "partially-accepted",
     "The CO does not agree with the recommendation. … The country office accepts the recommendation."),
    ("Not accepted. The office has no mandate.", "rejected", "Not accepted."),
])
def test_derive(text, key, evidence):
    assert derive(text) == (concept_in("response-category", key), evidence)


@pytest.mark.parametrize("text", [None, "", "RUNOs will share this and other lessons learned."])
def test_no_wording_no_category(text):
    assert derive(text) is None


def test_field_values_and_variants():
    assert from_field("Partially Accepted") == concept_in("response-category", "partially-accepted")
    assert from_field("partially-accepted") == concept_in("response-category", "partially-accepted")
    assert from_field("  ") is None
    assert from_field("Maybe") is None


@pytest.mark.parametrize("opening, key", [
    ("The recommendation is accepted.", "accepted"),
    ("The recommendation is acceptable to the Country Office.", "accepted"),
    ("Management fully agrees with the recommendation.", "accepted"),
    ("The MCO agrees.", "accepted"),
    ("UN Women endorses the recommendation.", "accepted"),
    ("The Country Office partially endorses the recommendation.", "partially-accepted"),
    ("The CO partially agrees with the recommendation.", "partially-accepted"),
    ("The recommendation is accepted in part.", "partially-accepted"),
    ("Management does not fully agree with the recommendation.", "partially-accepted"),
    ("The CO does not agree with the recommendation.", "rejected"),
    ("The CO doesn’t agree with the recommendation.", "rejected"),
    ("The recommendation is not accepted.", "rejected"),
    ("Management rejects the recommendation.", "rejected"),
    ("The Country Office cannot accept the recommendation.", "rejected"),
    ("The office is not in a position to accept this recommendation.", "rejected"),
    ("The recommendation is not acceptable.", "rejected"),
])
def test_cue_wording(opening, key):
    """Partial and negated wording contains an accepting word ("agree", "accept") and must
    still win over it; the rest of the response is not read."""
    assert derive(f"{opening} The office accepts to report yearly.") == (concept_in("response-category", key), opening)


@pytest.mark.parametrize("text", [
    "The office took note of the recommendation.",
    "Disagreements between partners delayed the work.",      # a cue inside a longer word
    "Acceptance of the plan is pending.",
])
def test_no_cue_no_category(text):
    assert derive(text) is None


def test_cues_are_read_from_the_vocabulary_file(tmp_path, monkeypatch):
    """A cue added to data/vocab/response-cues.toml is understood with no code change."""
    from kgbuild import project, response_category

    cues = project.current().vocab_dir / response_category.CUES_FILE
    copy = tmp_path / response_category.CUES_FILE
    copy.write_text(cues.read_text().replace('"endorse",', '"endorse", "welcomes",'))
    assert derive("Management welcomes the recommendation.") is None
    monkeypatch.setattr(response_category, "CUES_FILE", str(copy))
    assert derive("Management welcomes the recommendation.") == (
        concept_in("response-category", "accepted"), "Management welcomes the recommendation.")


def test_a_cue_file_naming_no_concept_of_the_scheme_is_a_settings_error(tmp_path, monkeypatch):
    from kgbuild import response_category
    from kgbuild.project import SettingsError

    bad = tmp_path / "cues.toml"
    bad.write_text('[[category]]\nconcept = "welcomed"\ncues = ["welcomes"]\n')
    monkeypatch.setattr(response_category, "CUES_FILE", str(bad))
    with pytest.raises(SettingsError, match="cues.toml.*'welcomed'"):
        derive("Management welcomes the recommendation.")
