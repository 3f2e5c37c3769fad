"""The public "Proposer une initiative" page: no account, honeypot, rate limit per client.

Only a valid, human submission counts towards the limit: a bot's post (honeypot) and a post
with form errors cost a real visitor nothing. Clients are told apart by essmap.client_ip;
counting is atomic (essmap.ratelimit) and lets submissions through when the cache is down.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from essmap.client_ip import client_ip
from essmap.ratelimit import hit

from . import services
from .forms import SuggestionForm

RATE_LIMIT = settings.PROPOSE_RATE_LIMIT  # submissions per IP...
RATE_WINDOW = settings.PROPOSE_RATE_WINDOW  # ...per hour

FIELDS = ("summary", "description", "address", "website", "email", "phone")


def rate_limited(request) -> bool:
    """Count this submission; True once the client went over the limit in the window.

    Also the limit of "Signaler une erreur" (opendata): one counter for both public forms.
    """
    return not hit("propose", client_ip(request), limit=RATE_LIMIT, window=RATE_WINDOW).allowed


def picker_config() -> dict:
    """Texts of the commune picker (static/initiatives/js/commune_picker.js), as JSON data."""
    return {
        "label": _("Filtrer la liste des communes"),
        "placeholder": _("ex. etoile, 26400"),
        "one": _("1 commune"),
        "many": _("%(n)s communes"),
        "none": _("Aucune commune ne correspond."),
    }


def _page(request, form, status=200, **extra):
    context = {"form": form, "picker_config": picker_config(), **extra}
    return render(request, "initiatives/propose.html", context, status=status)


@require_http_methods(["GET", "POST"])
def propose(request):
    form = SuggestionForm(request.POST or None)
    if request.method == "POST":
        if form.is_bot():
            return redirect("propose_done")  # say nothing to the bot, store nothing, count nothing
        if form.is_valid():
            if rate_limited(request):
                return _page(request, form, status=429, limited=True)
            data = form.cleaned_data
            try:
                services.suggestion_create(
                    name=data["name"],
                    commune=data["commune"],
                    themes=data["themes"],
                    proposer_name=data["proposer_name"],
                    proposer_email=data["proposer_email"],
                    **{name: data[name] for name in FIELDS if data.get(name)},
                )
            except ValidationError as exc:
                by_field = getattr(exc, "message_dict", {"__all__": exc.messages})
                for field, errors in by_field.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                return redirect("propose_done")
    return _page(request, form)


def propose_done(request):
    return render(request, "initiatives/propose_done.html")
