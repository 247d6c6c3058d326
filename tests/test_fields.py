import pytest

from quartier.fields import FIELDS, LANGUAGES, field_key, field_label, field_labels

GERMAN = ["Wohnen", "Wohnumfeld", "Soziale Infrastruktur", "Beratungsstruktur", "Alltagshilfen",
          "Gesundheit und Pflege"]
ENGLISH = ["Housing", "Residential environment", "Social infrastructure", "Counselling",
           "Everyday help", "Health and care"]


def test_fields_in_report_order():
    assert FIELDS == ("housing", "environment", "social_infrastructure", "counselling",
                      "everyday_help", "health_care")
    assert isinstance(FIELDS, tuple)
    assert LANGUAGES == ("de", "en")


@pytest.mark.parametrize("language, expected", [("de", GERMAN), ("en", ENGLISH)])
def test_field_labels(language, expected):
    labels = field_labels(language)
    assert list(labels) == list(FIELDS)
    assert list(labels.values()) == expected
    assert [field_label(key, language) for key in FIELDS] == expected


def test_german_is_default():
    assert field_label("social_infrastructure") == "Soziale Infrastruktur"
    assert field_labels()["counselling"] == "Beratungsstruktur"


def test_field_labels_returns_a_copy():
    labels = field_labels()
    labels["housing"] = "changed"
    assert field_label("housing") == "Wohnen"


def test_unknown_key_names_allowed_keys():
    with pytest.raises(ValueError, match="allowed: housing, environment, social_infrastructure, "
                                         "counselling, everyday_help, health_care"):
        field_label("wohnen")


def test_unknown_language_names_allowed_languages():
    with pytest.raises(ValueError, match="allowed: de, en"):
        field_label("housing", "fr")
    with pytest.raises(ValueError, match="allowed: de, en"):
        field_labels("fr")


@pytest.mark.parametrize("text, key", [
    ("housing", "housing"),
    (" Wohnumfeld ", "environment"),
    ("beratungsstruktur", "counselling"),
    ("Health and care", "health_care"),
    ("EVERYDAY_HELP", "everyday_help"),
])
def test_field_key_accepts_keys_and_labels(text, key):
    assert field_key(text) == key


def test_field_key_rejects_unknown_text():
    with pytest.raises(ValueError, match="allowed: housing"):
        field_key("Kultur")
