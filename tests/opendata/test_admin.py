"""The error reports' list in the admin: the status and the citizen's message in view."""

import re

import pytest
from django.urls import reverse

from initiatives.opendata.admin import MESSAGE_EXCERPT
from initiatives.opendata.models import ChangeReport
from tests import factories

pytestmark = pytest.mark.django_db

MESSAGE = (
    "Le numéro affiché ne répond plus depuis le déménagement de l'atelier en mars ; "
    "la structure a repris celui de son ancienne voisine, qui est donné ci-dessous, et "
    "l'accueil se fait désormais par la cour arrière."
)


@pytest.fixture
def moderator_client(client):
    ic = factories.interco(name="CC Drôme Sud")
    initiative = factories.initiative(name="Recyclerie", commune=factories.commune(interco=ic))
    ChangeReport.objects.create(initiative=initiative, field="phone", message=MESSAGE,
                                current_value="", proposed_value="04 75 11 22 33")  # fmt: skip
    client.force_login(factories.user(intercos=[ic], role="moderator"))
    return client


def test_the_list_shows_the_status_first_and_the_message_cut_short(moderator_client):
    html = moderator_client.get(reverse("admin:opendata_changereport_changelist")).content
    html = html.decode()
    headers = html.split("<thead>")[1].split("</thead>")[0]
    columns = re.findall(r"column-(\w+)", headers)
    assert columns == ["status", "initiative", "field", "message_excerpt", "short_diff",
                       "created_at"]  # fmt: skip
    assert len(MESSAGE) > MESSAGE_EXCERPT
    assert MESSAGE[:60].replace("'", "&#x27;") in html
    assert "cour arrière" not in html  # the end of the message: on the report's page only
    assert '<td class="field-status">À traiter</td>' in html


def test_the_report_page_shows_the_whole_message(moderator_client):
    report = ChangeReport.objects.get()
    html = moderator_client.get(reverse("admin:opendata_changereport_change", args=[report.pk]))
    assert MESSAGE.replace("'", "&#x27;") in html.content.decode()
