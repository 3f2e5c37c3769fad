"""The typography audit of test_typography on the committed article's data, every page."""

import pytest

from initiatives.models import Initiative
from intercos.models import Interco
from tests.essmap.test_typography import typography_faults


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_articles_pages_have_no_typography_fault(client, committed_fixtures, db, language):
    urls = ["/", "/intercos/", "/territoire/", "/sources/", "/flux/initiatives.atom"]
    urls += [i.get_absolute_url() for i in Initiative.objects.published()]
    intercos = Interco.objects.exclude(partnerships=None).distinct()[:5]
    urls += [i.get_absolute_url() for i in intercos]
    assert len(urls) > 12
    prefix = "/en" if language == "en" else ""
    faults = {}
    for url in urls:
        url = url.removeprefix("/en") if url.startswith("/en/") else url
        response = client.get(prefix + url)
        assert response.status_code == 200, url
        if url.endswith(".atom"):
            continue
        found = typography_faults(response.content.decode(), language)
        if found:
            faults[url] = found
    for url, found in faults.items():
        print(language, url, found)
    assert faults == {}
