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
