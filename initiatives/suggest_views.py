"""The public "Proposer une initiative" page: no account, honeypot, rate limit per IP."""

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from . import services
from .forms import SuggestionForm

RATE_LIMIT = settings.PROPOSE_RATE_LIMIT  # submissions per IP...
RATE_WINDOW = settings.PROPOSE_RATE_WINDOW  # ...per hour

FIELDS = ("summary", "description", "address", "website", "email", "phone")


def client_ip(request) -> str:
    # REMOTE_ADDR only: the proxy in front is expected to set it (X-Forwarded-For is spoofable).
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _rate_limited(request) -> bool:
    """Count this submission; True once the IP went over the limit in the window."""
    key = f"propose:ip:{client_ip(request)}"
    cache.add(key, 0, RATE_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RATE_WINDOW)
        count = 1
    return count > RATE_LIMIT


@require_http_methods(["GET", "POST"])
def propose(request):
    form = SuggestionForm(request.POST or None)
    if request.method == "POST":
        if _rate_limited(request):
            return render(request, "initiatives/propose.html", {"form": form, "limited": True},
                          status=429)  # fmt: skip
        if form.is_bot():
            return redirect("propose_done")  # say nothing to the bot, store nothing
        if form.is_valid():
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
    return render(request, "initiatives/propose.html", {"form": form})


def propose_done(request):
    return render(request, "initiatives/propose_done.html")
