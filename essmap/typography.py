"""French (and English) typography in ONE place: numbers, units, signs and punctuation.

Pages (template filters in essmap_tags), charts, e-mails and the French message catalog
(`manage.py typeset_catalog`) all go through these functions; nothing adds a no-break space by
hand.

- Numbers: French `1 200` (narrow no-break space) and `11,5`; English `1,200` and `11.5`;
  `+6` when a sign is asked for (growth); negative numbers take the minus sign U+2212 (`−28`).
- Units: `60 %`, `410 €`, `1 200 foyers` with a no-break space in French; `60%` and `€410`
  in English.
- Punctuation (French text): no-break space before `: ; ! ?`, inside `« »`; curly apostrophes.
  English text gets none of these spaces (`punctuation()` gives the mark for each language).
"""

import re
from decimal import Decimal, InvalidOperation

from django.utils import translation

NBSP = "\u00a0"  # no-break space: before ":" and units, inside « »
NNBSP = "\u202f"  # narrow no-break space: thousands, before ; ! ?
MINUS = "\u2212"  # the minus sign of printed numbers (a hyphen is not a minus)
CURRENCIES = ("€", "M€", "k€")  # written before the number in English: €410, €2M

_GROUPS = {"fr": (NNBSP, ","), "en": (",", ".")}


def _lang(language: str | None) -> str:
    language = language or translation.get_language() or "fr"
    return "en" if language.lower().startswith("en") else "fr"


def page_language() -> str:
    """'fr' or 'en': the language of the page being rendered."""
    return _lang(None)


def format_number(value, *, language: str | None = None, sign: bool = False) -> str:
    """Decimal('1200.00') -> '1 200' (fr) / '1,200' (en); 11.5 -> '11,5' / '11.5'.

    sign=True writes '+' before positive numbers (growth figures); negative numbers always
    take the minus sign U+2212 ('−28'), never a hyphen.
    Trailing zeros of decimals are dropped; values that are not numbers come back as text.
    """
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    group, point = _GROUPS[_lang(language)]
    prefix = MINUS if number < 0 else ("+" if sign and number > 0 else "")
    text = format(abs(number).normalize(), "f")
    whole, _dot, fraction = text.partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    digits = group.join(groups) or "0"
    return f"{prefix}{digits}{point}{fraction}" if fraction else f"{prefix}{digits}"


def with_unit(number: str, unit: str, *, language: str | None = None) -> str:
    """'60' + '%' -> '60 %' (fr, no-break) / '60%' (en); '410' + '€' -> '410 €' / '€410'."""
    if not unit:
        return number
    if _lang(language) == "en":
        if unit == "%":
            return f"{number}%"
        if unit in CURRENCIES:
            sign = number[:1] if number[:1] in ("+", MINUS) else ""
            amount = number[len(sign) :]
            return f"{sign}€{amount}{unit[:-1]}" if unit != "€" else f"{sign}€{amount}"
    return f"{number}{NBSP}{unit}"


def format_money(value, *, language: str | None = None) -> str:
    """Euros: 410 -> '410 €' (fr) / '€410' (en); -1200 -> '−1 200 €' / '−€1,200'."""
    return with_unit(format_number(value, language=language), "€", language=language)


def punctuation(mark: str, *, language: str | None = None) -> str:
    """A colon, semicolon, exclamation or question mark as printed after a word.

    French: no-break space before ':' and narrow no-break space before '; ! ?'; English: the
    mark alone. For templates that join a label and a value ('Erreur : …' / 'Error: …').
    """
    if _lang(language) == "en" or mark not in ":;!?":
        return mark
    return (NBSP if mark == ":" else NNBSP) + mark


def format_quantity(
    value, unit: str = "", *, qualifier: str = "", language: str | None = None, sign: bool = False
) -> str:
    """'plus de 1 200 foyers', 'environ 11 %', '+6 %': qualifier, signed number, unit."""
    text = with_unit(format_number(value, language=language, sign=sign), unit, language=language)
    return f"{qualifier}{NBSP}{text}" if qualifier else text


# French punctuation. Only spaces that are already there are made no-break before ":" (so URLs
# and times such as 9:00 are left alone); "!" and "?" glued to a word get a narrow space.
_SPACE_BEFORE_COLON = re.compile(r"[ \u00a0\u202f]+:")
_SPACE_BEFORE_TALL = re.compile(r"[ \u00a0\u202f]+([;!?])")
_GLUED_TALL = re.compile(r"(?<=[^\W\d_])([!?])(?=\s|$)")
_OPEN_QUOTE = re.compile(r"«[ \u00a0\u202f]*")
_CLOSE_QUOTE = re.compile(r"[ \u00a0\u202f]*»")
_APOSTROPHE = re.compile(r"(?<=[^\W_])'(?=[^\W_])")
_DIGIT_GROUP = re.compile(r"(?<=\d) (?=\d{3}(?!\d))")
_NUMBER_UNIT = re.compile(r"(?<=\d) (?=(?:%|€|M€|k€|km|ha)(?!\w))")
# A hyphen written as a minus: '-28 %' after a space or an opening bracket, never inside a
# word, a range (2012-2015), a phone number or a URL.
_HYPHEN_MINUS = re.compile(r"(?:^|(?<=[\s(«\u00a0\u202f]))-(?=\d)")
_ENGLISH_SPACE_BEFORE = re.compile(r"[ \u00a0\u202f]+([:;!?])(?=\s|$)")


def apostrophes(text: str) -> str:
    """ "l'ESS" -> "l’ESS" (between letters only: code and quotes are left alone)."""
    return _APOSTROPHE.sub("\u2019", text)


def typeset(text: str, language: str = "fr") -> str:
    """Text as it should be printed (UI strings and rendered data); `language` is the text's
    own language (a record's French text on an English page is still French).

    French: "Source : INSEE ; voir « ici »" -> no-break spaces before ":" and ";" and inside
    « »; "l'ESS" -> "l’ESS"; "1 200 foyers", "60 %", "410 €" -> no-break spaces; "-28 %" ->
    "−28 %". English: curly apostrophes, minus signs, and no space before ": ; ! ?".
    """
    if not text:
        return text
    text = _HYPHEN_MINUS.sub(MINUS, apostrophes(str(text)))
    if _lang(language) == "en":
        return _ENGLISH_SPACE_BEFORE.sub(r"\1", text)
    text = _SPACE_BEFORE_COLON.sub(NBSP + ":", text)
    text = _SPACE_BEFORE_TALL.sub(NNBSP + r"\1", text)
    text = _GLUED_TALL.sub(NNBSP + r"\1", text)
    text = _OPEN_QUOTE.sub("«" + NBSP, text)
    text = _CLOSE_QUOTE.sub(NBSP + "»", text)
    text = _DIGIT_GROUP.sub(NNBSP, text)
    return _NUMBER_UNIT.sub(NBSP, text)


# --- French elision and contraction of generated phrases ("près d’Annonay", "du Teil") -------
# Elision before a vowel (accented or not) and before "y" followed by a consonant ("d’Yssingeaux");
# never before "h" except in the few names below whose "h" is mute (most French place names
# beginning with "h" take an aspirated h: "de Hauterives"). Keep this list small: add a name
# only when a page shows it.
MUTE_H = frozenset({"hérault", "hyères", "honfleur", "hendaye"})
APOSTROPHE = "\u2019"
_VOWELS = frozenset("aeiouàâäéèêëîïôöùûüœæ")
# "de"/"à" before the articles that start a name: "de Le Teil" -> "du Teil".
_CONTRACTIONS = {
    ("de", "le"): "du",
    ("de", "les"): "des",
    ("à", "le"): "au",
    ("à", "les"): "aux",
}
_ELIDABLE = {"de": "d", "le": "l", "la": "l", "que": "qu", "je": "j"}


def _starts_with_vowel_sound(name: str) -> bool:
    lowered = name.lower()
    first = lowered[:1]
    if first in _VOWELS:
        return True
    if first == "y":
        return len(lowered) > 1 and lowered[1] not in _VOWELS
    if first == "h":
        word = re.split(r"[\s\-’']", lowered, maxsplit=1)[0]
        return word in MUTE_H
    return False


def elide(word: str, name: str) -> str:
    """A French preposition or article joined to a name, elided or contracted.

    'de' + 'Annonay' -> 'd’Annonay'; 'de' + 'Valence' -> 'de Valence'; 'la' + 'Ardèche' ->
    'l’Ardèche'; 'de' + 'Le Teil' -> 'du Teil'; 'à' + 'Le Pouzin' -> 'au Pouzin'; 'de' +
    'Les Vans' -> 'des Vans'; 'de' + 'La Voulte-sur-Rhône' -> 'de La Voulte-sur-Rhône';
    'de' + 'Hauterives' -> 'de Hauterives' (aspirated h, see MUTE_H).
    """
    name = (name or "").strip()
    if not name:
        return word
    lower_word = word.lower()
    article, _space, rest = name.partition(" ")
    contracted = _CONTRACTIONS.get((lower_word, article.lower()))
    if contracted and rest:
        contracted = contracted.capitalize() if word[:1].isupper() else contracted
        return f"{contracted} {rest}"
    short = _ELIDABLE.get(lower_word)
    if short and _starts_with_vowel_sound(name):
        short = short.capitalize() if word[:1].isupper() else short
        return f"{short}{APOSTROPHE}{name}"
    return f"{word} {name}"


_PREPOSITIONS = "|".join(f"{w}|{w.capitalize()}" for w in ("de", "à", "le", "la"))


def elide_in(text: str, name: str) -> str:
    """A translated phrase with its French prepositions before `name` elided or contracted:
    ("Près de Annonay (20 km)", "Annonay") -> "Près d’Annonay (20 km)".

    Phrases keep one msgid with the plain name ("Près de %(place)s"), so that their English
    translation is unchanged; this joins the words afterwards (English has none of them).
    """
    if not text or not name:
        return text
    pattern = rf"(?<!\w)({_PREPOSITIONS}) {re.escape(name)}(?!\w)"
    return re.sub(pattern, lambda match: elide(match.group(1), name), text)
