"""Template helpers for the public pages: staleness, JSON-LD, bar charts, figures, typography."""

import json

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from essmap import typography
from essmap.cache import cached
from initiatives.managers import stale_cutoff

register = template.Library()

# The escapes of django.utils.html.json_script: the JSON can never close the <script> element.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def is_stale(initiative) -> bool:
    """Never verified, or verified more than a year ago."""
    verified = getattr(initiative, "verified_at", None)
    return verified is None or verified < stale_cutoff()


@register.filter
def jsonld(data) -> str:
    """A schema.org JSON-LD data block, escaped like json_script (a data block, not a script)."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308


@register.simple_tag
def figure_value(figure) -> str:
    """'plus de 1 200 emplois', 'environ 11 %', '+6 %' — the figure as the article states it."""
    return typography.format_quantity(
        figure.value,
        figure.display_unit,
        qualifier=str(figure.get_qualifier_display()) if figure.qualifier else "",
        sign=figure.is_change,
    )


@register.filter
def number(value, arg: str = "") -> str:
    """{{ n|number }} -> '45 233' (fr) / '45,233' (en); {{ n|number:"sign" }} -> '+6'."""
    return typography.format_number(value, sign=arg == "sign")


def _shows_french(english) -> bool:
    """Whether a record's text shown now is its French original: a French page, or an
    English page and no English version (see initiatives.models.in_language)."""
    return not (english and typography.page_language() == "en")


@register.filter(is_safe=True)
def typo(value, english=None) -> str:
    """Typography for rendered data, in the text's own language.

    {{ initiative.summary|typo }}: a record's text with no English version is French on every
    page. {{ f.display_label|typo:f.label_en }}: the argument is the English version; when
    the English page shows it, English typography (no space before ':', '?').
    """
    if value in (None, ""):
        return value
    if isinstance(value, SafeData):
        return value
    return typography.typeset(str(value), "fr" if _shows_french(english) else "en")


@register.simple_tag
def lang_fr(*english) -> str:
    """' lang="fr"' on an element that shows a record's French text on a page in English.

    <p{% lang_fr %}>{{ initiative.summary|typo }}</p> (no English version exists);
    <li{% lang_fr theme.name_en %}>{{ theme.label }}</li> (only when the English is missing).
    Nothing on French pages, where the text is in the page's language.
    """
    if typography.page_language() == "fr" or not all(_shows_french(e) for e in english or [""]):
        return ""
    return mark_safe(' lang="fr"')


@register.simple_tag
def punct(mark: str) -> str:
    """A punctuation mark after a word, as the page's language prints it.

    {% translate "Erreur" %}{% punct ":" %} -> 'Erreur\u00a0:' (fr) / 'Error:' (en).
    """
    return typography.punctuation(mark)


@register.simple_tag
def fr_text(text) -> str:
    """A record's French text inside a sentence: typeset, and in <span lang="fr"> on English
    pages. {% fr_text s.cited_in.title as cited %}{% blocktranslate with title=cited %}…"""
    text = typography.typeset(str(text or ""))
    lang = lang_fr()
    return format_html("<span{}>{}</span>", lang, text) if lang else conditional_escape(text)


@register.simple_tag
def citation(source) -> str:
    """A source's citation line, its French texts typeset and marked lang="fr" on English
    pages: 'Title, publisher, 2023, cité dans « Article »' (Source.citation, as HTML)."""
    line, short = source.citation_parts
    if not short:
        return fr_text(line)
    cited = str(_("cité dans « %(title)s »") % {"title": "\x00"})
    escaped = conditional_escape(cited).replace("{", "{{").replace("}", "}}")
    return format_html("{}, " + escaped.replace("\x00", "{}"), fr_text(line), fr_text(short))


@register.filter
def money(value) -> str:
    """{{ 410|money }} -> '410 €' (fr) / '€410' (en)."""
    return typography.format_money(value)


@register.inclusion_tag("essmap/_bar_chart.html")
def bar_chart(rows, title: str, chart_id: str = "chart"):
    """A horizontal bar chart: an HTML list (labels wrap, readable on a phone) with one
    server-drawn SVG bar per row; no script, no inline style.

    rows: iterable of (label, value) or (label, value, text); text is the value as printed
    (with its qualifier, sign and unit), else the number formatted by the typography helper.
    Bars are drawn relative to the largest absolute value; negative values get their own class.
    """
    chart_id = str(chart_id)
    if not chart_id[:1].isalpha():
        chart_id = f"chart-{chart_id}"
    rows = [tuple(row) for row in rows]
    top = max((abs(float(row[1] or 0)) for row in rows), default=0) or 1
    bars = []
    for row in rows:
        label, value = str(row[0]), float(row[1] or 0)
        text = row[2] if len(row) > 2 else typography.format_number(round(value, 2))
        bars.append(
            {
                "label": label,
                "text": text,
                "negative": value < 0,
                # An SVG attribute, never localised: '12.5', not '12,5'.
                "percent": f"{max(1.0, 100 * abs(value) / top):.1f}",
            }
        )
    return {
        "bars": bars,
        "title": title,
        "chart_id": chart_id,
        "empty_text": _("Aucune donnée."),
    }


@register.simple_tag
def cached_widget(field) -> str:
    """A form field's widget, rendered once per value, language and data generation.

    The directory's filter form renders hundreds of options (intercos, themes, legal forms)
    through Django's widget templates: most of a page's time at national scale. The same
    field with the same value renders the same HTML until the data changes (every write
    starts a new generation of the shared cache).
    """
    widget = field.field.widget
    if hasattr(field.field, "label_from_instance"):  # choices from records: "Val d’Ay"
        label = field.field.label_from_instance  # the field's own label ("Crest (26400)")
        field.field.label_from_instance = lambda obj: typography.apostrophes(label(obj))
    key = {
        "form": type(field.form).__name__, "name": field.html_name, "id": field.auto_id,
        "value": field.value(), "invalid": bool(field.errors), "lang": get_language(), "typo": 1,
        "attrs": sorted((k, str(v)) for k, v in widget.attrs.items()),
        "type": getattr(widget, "input_type", None), "widget": type(widget).__name__,
    }  # fmt: skip
    return mark_safe(cached("widget", key, lambda: str(field)))  # noqa: S308 (a widget's HTML)


@register.filter(is_safe=True)
def elided(text, name) -> str:
    """French elision before a name in a translated phrase (typography.elide_in):
    {% blocktranslate asvar phrase with place=name %}près de {{ place }}{% endblocktranslate %}
    {{ phrase|elided:name }} -> "près d’Annonay"."""
    if not text or not name:
        return text
    if isinstance(text, SafeData):
        return mark_safe(typography.elide_in(str(text), str(conditional_escape(name))))  # noqa: S308 (only ’ and letters added)
    return typography.elide_in(str(text), str(name))
