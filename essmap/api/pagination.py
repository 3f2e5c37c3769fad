"""Pagination with one envelope: {"count", "next", "previous", "results"}.

Counts are capped: counting every match of a broad filter at national scale costs more than
the page itself, so `count` is exact up to COUNT_CAP results and `count_is_exact` says so;
beyond, `count` is COUNT_CAP and means "more than" (pages go on past it: `next` is there while
results remain). `?count=exact` asks for the exact total (kept in the shared cache).

Two modes, chosen with `?pagination=page|cursor`:
- page (default): `page` (≥ 1) and `page_size` (1–100). A page past the end is a 404 with
  the JSON error body naming `page`; a malformed page or page size is a 400.
- cursor: opaque `cursor` links ordered by the internal id, stable while the data changes,
  for walking the whole dataset. `count` is the size of the filtered set.
"""

import base64
from typing import NamedTuple

from django.core.exceptions import EmptyResultSet
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator as DjangoPaginator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.response import Response

from essmap.cache import cached

COUNT_CAP = 1000
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MODES = ("page", "cursor")


def _strict_positive_int(request, name: str, default: int, maximum: int | None = None) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise exceptions.ValidationError({name: [_("Entier attendu.")]}) from None
    if value < 1:
        raise exceptions.ValidationError({name: [_("Doit être supérieur ou égal à 1.")]})
    if maximum is not None and value > maximum:
        raise exceptions.ValidationError(
            {name: [_("Doit être inférieur ou égal à %(max)d.") % {"max": maximum}]}
        )
    return value


def _envelope_schema(schema, next_example: str, previous_example: str) -> dict:
    return {
        "type": "object",
        "required": ["count", "count_is_exact", "next", "previous", "results"],
        "properties": {
            "count": {
                "type": "integer",
                "description": (
                    f"Number of results for these filters: exact up to {COUNT_CAP}; beyond, "
                    f"{COUNT_CAP} and `count_is_exact` is false (send `count=exact` for the "
                    "exact total)."
                ),
                "example": 42,
            },
            "count_is_exact": {
                "type": "boolean",
                "description": f"False when there are more than {COUNT_CAP} results.",
                "example": True,
            },
            "next": {
                "type": "string",
                "nullable": True,
                "format": "uri",
                "description": "Address of the next page, `null` on the last page.",
                "example": next_example,
            },
            "previous": {
                "type": "string",
                "nullable": True,
                "format": "uri",
                "description": "Address of the previous page, `null` on the first page.",
                "example": previous_example,
            },
            "results": (
                {**schema, "description": "The results of this page."}
                if isinstance(schema, dict)
                else schema  # drf-spectacular's sentinel when it builds examples
            ),
        },
    }


def wants_exact_count(request) -> bool:
    """`?count=exact`: the exact total instead of the capped count (any other value: 400)."""
    raw = request.query_params.get("count")
    if raw in (None, ""):
        return False
    if raw != "exact":
        raise exceptions.ValidationError({"count": [_("Valeur possible : exact.")]})
    return True


class KnownCount(NamedTuple):
    """Keys already counted up to `cap` (`found` is at most cap + 1)."""

    cap: int
    found: int


def capped_count(queryset, cap: int | None) -> tuple[int, bool]:
    """(count, exact): the exact count up to `cap` (None: no cap), else (cap, False).

    Counts at most cap + 1 keys (`SELECT COUNT(*) FROM (SELECT id … LIMIT cap + 1)`), kept
    in the shared cache under the count query's SQL, so it stays right for any filter. A
    sequence of keys already read (initiatives.near_results) is counted exactly; a queryset
    whose keys were probed up to the cap (initiatives.selectors.initiative_keys) carries its
    capped count as `known_count`.
    """
    if not hasattr(queryset, "query"):  # a sequence that knows its length (NearResults)
        return len(queryset), True
    known = getattr(queryset, "known_count", None)  # counted while reading the keys
    if known is not None and known.cap == cap:
        return (known.found, True) if known.found <= cap else (cap, False)
    counted = queryset.order_by().values("pk")
    if cap is not None:
        counted = counted[: cap + 1]
    try:
        sql, params = counted.query.sql_with_params()
    except EmptyResultSet:
        return 0, True
    found = cached("count", {"sql": sql, "params": repr(params)}, counted.count)
    if cap is not None and found > cap:
        return cap, False
    return found, True


class CachedCountPaginator(DjangoPaginator):
    """Django's paginator for the HTML pages, its exact COUNT(*) kept in the shared cache."""

    @cached_property
    def count(self):
        if getattr(self.object_list, "query", None) is None:  # a list, not a queryset
            return super().count
        return capped_count(self.object_list, None)[0]


class _Page:
    """One page of results: what DRF's page-number links need, without a total count."""

    def __init__(self, number: int, has_next: bool):
        self.number, self._has_next = number, has_next

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self.number > 1

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


class EnvelopePagination(PageNumberPagination):
    page_size = DEFAULT_PAGE_SIZE
    max_page_size = MAX_PAGE_SIZE
    page_size_query_param = "page_size"

    def get_page_size(self, request):
        return _strict_positive_int(
            request, self.page_size_query_param, self.page_size, self.max_page_size
        )

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        size = self.get_page_size(request)
        number = _strict_positive_int(request, self.page_query_param, 1)
        cap = None if wants_exact_count(request) else COUNT_CAP
        self.count, self.count_is_exact = capped_count(queryset, cap)
        bottom = (number - 1) * size
        if self.count_is_exact:
            last = max(1, -(-self.count // size))
            if number > last:
                raise self._no_such_page(number, last)
            rows = list(queryset[bottom : bottom + size])
            has_next = number < last
        else:  # past the cap: one more row tells whether a next page exists
            rows = list(queryset[bottom : bottom + size + 1])
            if not rows and number > 1:
                raise self._no_such_page(number, None)
            has_next = len(rows) > size
            rows = rows[:size]
        self.page = _Page(number, has_next)
        return rows

    @staticmethod
    def _no_such_page(number: int, last: int | None) -> exceptions.NotFound:
        if last is None:
            message = _("La page %(page)d n'existe pas.") % {"page": number}
        else:
            message = _("La page %(page)d n'existe pas (dernière page : %(last)d).") % {
                "page": number,
                "last": last,
            }
        return exceptions.NotFound({"page": [message]})

    def get_paginated_response(self, data):
        return Response(envelope(self, data))

    def get_paginated_response_schema(self, schema):
        return _envelope_schema(
            schema,
            "http://127.0.0.1:8000/api/v1/initiatives/?page=3",
            "http://127.0.0.1:8000/api/v1/initiatives/?page=1",
        )

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "pagination",
                "required": False,
                "in": "query",
                "description": (
                    "`page` (default): numbered pages with `page` and `page_size`. "
                    "`cursor`: opaque `next` links ordered by internal identifier, stable "
                    "through a complete walk of the data set."
                ),
                "schema": {"type": "string", "enum": list(MODES)},
            },
            {
                "name": "page",
                "required": False,
                "in": "query",
                "description": (
                    "Page number (from 1). A page beyond the last one answers 404 with "
                    "`errors.page`."
                ),
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": "page_size",
                "required": False,
                "in": "query",
                "description": f"Results per page, 1 to {MAX_PAGE_SIZE} "
                f"({DEFAULT_PAGE_SIZE} by default).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            },
            {
                "name": "cursor",
                "required": False,
                "in": "query",
                "description": (
                    "Opaque cursor (`pagination=cursor` mode): follow the previous answer's "
                    "`next` link as it is."
                ),
                "schema": {"type": "string"},
            },
        ]


class EnvelopeCursorPagination(CursorPagination):
    page_size = DEFAULT_PAGE_SIZE
    max_page_size = MAX_PAGE_SIZE
    page_size_query_param = "page_size"
    ordering = ("pk",)

    def get_page_size(self, request):
        return _strict_positive_int(
            request, self.page_size_query_param, self.page_size, self.max_page_size
        )

    def decode_cursor(self, request):
        raw = request.query_params.get(self.cursor_query_param) or ""
        try:
            base64.b64decode(raw.encode("ascii"), validate=True)  # DRF skips stray characters
            cursor = super().decode_cursor(request)
        except (exceptions.NotFound, ValueError):  # binascii.Error is a ValueError
            raise exceptions.ValidationError({"cursor": [_("Curseur invalide.")]}) from None
        if cursor is not None and cursor.position is not None:
            cursor = cursor._replace(position=self._position(cursor.position))
        return cursor

    def _position(self, raw: str) -> str:
        """The cursor's position, checked against the ordering field (a hand-made one: 400)."""
        field = self._model._meta.pk
        invalid = exceptions.ValidationError({"cursor": [_("Curseur invalide.")]})
        try:
            value = field.to_python(raw)
            field.run_validators(value)  # e.g. a SIREN or INSEE code's format
        except DjangoValidationError:
            raise invalid from None
        if isinstance(value, int) and not -(2**63) < value < 2**63:
            raise invalid
        if isinstance(value, str) and ("\x00" in value or len(value) > 255):
            raise invalid
        return str(value)

    def paginate_queryset(self, queryset, request, view=None):
        self._model = queryset.model
        cap = None if wants_exact_count(request) else COUNT_CAP
        self.count, self.count_is_exact = capped_count(queryset, cap)
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        return Response(envelope(self, data))


def envelope(paginator, data) -> dict:
    """The one list envelope of the API (both pagination modes)."""
    return {
        "count": paginator.count,
        "count_is_exact": paginator.count_is_exact,
        "next": paginator.get_next_link(),
        "previous": paginator.get_previous_link(),
        "results": data,
    }


class SwitchablePaginationMixin:
    """A view mixin: `?pagination=cursor` swaps in the cursor paginator."""

    pagination_class = EnvelopePagination
    cursor_pagination_class = EnvelopeCursorPagination

    @property
    def paginator(self):
        if not hasattr(self, "_paginator"):
            params = getattr(getattr(self, "request", None), "query_params", {})
            mode = params.get("pagination") or "page"
            if mode not in MODES:
                raise exceptions.ValidationError(
                    {"pagination": [_("Valeurs possibles : page, cursor.")]}
                )
            if mode == "cursor":
                if params.get("ordering"):
                    raise exceptions.ValidationError(
                        {"ordering": [_("Le mode curseur parcourt par identifiant : pas de tri.")]}
                    )
                self._paginator = self.cursor_pagination_class()
            else:
                self._paginator = self.pagination_class()
        return self._paginator
