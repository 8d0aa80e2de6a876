"""The bench's table and its targets, as Markdown (printed, and written to bench/results.md).

Targets come from issue 11. Ratios are taken within one run, so a slower or busier
machine moves both sides; they are judged on CPU time, which a shared machine disturbs
much less than wall time (both are shown).
"""

from __future__ import annotations

import os
import platform
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version

PAGE_VS_BARE = 3.0  # every page at the largest size, within 3 times the bare page
PAGE_VS_SMALLEST = 1.5  # ...and within 1.5 times the same page at the smallest size
CASE_PDF_S = 0.5
INDICATORS_PDF_S = 3.0
RSS_MB = 400
SAVE_S = 0.25  # saving a follow-up or a contact at the largest size


@dataclass(frozen=True)
class Target:
    what: str
    figure: str
    limit: str
    met: bool


def machine() -> list[str]:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    ram = ""
    try:
        ram = f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB RAM"
    except (ValueError, OSError, AttributeError):
        pass
    try:
        load = "load average {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
    except OSError:
        load = ""
    return [
        f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"Machine: {cpu}, {os.cpu_count()} cores, {ram}, {load} at the end of the run",
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, Streamlit {version('streamlit')}, "
        f"SQLAlchemy {version('sqlalchemy')}, fpdf2 {version('fpdf2')}",
    ]


def _bare(rows: dict, role: str):
    return rows.get(f"page bare ({role})")


def targets(results: dict[int, dict]) -> list[Target]:
    """Each target of the issue, met or not, for the largest size against the smallest."""
    sizes = sorted(results)
    small, large = results[sizes[0]], results[sizes[-1]]
    out = []
    for name, (wall, cpu) in large["rows"].items():
        if not name.startswith("page ") or name.startswith("page bare"):
            continue
        role = name[name.index("(") + 1:-1]
        bare = _bare(large["rows"], role)
        if bare:
            ratio = cpu / bare[1]
            out.append(Target(f"{name} at {sizes[-1]:,} vs bare page", f"{ratio:.2f}×", f"≤ {PAGE_VS_BARE}×",
                              ratio <= PAGE_VS_BARE))
        if name in small["rows"] and len(sizes) > 1:
            ratio = cpu / small["rows"][name][1]
            out.append(Target(f"{name} at {sizes[-1]:,} vs at {sizes[0]:,}", f"{ratio:.2f}×",
                              f"≤ {PAGE_VS_SMALLEST}×", ratio <= PAGE_VS_SMALLEST))
    person_docs = [(n, CASE_PDF_S) for n in large["rows"] if n.startswith("person document") and "first" not in n]
    for name, limit in (("case summary PDF", CASE_PDF_S), ("indicators PDF", INDICATORS_PDF_S), *person_docs):
        if name in large["rows"]:
            cpu = large["rows"][name][1]
            out.append(Target(f"{name} at {sizes[-1]:,}", f"{cpu:.2f} s", f"< {limit} s", cpu < limit))
    for name in ("save a follow-up", "save a contact"):
        if name in large["rows"]:
            cpu = large["rows"][name][1]
            out.append(Target(f"{name} at {sizes[-1]:,}", f"{cpu:.3f} s", f"< {SAVE_S} s", cpu < SAVE_S))
    rss = large.get("rss_mb")
    if rss:
        out.append(Target(f"app process memory at {sizes[-1]:,}", f"{rss:.0f} MB", f"< {RSS_MB} MB", rss < RSS_MB))
    return out


def markdown(results: dict[int, dict], *, repeat: int, counts: dict[int, dict]) -> str:
    sizes = sorted(results)
    names = list(dict.fromkeys(n for s in sizes for n in results[s]["rows"]))
    head = "| measured | " + " | ".join(f"{s:,} cases" for s in sizes) + " |"
    lines = ["# CARE benchmark", "", *[f"- {m}" for m in machine()],
             f"- Median of {repeat} runs after a warm-up; each cell is CPU time / wall time in seconds "
             "(targets are judged on CPU time). Pages run headless with AppTest.", "",
             "Databases: " + "; ".join(f"{s:,}: " + ", ".join(f"{k} {v}" for k, v in counts[s].items())
                                       for s in sizes if s in counts), "",
             head, "|" + "---|" * (len(sizes) + 1)]
    for name in names:
        cells = []
        for s in sizes:
            t = results[s]["rows"].get(name)
            cells.append(f"{t[1]:.3f} / {t[0]:.3f}" if t else "—")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append("| peak memory of the process (MB) | " + " | ".join(
        f"{results[s].get('rss_mb', 0):.0f}" for s in sizes) + " |")
    lines.append("| ...of which after the pages only (MB) | " + " | ".join(
        f"{results[s].get('rss_pages_mb', 0):.0f}" for s in sizes) + " |")
    lines += ["", "## Targets", "", "| target | measured | limit | |", "|---|---|---|---|"]
    met = 0
    found = targets(results)
    for t in found:
        met += t.met
        lines.append(f"| {t.what} | {t.figure} | {t.limit} | {'met' if t.met else '**not met**'} |")
    lines += ["", f"{met} of {len(found)} targets met."]
    errors = [f"- {s:,}: {e}" for s in sizes for e in results[s].get("errors", [])]
    if errors:
        lines += ["", "## Errors", "", *errors]
    return "\n".join(lines) + "\n"
