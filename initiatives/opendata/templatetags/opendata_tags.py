"""Links that follow the current directory search: its Atom feed and its e-mail alert."""

from django import template
from django.urls import reverse

from ..feeds import feed_query

register = template.Library()


def _with_query(url: str, data) -> str:
    query = feed_query(data)
    return f"{url}?{query}" if query else url


@register.simple_tag
def search_feed_url(data) -> str:
    return _with_query(reverse("opendata:feed"), data)


@register.simple_tag
def search_alert_url(data) -> str:
    return _with_query(reverse("opendata:alert_subscribe"), data)
