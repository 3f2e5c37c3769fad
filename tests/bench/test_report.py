"""BENCHMARKS.md: the targets column evaluates essmap without its result cache."""

from bench import report


def cell(p50: float, p95: float, sent: int = 40, distinct: int = 40) -> dict:
    return {"n": sent, "errors": 0, "p50_ms": p50, "p95_ms": p95, "rps": 10.0,
            "sent": sent, "distinct": distinct}  # fmt: skip


def results(nocache: dict) -> dict:
    row = {"essmap": cell(5, 6), "essmap_nocache": nocache, "floor": cell(4, 5),
           "datasette": cell(30, 40), "datasette_tuned": cell(10, 12)}  # fmt: skip
    return {"levels": {"detail": {"1": row}}}


def test_the_targets_are_those_of_essmap_nocache():
    slow = results(cell(20, 60))
    assert report.verdict("detail", slow["levels"]["detail"]["1"], "1") == (
        "p95 ≤ 50: **no** (×1.2); p50 ≤ tuned Datasette: **no** (×2.0)"
    )
    fast = results(cell(8, 30))
    assert report.verdict("detail", fast["levels"]["detail"]["1"], "1") == (
        "p95 ≤ 50: yes; p50 ≤ tuned Datasette: yes"
    )


def test_the_table_shows_both_essmaps_and_the_distinct_requests():
    lines = report.table(results(cell(20, 60, sent=40, distinct=38)), "1")
    assert "essmap_nocache p50" in lines[0] and "essmap (cached) p50" in lines[0]
    columns = [c.strip() for c in lines[2].split("|")]
    assert columns[1:7] == ["Detail", "20", "60", "10", "5", "6"]
    assert "38/40" in columns
    assert "2.00×" in columns  # nocache ÷ tuned Datasette


def test_an_older_run_without_essmap_nocache_evaluates_essmap():
    row = {"essmap": cell(20, 60), "datasette_tuned": cell(10, 12)}
    assert report.verdict("detail", row, "1").startswith("p95 ≤ 50: **no**")
