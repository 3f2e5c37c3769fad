"""GET /api/v1/map/: what lies in the map's view, as markers or server-side clusters."""

from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from essmap.api.views import ApiViewMixin

from ..filters import BBoxField, InitiativeFilterSet
from ..map import MAX_FEATURES, MAX_ZOOM, MIN_ZOOM, MapView, map_features
from ..selectors import initiative_filter
from .openapi import FILTER_PARAMETERS as LIST_FILTER_PARAMETERS


class MapViewForm(forms.Form):
    bbox = BBoxField(required=True)
    zoom = forms.IntegerField(min_value=MIN_ZOOM, max_value=MAX_ZOOM)


# The same English descriptions as the list endpoint (the filters' labels are French UI text).
LIST_DESCRIPTIONS = {p.name: p.description for p in LIST_FILTER_PARAMETERS}
FILTER_PARAMETERS = [
    OpenApiParameter(
        name,
        OpenApiTypes.STR,
        description=LIST_DESCRIPTIONS.get(name) or str(f.label or name),
        many=name in ("theme", "legal_form"),
    )
    for name, f in InitiativeFilterSet.base_filters.items()
    if name not in ("bbox", "ordering")
]


class MapSchema(api_settings.DEFAULT_SCHEMA_CLASS):
    """One FeatureCollection, not a paginated list (drf-spectacular guesses lists on GET)."""

    def _is_list_view(self, serializer=None) -> bool:
        return False


class MapFeaturesView(ApiViewMixin, APIView):
    """Markers (few points) or clusters (many points) inside a bounding box.

    Under the API's mixin like every other view: checked parameters, the JSON error body,
    ETag with 304s, Cache-Control. No Last-Modified: it would cost a query on every request,
    and the cached-cluster path answers with the count probe alone.
    """

    schema = MapSchema()

    permission_classes = [AllowAny]
    pagination_class = None  # a FeatureCollection, never paginated
    # Markers are public: no session needed, and no CSRF on a read-only endpoint.
    authentication_classes: list = []

    @extend_schema(
        operation_id="map_features",
        summary="Map markers or clusters",
        description=(
            "What the `bbox` box holds at zoom level `zoom`, with the same filters as the "
            "list of initiatives. Returns a GeoJSON FeatureCollection: markers "
            "(`kind: marker`) when the points are few, else clusters computed in SQL on a grid "
            "(`kind: cluster`, `count`, `bbox`): every cell the box touches is counted whole, "
            "so neighbouring views at the same zoom get the same clusters. "
            "Initiatives without a point come as the territories they serve (`kind: area`, "
            "at the interco's centre, with `count`): each initiative is either a marker (or in "
            "a cluster) or in territories, never both. "
            f"Never more than {MAX_FEATURES} features. "
            "Near a place (`near`, or `lat` and `lon`), the features are those of the list, "
            "each initiative once: a marker when its point is within the radius, else the one "
            "territory it is listed for (`kind: area`, with `reason`: `home` for the place's "
            "interco, `reach` for an interco reaching into the circle, and `initiatives`: up "
            "to 20 names and pages); points outside the radius are not sent."
        ),
        parameters=[
            OpenApiParameter(
                "bbox",
                OpenApiTypes.STR,
                required=True,
                description="west,south,east,north (WGS 84 degrees), e.g. 4.6,44.5,5.4,45.0",
            ),
            OpenApiParameter(
                "zoom",
                OpenApiTypes.INT,
                required=True,
                description=f"Zoom level of the map ({MIN_ZOOM} to {MAX_ZOOM}).",
            ),
            *FILTER_PARAMETERS,
        ],
        responses={(200, "application/json"): OpenApiTypes.OBJECT},
        examples=[
            OpenApiExample(
                "Marqueurs",
                value={
                    "type": "FeatureCollection",
                    "mode": "markers",
                    "zoom": 12,
                    "features": [
                        {
                            "type": "Feature",
                            "geometry": {"type": "Point", "coordinates": [5.0228, 44.7286]},
                            "properties": {
                                "kind": "marker",
                                "name": "Énergie Solidaire",
                                "commune": "Crest",
                                "url": "/initiatives/energie-solidaire/",
                            },
                        }
                    ],
                },
                response_only=True,
            ),
        ],
        tags=["carte"],
    )
    def get(self, request):
        view_form = MapViewForm(request.query_params)
        # The view's box is applied by map_features (snapped to the grid for clusters), not
        # as a filter; the form above checks it.
        data = request.query_params.copy()
        data.pop("bbox", None)
        filterset = initiative_filter(data=data, request=request)
        errors = {}
        if not view_form.is_valid():
            errors.update(view_form.errors)
        if not filterset.is_valid():
            errors.update(filterset.form.errors)
        if errors:
            raise exceptions.ValidationError(
                {name: [str(m) for m in messages] for name, messages in errors.items()}
            )
        view = MapView(box=view_form.cleaned_data["bbox"], zoom=view_form.cleaned_data["zoom"])
        # The filter parameters (only those) key the cached clusters: they determine the set.
        filters = {
            name: values
            for name, values in request.query_params.lists()
            if name in InitiativeFilterSet.base_filters and name not in ("bbox", "ordering")
        }
        return Response(map_features(filterset.qs, view, filters=filters, place=filterset.place))
