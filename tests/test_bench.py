"""The benchmark command keeps working: a tiny run builds, times and writes its report."""

from __future__ import annotations

from sqlmodel import Session, func, select

from care.__main__ import main
from bench import report
from bench.run import representative_case
from db.engine import make_engine
from db.models import AuditEvent, Case, FollowUp, Identity, Payment, PlanLine, RiskAssessment


def test_bench_command_builds_times_and_reports(tmp_path):
    out = tmp_path / "results.md"
    try:
        code = main(["bench", "--sizes", "30", "--repeat", "1", "--pages", "home,cases,indicators",
                     "--workdir", str(tmp_path), "--out", str(out)])
    except SystemExit as done:
        code = done.code
    assert code == 0
    text = out.read_text()
    assert "# CARE benchmark" in text and "Machine:" in text and "SQLite" in text and "Streamlit" in text
    assert "page home (coordinator)" in text and "page bare (manager)" in text
    assert "page case_file" not in text, "--pages keeps to the pages asked for"
    assert "page indicators, CARE (largest) (coordinator)" in text and "(default) (manager)" in text
    assert "page cases, name search (coordinator)" in text and "page home (return focal point)" in text
    assert "case summary PDF" in text and "indicators PDF" in text and "case search by name" in text
    for row in ("one-pass floor, largest programme", "indicators report / one-pass floor", "duplicate check",
                "audit page query", "indicators XLSX", "save a referral draft", "import check"):
        assert row in text, row
    for document in ("consent", "information", "plan", "calendar"):
        assert f"person document {document} (ar)" in text
    assert "## Targets" in text and "vs bare page" in text and "app process memory" in text
    assert "vs one-pass floor" in text
    assert "## Errors" not in text, text

    engine = make_engine(f"sqlite:///{tmp_path / 'care-bench-30.db'}")  # kept by --workdir: a full history
    with Session(engine) as s:
        assert 25 <= s.exec(select(func.count()).select_from(Case)).one() <= 40
        for model in (Identity, RiskAssessment, PlanLine, Payment, FollowUp):
            assert s.exec(select(func.count()).select_from(model)).one() > 0, model.__name__
        assert representative_case(s)
        assert 4.5 <= s.exec(select(func.count()).select_from(FollowUp)).one() / s.exec(
            select(func.count()).select_from(Case)).one() <= 5.5  # topped up to about 5 a case
        assert s.exec(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "case.open")).one() > 100
    engine.dispose()


def test_cold_runs_start_cold_and_warm_runs_hit_the_cache(tmp_path, monkeypatch):
    """The Indicators page timed cold computes its report every time (no cache hit), timed warm it does not."""
    from bench import run as bench_run
    from bench.build import build
    from care import config
    from care.ui import indicators as ui_indicators

    url = f"sqlite:///{tmp_path / 'cold.db'}"
    build(url, 30)
    monkeypatch.setenv("DATABASE_URL", url)
    config.settings.cache_clear()
    page = bench_run._page_run(bench_run.ROOT / "pages" / "indicators.py", "coord", 1)
    computed = []

    def counted():
        before = ui_indicators.CACHE_STATS["computed"]
        page()
        computed.append(ui_indicators.CACHE_STATS["computed"] - before)

    result = bench_run.timings(counted, 2)
    assert result["cold_cache_hits"] == 0
    # the process's first call 1, cold 1 + 1, warm 0 + 0
    assert computed == [1, 1, 1, 0, 0], computed
    bench_run.clear_caches()
    assert ui_indicators.cache_hits() == 0
    page()
    page()
    assert ui_indicators.cache_hits() == 1, "the second view of the same report is a hit"
    config.settings.cache_clear()


def test_targets_met_and_not_met():
    def e(wall):
        return {"cold": (wall, wall / 2), "warm": (wall / 4, wall / 8), "cold_cache_hits": 0}

    small = {"rows": {"page bare (manager)": e(0.1), "page home (manager)": e(0.2)}, "rss_mb": 100}
    large = {"rows": {"page bare (manager)": e(0.1), "page home (manager)": e(0.25),
                      "page cases (manager)": e(0.25),
                      "one-pass floor, largest programme": e(0.3), "indicator queries, largest programme": e(0.6),
                      "page indicators, CARE (largest) (manager)": e(1.6),
                      "case summary PDF": e(0.2), "indicators PDF": e(2.5), "duplicate check, estimated age": e(0.1),
                      "person document plan (ar)": e(0.6), "person document consent (ar), first of the process":
                      e(0.9)}, "rss_mb": 700}
    found = {t.what: t.met for t in report.targets({100: small, 50000: large})}
    assert found["page home (manager) at 50,000 vs bare page"] is False  # 2.5 times: Home's limit is 2
    assert found["page cases (manager) at 50,000 vs bare page"] is True  # 2.5 times: within 3
    assert found["indicators report at 50,000 vs one-pass floor"] is True  # twice the floor
    assert found["page indicators, CARE (largest) (manager) at 50,000 vs bare page"] is False
    assert found["page indicators, CARE (largest) (manager) at 50,000, first view"] is False  # 1.6 s
    assert found["case summary PDF at 50,000"] is True
    assert found["indicators PDF at 50,000"] is False  # 2.5 s, limit 2
    assert found["duplicate check, estimated age at 50,000"] is True
    assert found["app process memory at 50,000"] is False  # 700 MB
    assert found["person document plan (ar) at 50,000"] is False  # 0.6 s
    assert not any("first of the process" in what for what in found)
    text = report.markdown({100: small, 50000: large}, repeat=1, counts={}, label="SQLite")
    assert "**not met**" in text and "4 of 10 targets met" in text
    assert "| indicators report / one-pass floor (cold wall) | — |  | 2.00× |" in text


def test_report_sections_are_replaced_by_their_own_kind():
    old = "# CARE benchmark (SQLite)\n\nold sqlite\n## Targets (SQLite)\nx\n# CARE benchmark (PostgreSQL)\n\nold pg\n" \
          "## Load\n\nload figures\n"
    new = report.merged(old, ["# CARE benchmark (PostgreSQL)\n\nnew pg\n"])
    assert "old sqlite" in new and "## Targets (SQLite)" in new and "new pg" in new and "old pg" not in new
    assert new.rstrip().endswith("load figures"), "the load section stays last"


def test_a_note_above_the_sections_is_kept():
    new = report.merged("Partial run.\n\n# CARE benchmark (SQLite)\n\nold\n", ["# CARE benchmark (SQLite)\n\nnew\n"])
    assert new.startswith("Partial run.") and "new" in new and "old" not in new
