"""Network partners: register from actors and facility operators, public view, coverage."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from conftest import SAMPLE, X0, Y0
from shapely.geometry import Point

import quartier
from quartier.indicators.edges import context_mask
from quartier.partners.partners import (
    missing_partners,
    partner_coverage,
    partner_register,
    public_view,
)


@pytest.fixture
def actors() -> pd.DataFrame:
    return pd.DataFrame({
        "actor_id": ["A1", "A2", "A3", "A4"],
        "name": ["Caritas Musterkreis e. V.", "Nachbarschaftshilfe Nord", "Amt für Soziales",
                 "Erika Beispiel"],
        "type": ["Wohlfahrtsverband", "Initiative", "Verwaltung", "Privatperson"],
        "fields": ["counselling", "everyday_help", "counselling;housing", "everyday_help"],
        "quarter_id": ["01", "02", None, "02"],
        "public": [True, False, True, False],
        "ansprechperson": ["Petra Offen", "Hans Geheim", "Rita Amt", "Erika Beispiel"],
        "email": ["p@example.org", "h@example.org", "r@example.org", "e@example.org"],
        "telefon": ["1", "2", "3", "4"],
        "bemerkung": ["intern", "intern", "intern", "intern"],
    })


@pytest.fixture
def quarters() -> gpd.GeoDataFrame:
    from shapely.geometry import box

    return gpd.GeoDataFrame({"quarter_id": ["01", "02"]},
                            geometry=[box(X0, Y0, X0 + 1000, Y0 + 1000),
                                      box(X0 + 1000, Y0, X0 + 2000, Y0 + 1000)],
                            crs="EPSG:25832")


@pytest.fixture
def facilities() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({
        "name": ["Sozialberatung", "Pflegedienst", "Kita Privat", "Tagespflege"],
        "field": ["counselling", "health_care", "social_infrastructure", "health_care"],
        "operator": ["Caritas Musterkreis e.V.", "Caritas Musterkreis e. V.", "privat", None],
    }, geometry=[Point(X0 + 500, Y0 + 500), Point(X0 + 1500, Y0 + 500),
                 Point(X0 + 1500, Y0 + 500), Point(X0 + 500, Y0 + 500)], crs="EPSG:25832")


def test_register_merges_actors_and_operators(actors, facilities, quarters):
    register = partner_register(actors, facilities, quarters).set_index("organisation")
    assert len(register) == 4                    # "privat" and a missing operator are no partner
    caritas = register.loc["Caritas Musterkreis e. V."]
    assert caritas["source"] == "Akteure; Träger" and caritas["facilities"] == 2
    assert caritas["fields"] == "counselling;health_care" and caritas["quarters"] == "01;02"
    assert caritas["contact_person"] == "Petra Offen" and caritas["email"] == "p@example.org"
    amt = register.loc["Amt für Soziales"]
    assert amt["town_wide"] and amt["quarters"] == "" and amt["fields"] == "housing;counselling"
    assert register.loc["Nachbarschaftshilfe Nord", "bemerkung"] == "intern"   # kept internally


def test_public_view_hides_what_is_not_public(actors, facilities, quarters):
    view = public_view(partner_register(actors, facilities, quarters))
    assert "bemerkung" not in view.columns and "public" not in view.columns
    text = view.to_csv()
    for secret in ("Hans Geheim", "h@example.org", "Erika Beispiel", "e@example.org", "intern"):
        assert secret not in text
    assert "Nachbarschaftshilfe Nord" in set(view["organisation"])    # organisation stays
    assert "Petra Offen" in text and "Rita Amt" in text               # public rows keep contacts


def test_coverage_and_missing(actors, facilities, quarters):
    register = partner_register(actors, facilities, quarters)
    coverage = partner_coverage(register, ["01", "02"])
    assert coverage.loc["01", "counselling"] == 1 and coverage.loc["02", "everyday_help"] == 2
    assert coverage.loc["01", "housing"] == 0                     # the town-wide office not counted
    missing = missing_partners(register, ["01", "02"])
    row = missing[(missing["quarter_id"] == "01") & (missing["field"] == "housing")]
    assert row["town_wide"].iloc[0] == "Amt für Soziales"
    assert len(missing) == 12 - int((coverage > 0).to_numpy().sum())


def test_sample_register():
    study = quartier.load_study(SAMPLE / "quartier.toml")
    register = partner_register(study.actors, study.facilities, study.quarters)
    assert set(study.actors["name"]) <= set(register["organisation"])
    # operators of facilities in the quarters; context facilities (e.g. Gemeinde Rebenheim's,
    # outside the study area) serve residents but bring no partner (quartier.indicators.edges)
    own = study.facilities[~context_mask(study.facilities)]
    operators = set(own["operator"].dropna()) - {"privat"}
    assert operators <= set(register["organisation"])
    outside = set(study.facilities["operator"].dropna()) - set(own["operator"].dropna())
    assert outside and not outside & set(register["organisation"])
    assert register["source"].eq("Akteure; Träger").any()
    view = public_view(register)
    private = study.actors[~study.actors["public"]]
    assert not set(private["ansprechperson"]) & set(view["contact_person"])


def test_partners_are_computed_once_per_report_and_read_by_every_reader(sample, tmp_path,
                                                                        monkeypatch):
    """One report run computes the partner register and the concern audit once (no cache:
    build_report passes one PartnerAnalysis to the chapters, the profiles and the tables), and
    the analysis equals what the thin study_register / study_concerns compute directly."""
    import dataclasses

    from quartier.partners import analysis
    from quartier.partners.export import public_tables, study_concerns, study_register
    from quartier.report.build import build_report

    study, results = sample
    partners = analysis.analyse_partners(study, results)
    with pytest.raises(dataclasses.FrozenInstanceError):
        partners.register = None
    pd.testing.assert_frame_equal(partners.register, study_register(study))
    direct = study_concerns(study)
    assert partners.concerns.values == direct.values
    assert partners.concerns.status == direct.status
    with_analysis = public_tables(study, partners=partners)
    for name, table in public_tables(study).items():
        pd.testing.assert_frame_equal(with_analysis[name], table)

    calls = {"register": 0, "concerns": 0}

    def counted(name, function):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return function(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(analysis, "partner_register",
                        counted("register", analysis.partner_register))
    monkeypatch.setattr(analysis, "published_concerns",
                        counted("concerns", analysis.published_concerns))
    build_report(study, results, output=tmp_path, maps=False, interactive=False,
                 parallel=False)
    assert calls == {"register": 1, "concerns": 1}
    assert (tmp_path / "netzwerk_partner.csv").exists() and (tmp_path / "anliegen.csv").exists()
