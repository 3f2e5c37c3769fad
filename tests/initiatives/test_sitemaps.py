"""sitemap.xml (initiatives.sitemaps, intercos.sitemaps)."""

from tests import factories


def test_sitemap_lists_published_initiatives_intercos_and_pages_in_both_languages(client, db):
    published = factories.initiative(name="Épicerie publiée", status="published")
    draft = factories.initiative(name="Brouillon caché", status="draft")
    interco = factories.interco()
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    xml = response.content.decode()
    assert f"<loc>http://testserver/initiatives/{published.slug}/</loc>" in xml
    assert f"<loc>http://testserver/en/initiatives/{published.slug}/</loc>" in xml
    assert draft.slug not in xml
    assert f"/intercos/{interco.slug}/</loc>" in xml
    for path in ("/", "/intercos/", "/territoire/", "/sources/", "/proposer/"):
        assert f"<loc>http://testserver{path}</loc>" in xml, path
    assert 'hreflang="en"' in xml and 'hreflang="x-default"' in xml
