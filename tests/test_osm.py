import numpy as np
import pandas as pd
import pytest

from quartier.catalogue import default_catalogue
from quartier.osm import classify_osm, parse_tag_rules

# ---------------------------------------------------------------------------- parse_tag_rules

def test_parse_single_and_combined_rules():
    assert parse_tag_rules("amenity=pharmacy") == [{"amenity": "pharmacy"}]
    assert parse_tag_rules("amenity=social_facility&social_facility=food_bank;shop=charity") == [
        {"amenity": "social_facility", "social_facility": "food_bank"},
        {"shop": "charity"},
    ]


def test_parse_tolerates_whitespace_and_empty_alternatives():
    assert parse_tag_rules(" shop = charity & clothes = * ; ;leisure=park; ") == [
        {"shop": "charity", "clothes": "*"},
        {"leisure": "park"},
    ]
    assert parse_tag_rules("") == []
    assert parse_tag_rules("   ") == []


def test_parse_keeps_keys_with_colons_and_values_with_spaces():
    assert parse_tag_rules("amenity=school&school:de=Integrierte Sekundarschule") == [
        {"amenity": "school", "school:de": "Integrierte Sekundarschule"}]


@pytest.mark.parametrize("text", ["amenity", "amenity=", "=pharmacy", "amenity=a&amenity=b",
                                  "amenity=pharmacy&"])
def test_parse_rejects_malformed_rules(text):
    with pytest.raises(ValueError):
        parse_tag_rules(text)


def test_all_default_rules_parse():
    for text in default_catalogue()["osm_tags"]:
        parse_tag_rules(text)  # raises on a malformed rule


# ------------------------------------------------------------------------------- classify_osm

def _tags(rows):
    """A tag table from a list of dicts (missing tags become NaN)."""
    return pd.DataFrame(rows)


HAND_MADE = [
    # tags                                                                   expected category
    ({"amenity": "social_facility", "social_facility": "nursing_home",
      "social_facility:for": "senior;disabled"}, "nursing_home"),
    ({"amenity": "doctors", "healthcare:speciality": "paediatrics"}, "paediatrician"),
    ({"amenity": "doctors"}, "doctor"),
    ({"amenity": "doctors", "healthcare": "doctor", "healthcare:speciality": "general; internal"},
     "gp"),
    ({"amenity": "bench"}, None),
    ({}, None),
    ({"amenity": "social_facility", "social_facility": "day_care",
      "social_facility:for": " disabled ; senior "}, "day_care_elderly"),
    ({"amenity": "social_facility", "social_facility": "day_care",
      "social_facility:for": "disabled"}, None),
    ({"highway": "bus_stop", "public_transport": "platform", "bus": "yes"}, "transit_stop"),
    ({"public_transport": "platform", "railway": "platform", "train": "yes"}, "rail_station"),
    ({"amenity": "school", "school:de": "Grundschule"}, "primary_school"),
    ({"amenity": "school", "isced:level": "2;3"}, "secondary_school"),
    ({"amenity": "school"}, "school"),
    ({"amenity": "community_centre"}, "community_centre"),
    ({"amenity": "community_centre", "religion": "christian"}, "place_of_worship"),
    ({"amenity": "community_centre", "community_centre": "youth_centre"}, "youth_centre"),
    ({"amenity": "social_facility", "social_facility": "outreach"}, "social_counselling"),
    ({"amenity": "social_facility", "social_facility": "outreach",
      "social_facility:for": "migrant"}, "migration_counselling"),
    ({"amenity": "social_facility", "social_facility": "outreach",
      "social_facility:for": "senior"}, "care_counselling"),
    ({"amenity": "social_facility", "social_facility": "food_bank"}, "food_bank"),
    ({"shop": "charity", "clothes": "women;men"}, "clothes_store"),
    ({"shop": "charity"}, "social_department_store"),
    ({"shop": "kiosk"}, None),
    ({"leisure": "playground"}, "playground"),
    ({"shop": "supermarket"}, "supermarket"),
    ({"healthcare": "pharmacy", "amenity": "pharmacy"}, "pharmacy"),
]


def test_classify_hand_made_table():
    tags = _tags([t for t, _ in HAND_MADE])
    result = classify_osm(tags)
    assert result.tolist() == [expected for _, expected in HAND_MADE]
    assert result.dtype == object
    assert result.name == "category"


def test_result_keeps_index_and_uses_none():
    tags = pd.DataFrame({"amenity": ["pharmacy", np.nan, "bench"]}, index=["n1", "w7", "n9"])
    result = classify_osm(tags)
    assert list(result.index) == ["n1", "w7", "n9"]
    assert result["n1"] == "pharmacy"
    assert result["w7"] is None and result["n9"] is None


def test_more_specific_rule_beats_earlier_category():
    # paediatrician comes after gp and before doctor in the catalogue; specificity decides
    tags = pd.DataFrame({"amenity": ["doctors"], "healthcare:speciality": ["paediatrics"]})
    assert classify_osm(tags).iloc[0] == "paediatrician"


def _catalogue(rules):
    return pd.DataFrame({"osm_tags": list(rules.values())}, index=pd.Index(list(rules), name="key"))


def test_ties_go_to_catalogue_order():
    tags = pd.DataFrame({"amenity": ["x"], "shop": ["y"]})
    first = _catalogue({"a": "amenity=x", "b": "shop=y"})
    second = _catalogue({"b": "shop=y", "a": "amenity=x"})
    assert classify_osm(tags, first).iloc[0] == "a"
    assert classify_osm(tags, second).iloc[0] == "b"
    # a rule with more conditions wins whatever the order
    third = _catalogue({"a": "amenity=x", "b": "shop=y&amenity=x"})
    assert classify_osm(tags, third).iloc[0] == "b"


def test_wildcard_needs_a_non_empty_value():
    cat = _catalogue({"with_name": "shop=charity&name=*", "plain": "shop=charity"})
    tags = pd.DataFrame({"shop": ["charity", "charity", "charity"],
                         "name": ["Kleiderstube", "  ", None]})
    assert classify_osm(tags, cat).tolist() == ["with_name", "plain", "plain"]


def test_values_compare_without_case_but_exactly():
    cat = _catalogue({"senior": "social_facility:for=senior"})
    tags = pd.DataFrame({"social_facility:for": ["Senior", "seniors", "senior_citizen;x",
                                                 "x ;senior"]})
    assert classify_osm(tags, cat).tolist() == ["senior", None, None, "senior"]


def test_rule_on_missing_column_never_matches():
    cat = _catalogue({"a": "healthcare=doctor", "b": "amenity=doctors"})
    tags = pd.DataFrame({"amenity": ["doctors", "pharmacy"]})
    assert classify_osm(tags, cat).tolist() == ["b", None]


def test_numeric_tag_columns():
    tags = pd.DataFrame({"amenity": ["school", "school", "school"],
                         "isced:level": [1.0, 2.0, np.nan]})
    assert classify_osm(tags).tolist() == ["primary_school", "secondary_school", "school"]


def test_catalogue_with_key_column_and_empty_rules():
    cat = pd.DataFrame({"key": ["a", "b"], "osm_tags": ["", "leisure=park"]})
    tags = pd.DataFrame({"leisure": ["park"]})
    assert classify_osm(tags, cat).tolist() == ["b"]


def test_empty_table():
    result = classify_osm(pd.DataFrame({"amenity": pd.Series([], dtype=object)}))
    assert result.empty and result.dtype == object


def test_malformed_rule_in_catalogue_raises():
    with pytest.raises(ValueError, match="key=value"):
        classify_osm(pd.DataFrame({"amenity": ["x"]}), _catalogue({"a": "amenity"}))


def test_rejects_non_frames():
    with pytest.raises(TypeError):
        classify_osm(pd.Series(["pharmacy"]))
