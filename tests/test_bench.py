"""The benchmark command keeps working: a tiny run builds, times and writes its report."""

from __future__ import annotations

from sqlmodel import Session, func, select

from care.__main__ import main
from bench import report
from bench.run import representative_case
from db.engine import make_engine
from db.models import Case, FollowUp, Identity, Payment, PlanLine, RiskAssessment


def test_bench_command_builds_times_and_reports(tmp_path):
    out = tmp_path / "results.md"
    try:
        code = main(["bench", "--sizes", "30", "--repeat", "1", "--pages", "home,cases",
                     "--workdir", str(tmp_path), "--out", str(out)])
    except SystemExit as done:
        code = done.code
    assert code == 0
    text = out.read_text()
    assert "# CARE benchmark" in text and "Machine:" in text and "SQLite" in text and "Streamlit" in text
    assert "page home (coordinator)" in text and "page bare (manager)" in text
    assert "page indicators" not in text, "--pages keeps to the pages asked for"
    assert "case summary PDF" in text and "indicators PDF" in text and "case search by name" in text
    for document in ("consent", "information", "plan", "calendar"):
        assert f"person document {document} (ar)" in text
    assert "## Targets" in text and "vs bare page" in text and "app process memory" in text
    assert "## Errors" not in text, text

    engine = make_engine(f"sqlite:///{tmp_path / 'care-bench-30.db'}")  # kept by --workdir: a full history
    with Session(engine) as s:
        assert 25 <= s.exec(select(func.count()).select_from(Case)).one() <= 40
        for model in (Identity, RiskAssessment, PlanLine, Payment, FollowUp):
            assert s.exec(select(func.count()).select_from(model)).one() > 0, model.__name__
        assert representative_case(s)
    engine.dispose()


def test_targets_met_and_not_met():
    small = {"rows": {"page bare (manager)": (0.1, 0.1), "page home (manager)": (0.2, 0.2)}, "rss_mb": 100}
    large = {"rows": {"page bare (manager)": (0.1, 0.1), "page home (manager)": (0.4, 0.4),
                      "case summary PDF": (0.2, 0.2), "indicators PDF": (4.0, 4.0),
                      "person document plan (ar)": (0.6, 0.6), "person document consent (ar), first of the process":
                      (0.9, 0.9)}, "rss_mb": 500}
    found = {t.what: t.met for t in report.targets({100: small, 10000: large})}
    assert found["page home (manager) at 10,000 vs bare page"] is False  # 4 times
    assert found["page home (manager) at 10,000 vs at 100"] is False  # twice
    assert found["case summary PDF at 10,000"] is True
    assert found["indicators PDF at 10,000"] is False
    assert found["app process memory at 10,000"] is False
    assert found["person document plan (ar) at 10,000"] is False  # 0.6 s
    assert not any("first of the process" in what for what in found)
    text = report.markdown({100: small, 10000: large}, repeat=1, counts={})
    assert "**not met**" in text and "1 of 6 targets met" in text
