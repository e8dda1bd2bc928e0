"""benchmarks/check_links.py: every link of RESULTS.md and history/*.md
resolves, with GitHub's anchor rule."""

from tests.support.scripts import load_benchmark


def load():
    return load_benchmark("check_links")


def test_anchors_follow_githubs_rule():
    slug = load().slug
    assert slug("PG² at its default: Stage II") == "pg²-at-its-default-stage-ii"
    assert slug("T̂ from R̂ (2026-12-05, 02:50–04:15 UTC)") == "t̂-from-r̂-2026-12-05-02500415-utc"
    assert slug("SNGAN + projection `D`, CAN") == "sngan--projection-d-can"


def test_a_missing_anchor_is_reported(tmp_path):
    module = load()
    page = tmp_path / "page.md"
    page.write_text("# Title\n\n[here](#title) [gone](#nowhere) [file](other.md)\n")
    found = [module.check_target(page, target) for _, target in module.links(page.read_text())]
    assert found[0] is None
    assert "no anchor #nowhere" in found[1]
    assert "no file other.md" in found[2]


def test_results_and_history_links_resolve(capsys):
    assert load().main([]) == 0, capsys.readouterr().out
