"""Small builders for test data. Synthetic, never fixtures."""

import itertools
from typing import Any

from django.contrib.auth import get_user_model

from essmap.text import normalize
from initiatives.models import Initiative, KeyFigure, Partnership, Source, Theme
from initiatives.services import initiative_create
from intercos.models import Commune, Departement, Interco, IntercoMembership

_seq = itertools.count(1)


def departement(code: str = "26", name: str = "Drôme") -> Departement:
    obj, _ = Departement.objects.get_or_create(code=code, defaults={"name": name})
    return obj


def interco(**kw: Any) -> Interco:
    n = next(_seq)
    deps = kw.pop("departements", None) or [departement()]
    kw.setdefault("siren", f"{200000000 + n:09d}")
    kw.setdefault("name", f"CC Test {n}")
    kw.setdefault("slug", f"cc-test-{n}")
    kw.setdefault("kind", Interco.Kind.CC)
    obj = Interco.objects.create(**kw)
    obj.departements.set(deps)
    return obj


def commune(**kw: Any) -> Commune:
    n = next(_seq)
    kw.setdefault("departement", departement())
    kw.setdefault("insee", f"{kw['departement'].code}{n % 1000:03d}")
    kw.setdefault("name", f"Commune {n}")
    kw.setdefault("postcodes", f"{kw['departement'].code}{n % 1000:03d}")
    kw["search_name"] = normalize(kw["name"])
    return Commune.objects.create(**kw)


def theme(slug: str = "energie", name: str = "Énergie", **kw: Any) -> Theme:
    obj, _ = Theme.objects.get_or_create(slug=slug, defaults={"name": name, **kw})
    return obj


def source(**kw: Any) -> Source:
    kw.setdefault("title", f"Source {next(_seq)}")
    return Source.objects.create(**kw)


def initiative(**kw: Any) -> Initiative:
    kw.setdefault("name", f"Initiative {next(_seq)}")
    kw.setdefault("status", Initiative.Status.PUBLISHED)
    return initiative_create(**kw)


def partnership(**kw: Any) -> Partnership:
    kw.setdefault("kind", Partnership.Kind.FUNDING)
    return Partnership.objects.create(**kw)


def key_figure(**kw: Any) -> KeyFigure:
    kw.setdefault("label", "Chiffre")
    kw.setdefault("value", 1)
    if "source" not in kw:
        kw["source"] = source()
    return KeyFigure.objects.create(**kw)


def user(*, intercos=(), role: str = "editor", superuser: bool = False, **kw: Any):
    n = next(_seq)
    kw.setdefault("username", f"user{n}")
    kw.setdefault("email", f"user{n}@example.org")
    password = kw.pop("password", "correct-horse-battery")
    model = get_user_model()
    if superuser:
        obj = model.objects.create_superuser(password=password, **kw)
    else:
        obj = model.objects.create_user(password=password, is_staff=True, **kw)
    for ic in intercos:
        IntercoMembership.objects.create(user=obj, interco=ic, role=role)
    return obj
