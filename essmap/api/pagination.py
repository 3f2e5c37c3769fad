"""Pagination with one envelope: {"count", "next", "previous", "results"}.

Two modes, chosen with `?pagination=page|cursor`:
- page (default): `page` (≥ 1) and `page_size` (1–100). A page past the end is a 404 with
  the JSON error body naming `page`; a malformed page or page size is a 400.
- cursor: opaque `cursor` links ordered by the internal id, stable while the data changes,
  for walking the whole dataset. `count` is the size of the filtered set.
"""

import base64

from django.core.exceptions import EmptyResultSet
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import EmptyPage
from django.core.paginator import Paginator as DjangoPaginator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.response import Response

from essmap.cache import cached

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
        "required": ["count", "next", "previous", "results"],
        "properties": {
            "count": {
                "type": "integer",
                "description": "Total number of results for these filters.",
                "example": 42,
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


class CachedCountPaginator(DjangoPaginator):
    """Django's paginator, its COUNT(*) kept in the shared cache (essmap.cache).

    The count of a filtered set is the costly part of a page at national scale (tens to
    hundreds of milliseconds, against a few for the page itself), and the same filters come
    back often. The key is the count query's SQL and parameters, so it stays exact; every
    write invalidates it (the cache's generation).
    """

    @cached_property
    def count(self):
        query = getattr(self.object_list, "query", None)
        if query is None:  # a list, not a queryset
            return super().count
        try:
            sql, params = query.sql_with_params()
        except EmptyResultSet:
            return 0
        return cached(
            "count",
            {"sql": sql, "params": repr(params)},
            lambda: super(CachedCountPaginator, self).count,
        )


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
        paginator = CachedCountPaginator(queryset, size)
        try:
            self.page = paginator.page(number)
        except EmptyPage:
            raise exceptions.NotFound(
                {
                    "page": [
                        _("La page %(page)d n'existe pas (dernière page : %(last)d).")
                        % {"page": number, "last": paginator.num_pages}
                    ]
                }
            ) from None
        return list(self.page)

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.paginator.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

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
        self.count = queryset.count()
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )


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
