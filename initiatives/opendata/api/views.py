"""data·inclusion export under the API: /api/v1/data-inclusion/{structures,services}/.

Paginated like every list of the API (page or cursor); the whole sets are files on the
"Données ouvertes" page. The OpenAPI schema of a record is the package's own JSON schema
(`Structure` / `Service` v1), converted to OpenAPI 3.0.
"""

from functools import cache

from data_inclusion.schema import v1
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins

from essmap.api.pagination import SwitchablePaginationMixin
from essmap.api.views import ApiViewMixin
from initiatives.selectors import initiatives_last_modified

from .. import datainclusion, selectors
from ..files import Context
from . import descriptions
from .openapi import openapi_schema

TAGS = ["data·inclusion"]
DESCRIPTION = (
    "Published initiatives in the data·inclusion v1 schema (Python package "
    "`data-inclusion-schema`), one page at a time; the full data set is a file on the open "
    "data page (« Données ouvertes », `/donnees/`). Services are the initiatives of kind "
    "« Service »; structures are the initiatives of kind « Structure de l'ESS » and the "
    "services no published structure carries. `zone_eligibilite`: SIREN of the "
    "intercommunalities served (the département's code when all of its intercommunalities "
    "are), absent when the initiative covers none."
)


@cache
def structure_schema() -> dict:
    return openapi_schema(v1.Structure, descriptions.STRUCTURE)


@cache
def service_schema() -> dict:
    return openapi_schema(v1.Service, descriptions.SERVICE)


class _DataInclusionList(
    ApiViewMixin, SwitchablePaginationMixin, mixins.ListModelMixin, generics.GenericAPIView
):
    filter_backends = []

    def get(self, request, *args, **kwargs):
        self.last_modified = initiatives_last_modified()
        page = self.paginate_queryset(self.get_queryset())
        context = Context(request.build_absolute_uri("/"))
        return self.get_paginated_response(list(self.records(page, context)))


class StructureList(_DataInclusionList):
    def get_queryset(self):
        return selectors.structure_queryset()

    def records(self, initiatives, context):
        return datainclusion.structures(initiatives, fields_of=context.fields)

    @extend_schema(
        tags=TAGS,
        summary="Structures in the data·inclusion v1 schema",
        description=DESCRIPTION,
        responses={200: structure_schema()},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ServiceList(_DataInclusionList):
    def get_queryset(self):
        return selectors.service_queryset()

    def records(self, initiatives, context):
        return datainclusion.services(
            initiatives,
            fields_of=context.fields,
            departement_intercos=selectors.departement_intercos(),
        )

    @extend_schema(
        tags=TAGS,
        summary="Services in the data·inclusion v1 schema",
        description=DESCRIPTION,
        responses={200: service_schema()},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
