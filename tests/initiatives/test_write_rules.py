"""One table of write cases, run through every write path, expecting the same answer.

role (editor / moderator / superuser / outsider) × territory of the record (own / other)
× status before (None: a new record) × status asked for, through the admin form (HTTP
POST), the history restore (HTTP POST of a past version's form), the CSV import
(`import_apply`) and the API (HTTP POST / PATCH with a token). Each path must end with the
record written exactly when the table says so, and untouched otherwise.
"""

import datetime
import itertools

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from initiatives.imports import import_apply
from initiatives.models import Initiative, KeyFigure, Partnership
from initiatives.services import initiative_update
from tests import factories
from tests.initiatives.test_admin import form_data

pytestmark = pytest.mark.django_db

STATUSES = ("draft", "pending", "published", "archived")
LEGAL = {
    ("draft", "pending"), ("draft", "published"), ("draft", "archived"),
    ("pending", "draft"), ("pending", "published"), ("pending", "archived"),
    ("published", "draft"), ("published", "archived"),
    ("archived", "draft"), ("archived", "published"),
}  # fmt: skip


def expected(role: str, territory: str, old: str | None, new: str) -> bool:
    """The rule, stated once for the test (independently of initiatives/rules.py)."""
    if role == "outsider":
        return False  # staff of no interco write nothing
    if territory == "other" and role != "superuser":
        return False  # another territory's record is as missing; its communes not offered
    if old is None:
        if new == "archived":
            return False  # a new record is never archived
        return new in ("draft", "pending") or role != "editor"
    if old == new:
        return True  # an edit that leaves the status as it is
    if (old, new) not in LEGAL:
        return False
    if new in ("published", "archived") and role == "editor":
        return False  # editors draft and submit; moderators publish and archive
    # pending → archived is a refusal, which needs a reason: none is given here
    return (old, new) != ("pending", "archived")


def _cases():
    for role in ("editor", "moderator"):
        for old, new in itertools.product((None, *STATUSES), STATUSES):
            yield role, "own", old, new
        for old, new in itertools.product((None, "draft", "published"), ("draft", "published")):
            yield role, "other", old, new
    for old, new in itertools.product((None, *STATUSES), STATUSES):
        yield "superuser", "own", old, new
    for old, new in itertools.product((None, "published"), ("draft", "published")):
        yield "outsider", "own", old, new
        yield "superuser", "other", old, new


CASES = list(_cases())
PATHS = ("admin", "restore", "import", "api")


@pytest.fixture
def world():
    drome = factories.departement("26", "Drôme")
    own = factories.interco(name="CC du Crestois", departements=[drome])
    other = factories.interco(name="CA Privas", departements=[drome])
    return {
        "own": factories.commune(name="Crest", insee="26108", postcodes="26400", interco=own),
        "other": factories.commune(name="Privas", insee="26186", postcodes="26000", interco=other),
        "editor": factories.user(intercos=[own], role="editor"),
        "moderator": factories.user(intercos=[own], role="moderator"),
        "superuser": factories.user(superuser=True),
        "outsider": factories.user(intercos=[]),
    }


def make_record(commune, *, old: str, past: str, name: str) -> Initiative:
    """A record now `old`, with a past version `past` (the one a restore brings back)."""
    record = factories.initiative(name=name, commune=commune, status=past, summary="avant")
    if past != old:
        initiative_update(initiative=record, status=old)
    return record


def write(path, client, api, user, commune, old, new, name) -> bool:
    """Ask for the write through `path`; (was it written?, the record if there was one)."""
    marker = f"écrit par {path}"
    record = None
    if old is not None:
        record = make_record(commune, old=old, past=new, name=name)
    if path == "admin":
        client.force_login(user)
        if record is None:
            data = form_data(name=name, commune=commune.pk, status=new, summary=marker)
            response = client.post(reverse("admin:initiatives_initiative_add"), data)
        else:
            data = form_data(record, status=new, summary=marker)
            url = reverse("admin:initiatives_initiative_change", args=[record.pk])
            response = client.post(url, {**data, "ignore_duplicate": "on"})
    elif path == "restore":
        client.force_login(user)
        version = record.history.order_by("history_date").first()  # status `new`
        url = reverse(
            "admin:initiatives_initiative_simple_history", args=[record.pk, version.history_id]
        )
        data = form_data(record, status=new, summary=marker, ignore_duplicate="on")
        response = client.post(url, data)
    elif path == "import":
        content = f"nom;commune_insee;statut;resume\n{name};{commune.insee};{new};{marker}\n"
        import_apply(user=user, filename="a.csv", content=content.encode())
        response = None
    else:
        api.force_authenticate(user)
        if record is None:
            payload = {"name": name, "commune": commune.insee, "status": new, "summary": marker}
            response = api.post("/api/v1/initiatives/", payload, format="json")
        else:
            payload = {"status": new, "summary": marker}
            response = api.patch(f"/api/v1/initiatives/{record.slug}/", payload, format="json")
    assert response is None or response.status_code < 500
    written = Initiative.objects.filter(name=name, summary=marker, status=new).exists()
    if not written:  # refused: nothing at all was written
        if record is None:
            assert not Initiative.objects.filter(name=name).exists()
        else:
            assert Initiative.objects.filter(pk=record.pk, status=old, summary="avant").exists()
            assert Initiative.objects.filter(name=name).count() == 1
    return written


@pytest.mark.parametrize(("role", "territory", "old", "new"), CASES)
def test_every_path_gives_the_table_s_answer(client, world, role, territory, old, new):
    api = APIClient()
    user, commune = world[role], world[territory]
    answers = {}
    for n, path in enumerate(PATHS):
        if path == "restore" and old is None:
            continue  # a new record has no past version
        name = f"Fiche {role} {territory} {old} {new} {n}"
        answers[path] = write(path, client, api, user, commune, old, new, name)
    want = expected(role, territory, old, new)
    assert answers == {path: want for path in answers}, answers


# --- the edges: deletion, inlines, related pages, verification --------------------------------
#
# A published record of the user's own territory, asked through each path by an editor and by
# a moderator. "refused": nothing is written; "told": written, live at once, and the
# territory's moderators get one e-mail naming the item; "silent": written, nobody told (a
# moderator's own change).

EDGES = {
    "delete view": ("refused", "silent"),
    "delete action": ("refused", "silent"),
    "form coverage": ("told", "silent"),
    "form themes": ("told", "silent"),
    "inline figure change": ("told", "silent"),
    "inline figure add": ("told", "silent"),
    "inline figure delete": ("told", "silent"),
    "inline partnership change": ("told", "silent"),
    "inline partnership add": ("told", "silent"),
    "inline partnership delete": ("told", "silent"),
    "figure page change": ("told", "silent"),
    "figure page add": ("told", "silent"),
    "figure page delete": ("told", "silent"),
    "partnership page change": ("told", "silent"),
    "partnership page add": ("told", "silent"),
    "partnership page delete": ("told", "silent"),
    "verification form": ("refused", "refused"),
    "verification api": ("refused", "refused"),
}
EDGE_CASES = [
    (path, role, outcome)
    for path, outcomes in EDGES.items()
    for role, outcome in zip(("editor", "moderator"), outcomes, strict=True)
]


def body_of(response) -> dict:
    """The POST body a browser would send back for an admin form page, unchanged."""
    context = response.context
    forms = [context["adminform"].form]
    data = {}
    for inline in context.get("inline_admin_formsets") or ():
        for field in inline.formset.management_form:
            data[field.html_name] = field.value()
        forms += list(inline.formset.forms)
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            if value is True:
                value = "on"
            elif isinstance(value, list | tuple):
                value = [str(v) for v in value]
            data[field.html_name] = value if isinstance(value, list) else str(value)
    return data


def copy_row(data: dict, prefix: str, **changes) -> dict:
    """Add an inline row copied from the first one (without its id), with `changes`."""
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    for key, value in list(data.items()):
        if key.startswith(f"{prefix}-0-") and not key.endswith("-id"):
            data[key.replace(f"{prefix}-0-", f"{prefix}-{total}-")] = value
    for name, value in changes.items():
        data[f"{prefix}-{total}-{name}"] = value
    data[f"{prefix}-TOTAL_FORMS"] = str(total + 1)
    return data


@pytest.fixture
def published(world):
    interco = world["own"].interco
    record = factories.initiative(
        name="Fiche publiée", commune=world["own"], status="published", summary="avant",
        verified_at=datetime.date(2025, 1, 31), verified_by="Modératrice",
    )  # fmt: skip
    figure = factories.key_figure(initiative=record, label="Emplois créés", value=3)
    partnership = factories.partnership(initiative=record, partner_interco=interco)
    return record, figure, partnership


def admin_url(model, view, *args):
    return reverse(f"admin:initiatives_{model}_{view}", args=args)


def edge_write(path, client, api, user, record, figure, partnership):
    """Ask for the write; returns (response, did it happen?, the text the notice must name)."""
    client.force_login(user)
    api.force_authenticate(user)
    figures, partnerships = KeyFigure.objects, Partnership.objects
    change = admin_url("initiative", "change", record.pk)
    if path.startswith(("inline", "form", "verification form")):
        data = body_of(client.get(change))
    if path == "delete view":
        response = client.post(admin_url("initiative", "delete", record.pk), {"post": "yes"})
        return response, lambda: not Initiative.objects.filter(pk=record.pk).exists(), None
    if path == "delete action":
        action = {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"}
        response = client.post(admin_url("initiative", "changelist"), action)
        return response, lambda: not Initiative.objects.filter(pk=record.pk).exists(), None
    if path == "form coverage":
        data["coverage"] = [record.commune.interco_id]
        response = client.post(change, data)
        return response, lambda: record.coverage.exists(), "territoire couvert"
    if path == "form themes":
        data["themes"] = [factories.theme().pk]
        response = client.post(change, data)
        return response, lambda: record.themes.exists(), "thèmes"
    if path == "verification form":
        data.update(verified_at="2099-12-31", verified_by="Moda")
        client.post(change, data)
        response = client.get(f"/initiatives/{record.slug}/")
        assert "2099" not in response.content.decode()
        return response, lambda: _forged(record), None
    if path == "verification api":
        payload = {"verified_at": "2099-12-31", "verified_by": "Moda"}
        response = api.patch(f"/api/v1/initiatives/{record.slug}/", payload, format="json")
        assert response.status_code == 400
        assert {"verified_at", "verified_by"} <= set(response.json()["errors"])
        return response, lambda: _forged(record), None
    if path.startswith("inline"):
        kind = "figures" if "figure" in path else "partnerships"
        if path == "inline figure change":
            data["figures-0-value"] = "42"
            done = lambda: figures.filter(pk=figure.pk, value=42).exists()  # noqa: E731
        elif path == "inline figure add":
            copy_row(data, "figures", label="Bénévoles")
            done = lambda: figures.filter(initiative=record, label="Bénévoles").exists()  # noqa: E731
        elif path == "inline figure delete":
            data["figures-0-DELETE"] = "on"
            done = lambda: not figures.filter(pk=figure.pk).exists()  # noqa: E731
        elif path == "inline partnership change":
            data["partnerships-0-start_year"] = "2020"
            done = lambda: partnerships.filter(pk=partnership.pk, start_year=2020).exists()  # noqa: E731
        elif path == "inline partnership add":
            copy_row(data, "partnerships", kind="network")
            done = lambda: partnerships.filter(initiative=record, kind="network").exists()  # noqa: E731
        else:
            data["partnerships-0-DELETE"] = "on"
            done = lambda: not partnerships.filter(pk=partnership.pk).exists()  # noqa: E731
        response = client.post(change, data)
        named = "Bénévoles" if path == "inline figure add" else "Emplois créés"
        return response, done, named if kind == "figures" else "partenariat"
    model, obj = ("keyfigure", figure) if "figure" in path else ("partnership", partnership)
    named = "Emplois créés" if model == "keyfigure" else "partenariat"
    if path.endswith("delete"):
        response = client.post(admin_url(model, "delete", obj.pk), {"post": "yes"})
        return response, lambda: not type(obj).objects.filter(pk=obj.pk).exists(), named
    data = body_of(client.get(admin_url(model, "change", obj.pk)))
    if path.endswith("add"):
        if model == "keyfigure":
            data["label"] = "Bénévoles"
            done = lambda: figures.filter(initiative=record, label="Bénévoles").exists()  # noqa: E731
        else:
            data["kind"] = "network"
            done = lambda: partnerships.filter(initiative=record, kind="network").exists()  # noqa: E731
        response = client.post(admin_url(model, "add"), data)
        return response, done, "Bénévoles" if model == "keyfigure" else "partenariat"
    if model == "keyfigure":
        data["value"] = "42"
        done = lambda: figures.filter(pk=figure.pk, value=42).exists()  # noqa: E731
    else:
        data["start_year"] = "2020"
        done = lambda: partnerships.filter(pk=partnership.pk, start_year=2020).exists()  # noqa: E731
    return client.post(admin_url(model, "change", obj.pk), data), done, named


def _forged(record) -> bool:
    fresh = Initiative.objects.get(pk=record.pk)
    return (fresh.verified_at, fresh.verified_by) != (datetime.date(2025, 1, 31), "Modératrice")


@pytest.mark.parametrize(("path", "role", "outcome"), EDGE_CASES)
def test_every_edge_path_gives_the_table_s_answer(
    client, world, published, django_capture_on_commit_callbacks, path, role, outcome
):
    record, figure, partnership = published
    before = Initiative.objects.get(pk=record.pk).updated_at
    with django_capture_on_commit_callbacks(execute=True):
        response, done, named = edge_write(
            path, client, APIClient(), world[role], record, figure, partnership
        )
    assert response.status_code < 500
    if response.status_code == 200 and response.context and "adminform" in response.context:
        assert not response.context["adminform"].form.errors  # a refusal is not a typo
    assert done() == (outcome != "refused"), (path, role)
    mails = [m for m in mail.outbox if "modifiée" in m.subject]
    if outcome == "told":
        [message] = mails
        assert world["moderator"].email in message.to
        assert world["editor"].email not in message.to
        assert named in message.body
        assert Initiative.objects.get(pk=record.pk).updated_at > before  # Last-Modified moves
    else:
        assert mails == []
    if outcome == "refused" and Initiative.objects.filter(pk=record.pk).exists():
        assert Initiative.objects.get(pk=record.pk).status == "published"
        assert not _forged(record)


# --- the manager role (a structure's own people, initiatives/claims) --------------------------
MANAGER_VALUES = {
    "description": "Nouvelle description",
    "opening_hours": "lundi 9h-12h",
    "website": "https://exemple.fr/",
    "audience": "Tout public",
    "name": "Nouveau nom",
    "siret": "73282932000074",
    "address": "1 rue Neuve",
    "status": "archived",  # forged: the form has no such field
    "commune": "other",  # forged
}


def manager_expected(territory: str, old: str, field: str) -> str:
    """The manager's rule, stated once for the test: published / queued / refused."""
    if territory != "own" or old != "published":
        return "refused"  # another record, or a record that is not public: as missing
    if field in ("description", "opening_hours", "website", "audience"):
        return "published"
    if field in ("name", "siret", "address"):
        return "queued"
    return "refused"


def _manager_cases():
    for field in MANAGER_VALUES:
        yield "own", "published", field
    for old in ("draft", "pending", "archived"):
        yield "own", old, "description"
    yield "other", "published", "description"
    yield "other", "published", "name"


@pytest.mark.parametrize(("territory", "old", "field"), list(_manager_cases()))
def test_manager_rows_on_every_path(client, world, territory, old, field):
    from initiatives.claims.models import RecordManager
    from initiatives.opendata.models import ChangeReport

    mine = factories.initiative(name="La mienne", commune=world["own"], summary="avant")
    target = (
        mine
        if territory == "own"
        else factories.initiative(name="Une autre", commune=world["own"], summary="avant")
    )
    RecordManager.objects.create(initiative=mine, email="ana@exemple.fr", name="Ana")
    if old != "published":
        initiative_update(initiative=target, status=old)
    session = client.session
    session["claims_manager_email"] = "ana@exemple.fr"
    session.save()
    before = Initiative.objects.get(pk=target.pk)
    value = MANAGER_VALUES[field]
    if field == "commune":
        value = world["other"].pk
    data = {name: getattr(before, name) or "" for name in (
        "description", "email", "phone", "website", "opening_hours", "audience",
        "access_conditions", "name", "siret", "address", "postcode")}  # fmt: skip
    data[field] = value
    # The manager's own page (form and forged POST alike).
    response = client.post(reverse("claims:edit", args=[target.slug]), data)
    assert response.status_code < 500
    # The staff paths: a manager has no account, so the admin form, the history restore
    # the API and the import write nothing.
    admin = client.post(reverse("admin:initiatives_initiative_change", args=[target.pk]),
                        form_data(before, summary="par l'admin"))  # fmt: skip
    assert admin.status_code == 302 and "/admin/login/" in admin["Location"]
    version = before.history.first()
    restore = client.post(reverse("admin:initiatives_initiative_simple_history",
                                  args=[target.pk, version.history_id]),
                          form_data(before, summary="par l'historique"))  # fmt: skip
    assert restore.status_code == 302 and "/admin/login/" in restore["Location"]
    api = client.patch(f"/api/v1/initiatives/{target.slug}/", {"summary": "par l'API"},
                       content_type="application/json")  # fmt: skip
    assert api.status_code in (401, 403, 405)
    # The staff import (a file naming the record): the admin sends the manager to log in.
    row = f"nom;commune_insee;resume\n{target.name};{target.commune_id};par l'import\n"
    upload = SimpleUploadedFile("fiches.csv", row.encode(), content_type="text/csv")
    imported = client.post(reverse("admin:initiatives_initiative_import"),
                           {"file": upload, "action": "apply"})  # fmt: skip
    assert imported.status_code == 302 and "/admin/login/" in imported["Location"]
    after = Initiative.objects.get(pk=target.pk)
    assert after.summary == "avant" and after.status == before.status
    if field == "commune":
        assert after.commune_id == before.commune_id
    changed = getattr(after, field, None) != getattr(before, field, None)
    queued = ChangeReport.objects.filter(initiative=target, field=field, from_manager=True)
    outcome = "published" if changed else "queued" if queued.exists() else "refused"
    assert outcome == manager_expected(territory, old, field)
