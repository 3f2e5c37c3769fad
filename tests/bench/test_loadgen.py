"""The benchmark's query mix is cold: every request of a cell, and every cell, distinct."""

from bench import loadgen

COLD = ("filtered_list", "near", "near_territory", "search", "misspelled_html", "detail",
        "first_page", "map_z6", "map_z9", "map_z12")  # fmt: skip


def parameters(need: int) -> dict:
    """What pick_parameters reads from a benchmark database, made up at that size."""
    return {
        "themes": [f"theme-{i}" for i in range(12)],
        "departements": [f"{i:02d}" for i in range(1, 96)],
        "towns": [(45.0, 4.8)],
        "centres": [(43.5 + i * 0.01, 1.0 + i * 0.007) for i in range(need)],
        "covered": [(44.0 + i * 0.01, 2.0) for i in range(need)],
        "details": [(f"initiative-{i}", i) for i in range(need)],
        "words": [f"word{i:04d}" for i in range(need)],
        "typos": [f"typo{i:04d}" for i in range(need)],
        "intercos_html": [("200000001", "a")],
        "intercos_geojson": [("200000001", "a", 300)],
        "need": need,
    }


def test_the_probe_and_each_level_get_slices_of_their_own():
    need = loadgen.distinct_needed([1, 8, 32])
    assert need == 1 + 40 + 160 + 320
    slices = loadgen.level_slices(need, [1, 8, 32])
    assert slices == {1: (1, 41), 8: (41, 201), 32: (201, 521)}


def test_too_few_parameter_sets_start_over_after_the_probe():
    slices = loadgen.level_slices(100, [1, 8])
    assert slices[1] == (1, 41)
    assert slices[8] == (1, 100)  # 160 wanted, 99 distinct: the cell reports the repeats


def test_every_cold_query_has_enough_distinct_urls_for_every_target():
    need = loadgen.distinct_needed([1, 8, 32])
    mix = loadgen.variants(parameters(need))
    for query in COLD:
        for target, url in loadgen.URLS.items():
            urls = [url(query, v) for v in mix[query]]
            assert len(set(urls)) >= need, (query, target, len(set(urls)))


def test_a_misspelling_drops_one_letter_after_the_middle():
    assert loadgen.misspell("solidaire") == "solidire"
    assert loadgen.misspell("ressourcerie") == "ressourerie"


def test_measure_counts_the_distinct_urls_it_sent(monkeypatch):
    sent = []

    def fake_fetch(base, path, timeout, keep=False):
        sent.append(path)
        return 200, 10, b""

    monkeypatch.setattr(loadgen, "fetch", fake_fetch)
    cold = loadgen.measure("http://127.0.0.1:1", ["/a", "/b", "/c"], 1, (3, 5.0), 1.0)
    assert (cold["sent"], cold["distinct"], cold["n"]) == (3, 3, 3)
    repeated = loadgen.measure("http://127.0.0.1:1", ["/a", "/b"], 2, (5, 5.0), 1.0)
    assert (repeated["sent"], repeated["distinct"]) == (5, 2)
    assert sorted(set(sent)) == ["/a", "/b", "/c"]


def test_the_first_page_of_datasette_is_the_same_page_in_sql():
    url = loadgen.datasette_url("first_page", {"page": 3}, tuned=True)
    assert "offset" in url and "o=40" in url
