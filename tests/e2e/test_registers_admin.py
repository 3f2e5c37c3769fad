"""Browser test: a moderator uploads a register file, reads the dry run, confirms, reads the
report (issue 19)."""

import re

import pytest
from playwright.sync_api import expect

from initiatives.models import Initiative
from initiatives.registers.models import RegisterImportRun
from tests import factories
from tests.initiatives.registers_helpers import SIAE, real

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture(autouse=True)
def _uploads(tmp_path, monkeypatch):
    """Uploads kept until confirmed go to the test's own folder."""
    from initiatives.admin import registers

    monkeypatch.setattr(registers, "UPLOADS", tmp_path / "uploads")


@pytest.fixture
def saint_agreve():
    ardeche = factories.departement("07", "Ardèche")
    val_eyrieux = factories.interco(
        name="CC Val'Eyrieux", siren="200041465", departements=[ardeche]
    )
    factories.commune(name="Saint-Agrève", insee="07204", postcodes="07320", departement=ardeche,
                      interco=val_eyrieux, centre_lat=45.0106, centre_lon=4.3961)  # fmt: skip
    factories.user(intercos=[val_eyrieux], role="moderator", username="agent",
                   password="s3cret-pass-07")  # fmt: skip


def test_upload_preview_confirm_and_report(page, live_server, saint_agreve):
    source = real(SIAE)
    url = "/admin/initiatives/registerimportrun/import/"
    page.goto(f"{live_server.url}/admin/login/?next={url}")
    page.fill("#id_username", "agent")
    page.fill("#id_password", "s3cret-pass-07")
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(re.escape(url)))
    page.select_option("#id_source", "siae")
    page.set_input_files("#id_file", str(source))
    page.fill("#id_source_date", "2019-07-01")
    page.click("text=Simuler l’import")
    preview = page.locator("#register-preview")
    expect(preview).to_contain_text("Simulation (rien n'est écrit) : 2 créées")
    expect(preview).to_contain_text("commune introuvable")  # the other communes: not loaded
    assert not Initiative.objects.exists()
    page.click("text=Confirmer l’import")
    page.wait_for_url(re.compile(r"/registerimportrun/\d+/change/"))
    expect(page.locator("body")).to_contain_text("2 créées")
    expect(page.locator("body")).to_contain_text("40909426500058")
    run = RegisterImportRun.objects.get()
    assert run.created == 2
    assert set(Initiative.objects.values_list("siret", flat=True)) == {
        "40909426500058", "42416558700033",
    }  # fmt: skip
