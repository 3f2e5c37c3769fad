"""Opening hours: OSM syntax read by opening-hours-py, French input, week table, open now."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from initiatives import hours

PARIS = ZoneInfo("Europe/Paris")
WEEKDAYS = "Mo-Fr 09:00-12:00,14:00-18:00; PH off"


def at(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("typed", "osm"),
    [
        ("lundi-vendredi 9h-12h 14h-18h", "Mo-Fr 09:00-12:00,14:00-18:00"),
        ("du lundi au vendredi de 9h à 12h et de 14h à 18h", "Mo-Fr 09:00-12:00,14:00-18:00"),
        ("lundi 9h-12h", "Mo 09:00-12:00"),
        ("Lundi-Vendredi 9h30-12h ; samedi 9h-12h", "Mo-Fr 09:30-12:00; Sa 09:00-12:00"),
        ("mar, jeu 14h-18h", "Tu,Th 14:00-18:00"),
        ("lundi-vendredi 9h-17h; fermé les jours fériés", "Mo-Fr 09:00-17:00; PH off"),
    ],
)
def test_french_input_is_converted_to_the_osm_syntax(typed, osm):
    assert hours.from_french(typed) == osm
    assert hours.to_osm(typed) == (osm, True)


def test_valid_osm_is_kept_as_typed_and_nonsense_is_refused():
    assert hours.to_osm(WEEKDAYS) == (WEEKDAYS, False)
    assert hours.to_osm("") == ("", False)
    with pytest.raises(ValidationError):
        hours.to_osm("quand ça nous chante")
    with pytest.raises(ValidationError):
        hours.parse("Mo-Fr 25:00-26:61 ;;")


def test_week_table_reads_like_a_week():
    with translation.override("fr"):
        rows = hours.week_table(WEEKDAYS, now=at(2026, 12, 2, 10, 0))
    assert [str(r["name"]) for r in rows][:2] == ["lundi", "mardi"]
    assert rows[0]["spans"] == ["9\u00a0h\u201312\u00a0h", "14\u00a0h\u201318\u00a0h"]
    assert rows[5]["spans"] == [] and rows[6]["spans"] == []
    assert [r["today"] for r in rows] == [False, False, True, False, False, False, False]
    with translation.override("en"):
        rows = hours.week_table("Mo 09:30-24:00", now=at(2026, 12, 2, 10, 0))
    assert str(rows[0]["name"]) == "Monday"
    assert rows[0]["spans"] == ["9:30\u201324:00"]


def test_open_now_and_closing_time():
    with translation.override("fr"):
        state = hours.status(WEEKDAYS, now=at(2026, 12, 2, 10, 0))
    assert state == {"open": True, "text": "Ouvert maintenant, ferme à 12\u00a0h"}


def test_closed_over_the_week_end_opens_on_monday():
    with translation.override("fr"):
        state = hours.status(WEEKDAYS, now=at(2026, 12, 5, 11, 0))  # a Saturday
    assert state == {"open": False, "text": "Fermé — ouvre lundi à 9\u00a0h"}
    with translation.override("en"):
        state = hours.status(WEEKDAYS, now=at(2026, 12, 6, 23, 30))  # Sunday night
    assert state == {"open": False, "text": "Closed — opens tomorrow at 9:00"}


def test_public_holiday_rule_keeps_christmas_closed():
    christmas = at(2026, 12, 25, 10, 0)  # a Friday, public holiday in France
    with translation.override("fr"):
        state = hours.status(WEEKDAYS, now=christmas)
        assert state == {"open": False, "text": "Fermé — ouvre lundi à 9\u00a0h"}
        rows = hours.week_table(WEEKDAYS, now=christmas)
    assert rows[4]["spans"] == [] and rows[3]["spans"]  # Friday closed, Thursday open
    assert hours.status("Mo-Fr 09:00-18:00", now=christmas)["open"] is True


def test_the_site_time_zone_is_used_whatever_the_clock_zone():
    utc_morning = datetime(2026, 12, 2, 8, 30, tzinfo=ZoneInfo("UTC"))  # 9:30 in Paris
    assert hours.status(WEEKDAYS, now=utc_morning)["open"] is True
