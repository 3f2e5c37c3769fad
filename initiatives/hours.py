"""Opening hours: stored in the OpenStreetMap `opening_hours` syntax, read by `opening-hours-py`.

- parse(): the maintained parser (public holidays of France included), errors as
  ValidationError;
- from_french(): what staff type ("lundi-vendredi 9h-12h 14h-18h") to the OSM syntax;
- week_table() and status(): a readable week and "Ouvert maintenant" / "Fermé — ouvre lundi
  à 9 h", in the site's time zone.
"""

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from opening_hours import OpeningHours, State

DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
DAY_NAMES = (
    gettext_lazy("lundi"),
    gettext_lazy("mardi"),
    gettext_lazy("mercredi"),
    gettext_lazy("jeudi"),
    gettext_lazy("vendredi"),
    gettext_lazy("samedi"),
    gettext_lazy("dimanche"),
)
EXAMPLE = "Mo-Fr 09:00-12:00,14:00-18:00; PH off"


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def parse(value: str) -> OpeningHours:
    """The parsed expression, or a ValidationError that says what is expected."""
    try:
        return OpeningHours(value, timezone=_zone(), country="FR")
    except Exception as exc:  # the parser raises its own ParserError / SyntaxError
        raise ValidationError(
            gettext_lazy(
                "Horaires au format OpenStreetMap attendus (ex. « %(example)s »), "
                "ou en français (ex. « lundi-vendredi 9h-12h 14h-18h »)."
            ),
            code="opening_hours",
            params={"example": EXAMPLE},
        ) from exc


def is_valid(value: str) -> bool:
    try:
        parse(value)
    except ValidationError:
        return False
    return True


# --- French input ---------------------------------------------------------------------------

_FRENCH_DAYS = {
    "lundi": "Mo", "lun": "Mo", "mardi": "Tu", "mar": "Tu", "mercredi": "We", "mer": "We",
    "jeudi": "Th", "jeu": "Th", "vendredi": "Fr", "ven": "Fr", "samedi": "Sa", "sam": "Sa",
    "dimanche": "Su", "dim": "Su",
}  # fmt: skip
_DAY = (
    r"(?<![a-zé])(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche"
    r"|lun|mar|mer|jeu|ven|sam|dim)s?\.?(?![a-zé])"
)
_TIME = r"(\d{1,2})\s*(?:h|:)(\d{2})?"
_RANGE = re.compile(_TIME + r"\s*(?:-|–|à|a)\s*" + _TIME)
_DAY_RANGE = re.compile(rf"(?:du\s+)?({_DAY})\s*(?:-|–|au|à)\s*({_DAY})")
_HOLIDAYS = re.compile(r"(?:jours?\s+f[ée]ri[ée]s?|f[ée]ri[ée]s?)")
_CLOSED = re.compile(r"ferm[ée]e?s?")


def _day_code(word: str) -> str:
    return _FRENCH_DAYS[word.rstrip(".").rstrip("s") if word not in _FRENCH_DAYS else word]


def _french_rule(rule: str) -> str:
    text = rule.strip().lower()
    days = []
    for start, end in _DAY_RANGE.findall(text):
        days.append(f"{_day_code(start)}-{_day_code(end)}")
    rest = _DAY_RANGE.sub(" ", text)
    if _HOLIDAYS.search(rest):
        days.append("PH")
        rest = _HOLIDAYS.sub(" ", rest)
    times = [
        f"{int(h1):02d}:{int(m1 or 0):02d}-{int(h2):02d}:{int(m2 or 0):02d}"
        for h1, m1, h2, m2 in _RANGE.findall(rest)
    ]
    rest = _RANGE.sub(" ", rest)
    days += [_day_code(w) for w in re.findall(_DAY, rest)]
    closed = bool(_CLOSED.search(rest))
    if not days and not times:
        raise ValueError(rule)
    selector = ",".join(days)
    value = "off" if closed or not times else ",".join(times)
    return f"{selector} {value}".strip()


def from_french(text: str) -> str:
    """'lundi-vendredi 9h-12h 14h-18h ; samedi 9h30-12h ; fermé les jours fériés' ->
    'Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:30-12:00; PH off'. ValidationError if unreadable."""
    rules = []
    for part in re.split(r"[;\n]", text):
        # "lundi 9h-12h, mardi 14h-18h" is two rules; "mar, jeu 14h-18h" is one.
        pending = ""
        for chunk in re.split(r",\s*(?=(?:du\s+)?" + _DAY + r")", part):
            pending = f"{pending}, {chunk}" if pending else chunk
            if re.search(r"\d|ferm", chunk):
                rules.append(pending)
                pending = ""
        if pending.strip():
            rules.append(pending)
    rules = [r for r in rules if r.strip()]
    try:
        value = "; ".join(_french_rule(rule) for rule in rules)
    except (ValueError, KeyError):
        value = ""
    parse(value)  # raises the usual message when the result is not valid
    return value


def to_osm(text: str) -> tuple[str, bool]:
    """(OSM value, converted?): valid OSM is kept as typed, French is converted."""
    text = (text or "").strip()
    if not text or is_valid(text):
        return text, False
    return from_french(text), True


# --- Display --------------------------------------------------------------------------------


def format_time(moment: time) -> str:
    """9 h, 9 h 30 (French); 9:00, 9:30 (English)."""
    if translation.get_language() == "en":
        return f"{moment.hour}:{moment.minute:02d}"
    return f"{moment.hour}\u00a0h" + (f"\u00a0{moment.minute:02d}" if moment.minute else "")


def _span(start: datetime, end: datetime, day_end: datetime) -> str:
    last = "24\u00a0h" if end >= day_end and translation.get_language() != "en" else None
    if end >= day_end and last is None:
        last = "24:00"
    return f"{format_time(start.time())}\u2013{last or format_time(end.time())}"


def week_table(value: str, *, now: datetime | None = None) -> list[dict]:
    """Monday to Sunday of the current week: [{'name', 'spans', 'today'}] in the site's zone."""
    hours = parse(value)
    now = timezone.localtime(now or timezone.now(), _zone())
    monday = datetime.combine(now.date() - timedelta(days=now.weekday()), time(), _zone())
    rows = []
    for index in range(7):
        day_start = monday + timedelta(days=index)
        day_end = day_start + timedelta(days=1)
        spans = [
            _span(max(start, day_start), min(end or day_end, day_end), day_end)
            for start, end, state, _comment in hours.intervals(day_start, day_end)
            if state == State.OPEN
        ]
        rows.append(
            {"name": str(DAY_NAMES[index]), "spans": spans, "today": day_start.date() == now.date()}
        )
    return rows


def status(value: str, *, now: datetime | None = None) -> dict:
    """{'open': bool, 'text': 'Ouvert maintenant, ferme à 12 h' / 'Fermé — ouvre lundi à 9 h'}."""
    hours = parse(value)
    now = timezone.localtime(now or timezone.now(), _zone())
    is_open = hours.is_open(now)
    change = hours.next_change(now)
    if change is not None:
        change = timezone.localtime(change, _zone())
    if is_open:
        if change is None:
            return {"open": True, "text": _("Ouvert maintenant")}
        return {
            "open": True,
            "text": _("Ouvert maintenant, ferme à %(time)s") % {"time": format_time(change)},
        }
    if change is None:
        return {"open": False, "text": _("Fermé")}
    when = _when(change, now)
    return {"open": False, "text": _("Fermé — ouvre %(when)s") % {"when": when}}


def _when(moment: datetime, now: datetime) -> str:
    at = format_time(moment.time())
    days = (moment.date() - now.date()).days
    if days == 0:
        return _("aujourd’hui à %(time)s") % {"time": at}
    if days == 1:
        return _("demain à %(time)s") % {"time": at}
    if days < 7:
        return _("%(day)s à %(time)s") % {"day": DAY_NAMES[moment.weekday()], "time": at}
    return _("le %(date)s à %(time)s") % {"date": moment.strftime("%d/%m"), "time": at}
