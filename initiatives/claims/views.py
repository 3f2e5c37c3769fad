"""Pages of the claims app: the claim form, the links, sign-in and the manager's pages.

A manager is signed in by a session flag (their confirmed address) set by a sign-in,
claim or "Toujours exact" link: no account, no password. Every manager page looks the
record up among THEIR records (`selectors.manager_for`): anything else is a 404, whatever
the record is (another one, a draft, an archived one).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from essmap.client_ip import client_ip
from essmap.ratelimit import hit
from initiatives import rules
from initiatives.models import Initiative
from initiatives.opendata.recipients import recipient_key

from . import links, selectors, services
from .forms import ClaimForm, ManagerEditForm, SignInForm

SESSION_KEY = "claims_manager_email"
Purpose = links.Purpose
LINK_ERRORS = {links.TAMPERED: 404, links.EXPIRED: 410, links.USED: 410}


def _limited(request, scope: str, email: str) -> bool:
    """Per client (IPv6 by /64) and per address: a flood on one record locks out no one
    else, since nothing is counted per record."""
    window = settings.CLAIM_RATE_WINDOW
    by_client = hit(scope, client_ip(request), limit=settings.CLAIM_RATE_LIMIT, window=window)
    by_address = hit(f"{scope}-address", recipient_key(email),
                     limit=settings.CLAIM_RATE_LIMIT_PER_ADDRESS, window=window)  # fmt: skip
    return not (by_client.allowed and by_address.allowed)


def _published(slug: str) -> Initiative:
    initiative = Initiative.objects.filter(slug=slug, status=Initiative.Status.PUBLISHED).first()
    if initiative is None:
        raise Http404
    return initiative


@require_http_methods(["GET", "POST"])
def claim(request, slug: str):
    initiative = _published(slug)
    form = ClaimForm(request.POST or None)
    context = {"initiative": initiative, "form": form}
    if request.method == "POST":
        if form.is_bot():
            return redirect("claims:claim_sent", slug=slug)
        if form.is_valid():
            data = form.cleaned_data
            if _limited(request, "claim", data["email"]):
                return render(request, "initiatives/manage/claim.html",
                              {**context, "limited": True}, status=429)  # fmt: skip
            services.claim_create(
                initiative=initiative, name=data["name"], email=data["email"], role=data["role"]
            )
            return redirect("claims:claim_sent", slug=slug)
        return render(request, "initiatives/manage/claim.html", context, status=400)
    return render(request, "initiatives/manage/claim.html", context)


def claim_sent(request, slug: str):
    return render(request, "initiatives/manage/claim_sent.html", {"initiative": _published(slug)})


def _link_error(request, state: str):
    return render(request, "initiatives/manage/link_error.html", {"state": state},
                  status=LINK_ERRORS[state])  # fmt: skip


def _sign_in(request, email: str) -> None:
    request.session.cycle_key()
    request.session[SESSION_KEY] = email.lower()
    services.signed_in(email=email)


@require_http_methods(["GET", "POST"])
def link(request, token: str):
    """GET shows a button (mail scanners follow links); POST spends the link and acts."""
    if request.method == "GET":
        state = links.check(token)
        if not state.valid:
            return _link_error(request, state.state)
        return render(request, "initiatives/manage/link.html", {"link": state.link})
    state = links.use(token)
    if not state.valid:
        return _link_error(request, state.state)
    link = state.link
    if link.purpose == Purpose.CLAIM:
        outcome = services.claim_confirm(link=link)
        if outcome.manager is None:
            return render(request, "initiatives/manage/claim_pending.html",
                          {"claim": outcome.claim})  # fmt: skip
        _sign_in(request, outcome.manager.email)
        return redirect("claims:edit", slug=outcome.manager.initiative.slug)
    if link.purpose == Purpose.EXACT:
        if link.manager is None:
            return _link_error(request, links.TAMPERED)
        try:
            services.manager_confirm(manager=link.manager)
        except Initiative.DoesNotExist:
            raise Http404 from None
        _sign_in(request, link.manager.email)
        return render(request, "initiatives/manage/confirmed.html",
                      {"initiative": link.manager.initiative})  # fmt: skip
    _sign_in(request, link.email)
    return redirect("claims:home")


@require_http_methods(["GET", "POST"])
def signin(request):
    form = SignInForm(request.POST or None)
    if request.method == "POST":
        if form.is_bot():
            return redirect("claims:signin_sent")
        if form.is_valid():
            email = form.cleaned_data["email"]
            if _limited(request, "signin", email):
                return render(request, "initiatives/manage/signin.html",
                              {"form": form, "limited": True}, status=429)  # fmt: skip
            services.signin_request(email=email)
            return redirect("claims:signin_sent")  # the same answer for any address
        return render(request, "initiatives/manage/signin.html", {"form": form}, status=400)
    return render(request, "initiatives/manage/signin.html", {"form": form})


def signin_sent(request):
    return render(request, "initiatives/manage/signin_sent.html")


def _email(request) -> str:
    return request.session.get(SESSION_KEY, "")


def home(request):
    email = _email(request)
    if not email:
        return redirect("claims:signin")
    managers = selectors.records_of(email)
    return render(request, "initiatives/manage/home.html", {"managers": managers})


def _manager(request, slug: str):
    manager = selectors.manager_for(email=_email(request), slug=slug)
    if manager is None:
        raise Http404
    return manager


@require_http_methods(["GET", "POST"])
def edit(request, slug: str):
    manager = _manager(request, slug)
    initiative = manager.initiative
    initial = {name: getattr(initiative, name) for name in ManagerEditForm.base_fields
               if name != "version"}  # fmt: skip
    initial["version"] = initiative.updated_at
    form = ManagerEditForm(request.POST or None, initial=initial)
    result = stale = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                result = services.manager_write(
                    manager=manager, values=form.values(), version=form.cleaned_data["version"]
                )
            except Initiative.DoesNotExist:
                raise Http404 from None
            except rules.StaleWrite as exc:
                stale, status = exc, 409
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
                status = 400
            else:
                request.session["claims_done"] = {"published": result.published,
                                                  "queued": result.queued}  # fmt: skip
                return redirect("claims:edit", slug=slug)
        else:
            status = 400
    done = request.session.pop("claims_done", None) if request.method == "GET" else None
    return render(request, "initiatives/manage/edit.html",
                  {"manager": manager, "initiative": initiative, "form": form, "done": done,
                   "stale": stale}, status=status)  # fmt: skip


@require_POST
def exact(request, slug: str):
    manager = _manager(request, slug)
    try:
        initiative = services.manager_confirm(manager=manager)
    except Initiative.DoesNotExist:
        raise Http404 from None
    return render(request, "initiatives/manage/confirmed.html", {"initiative": initiative})


@require_POST
def leave(request, slug: str):
    services.manager_leave(manager=_manager(request, slug))
    if not selectors.records_of(_email(request)):
        request.session.pop(SESSION_KEY, None)
    return render(request, "initiatives/manage/left.html")


@require_POST
def signout(request):
    request.session.pop(SESSION_KEY, None)
    return redirect("claims:signin")
