"""Public pages: "Données ouvertes", the files, the schema, the catalogue and the alerts."""

import json
from datetime import datetime

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from essmap.client_ip import client_ip
from essmap.ratelimit import hit
from initiatives.models import Initiative
from initiatives.suggest_views import rate_limited as suggestion_rate_limited

from . import alerts, catalogue, corrections, downloads, files
from .feeds import feed_query
from .forms import AlertForm, ReportForm

JSON_PARAMS = {"ensure_ascii": False, "indent": 1}


def _base_url(request) -> str:
    return (settings.SITE_URL or request.build_absolute_uri("/")).rstrip("/")


@require_safe
def page(request):
    manifest = files.read_manifest()
    entries = []
    for data_file in files.FILES:
        entry = (manifest or {}).get("files", {}).get(data_file.name)
        entries.append({"file": data_file, "entry": entry})
    generated = None
    if manifest:
        generated = datetime.fromisoformat(manifest["generated_at"])
    return render(
        request,
        "opendata/page.html",
        {
            "manifest": manifest,
            "generated_at": generated,
            "entries": entries,
            "licence_url": catalogue.LICENCE_URL,
            "licence_name": catalogue.LICENCE_NAME,
        },
    )


@require_safe
def data_file(request, name: str):
    """A whole-set file as written by `export_opendata`, with its SHA-256 as a strong ETag;
    HEAD and conditional GET (downloads.py)."""
    if name not in files.BY_NAME:
        raise Http404
    manifest = files.read_manifest() or {}
    entry = manifest.get("files", {}).get(name)
    path = files.opendata_dir() / name
    if entry is None or not path.exists():
        raise Http404
    return downloads.file_download(
        request, path, sha256=entry["sha256"], media_type=entry["media_type"], filename=name
    )


def _json_bytes(data) -> bytes:
    return json.dumps(data, cls=DjangoJSONEncoder, **JSON_PARAMS).encode()


@require_safe
def table_schema(request):
    body = _json_bytes(catalogue.table_schema())
    return downloads.bytes_download(request, body, content_type="application/json")


@require_safe
def dcat(request):
    manifest = files.read_manifest()
    body = _json_bytes(catalogue.dcat_catalogue(base_url=_base_url(request), manifest=manifest))
    generated = datetime.fromisoformat(manifest["generated_at"]) if manifest else None
    return downloads.bytes_download(
        request, body, content_type="application/ld+json", last_modified=generated
    )


# --- alerts ----------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def alert_subscribe(request):
    if request.method == "GET":
        form = AlertForm(initial={"query": feed_query(request.GET)})
        return _alert_page(request, form, feed_query(request.GET))
    form = AlertForm(request.POST)
    query = request.POST.get("query", "")
    if form.is_bot():
        return redirect("opendata:alert_sent")  # say nothing to the bot, store nothing
    if form.is_valid():
        query = form.cleaned_data["query"]
        if not alerts.search_is_valid(query):
            form.add_error(None, _("Cette recherche n'est pas valide."))
        elif _alert_rate_limited(request):
            return _alert_page(request, form, query, limited=True, status=429)
        else:
            alerts.alert_subscribe(
                email=form.cleaned_data["email"],
                query=query,
                frequency=form.cleaned_data["frequency"],
            )
            return redirect("opendata:alert_sent")
    return _alert_page(request, form, query, status=400)


def _alert_rate_limited(request) -> bool:
    """Alert requests per client (valid, human ones only, as for suggestions)."""
    limit, window = settings.ALERT_RATE_LIMIT, settings.ALERT_RATE_WINDOW
    return not hit("alert", client_ip(request), limit=limit, window=window).allowed


def _alert_page(request, form, query: str, *, limited=False, status=200):
    return render(
        request,
        "opendata/alert_form.html",
        {"form": form, "query": query, "limited": limited},
        status=status,
    )


def alert_sent(request):
    return render(request, "opendata/alert_sent.html")


@require_http_methods(["GET", "POST"])
def alert_confirm(request, token: str):
    """GET shows a button (mail scanners follow links); POST confirms."""
    if not alerts.token_is_valid(token):
        raise Http404
    if request.method == "POST":
        subscription = alerts.alert_confirm(token=token)
        if subscription is None:
            raise Http404
        return render(request, "opendata/alert_confirmed.html", {"subscription": subscription})
    if not alerts.AlertSubscription.objects.filter(token=token).exists():
        raise Http404
    return render(request, "opendata/alert_confirm.html", {"token": token})


@csrf_exempt  # RFC 8058 one-click: the mail client POSTs without a session; the token is the key
@require_http_methods(["GET", "POST"])
def alert_unsubscribe(request, token: str):
    if not alerts.token_is_valid(token):
        raise Http404
    if request.method == "POST":
        alerts.alert_unsubscribe(token=token)
        return render(request, "opendata/alert_unsubscribed.html")
    known = alerts.AlertSubscription.objects.filter(token=token).exists()
    return render(request, "opendata/alert_unsubscribe.html", {"token": token, "known": known})


# --- report an error -------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def report(request, slug: str):
    initiative = Initiative.objects.published().filter(slug=slug).first()
    if initiative is None:
        raise Http404
    form = ReportForm(request.POST or None, initial={"field": request.GET.get("champ")})
    context = {"form": form, "initiative": initiative}
    if request.method == "POST":
        if form.is_bot():
            return redirect("opendata:report_done", slug=slug)  # nothing stored, nothing said
        if form.is_valid():
            if suggestion_rate_limited(request):
                return render(request, "opendata/report.html", {**context, "limited": True},
                              status=429)  # fmt: skip
            corrections.report_create(initiative=initiative, **{
                name: form.cleaned_data[name]
                for name in ("field", "message", "proposed_value", "email")
            })  # fmt: skip
            return redirect("opendata:report_done", slug=slug)
        return render(request, "opendata/report.html", context, status=400)
    return render(request, "opendata/report.html", context)


def report_done(request, slug: str):
    initiative = Initiative.objects.published().filter(slug=slug).first()
    if initiative is None:
        raise Http404
    return render(request, "opendata/report_done.html", {"initiative": initiative})
