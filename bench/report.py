"""The bench's table and its targets, as Markdown (printed, and written to bench/results.md).

Targets come from issues 11 and 23. Ratios are taken within one run, so a slower or busier
machine moves both sides. They are judged on wall time of cold runs (caches cleared): on
PostgreSQL the database's work is not in the app's CPU time. CPU time is shown beside it.
"""

from __future__ import annotations

import os
import platform
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version

PAGE_VS_BARE = 3.0  # every page at the largest size, within 3 times the bare page (cold, wall time)
HOME_VS_BARE = 2.0  # Home within twice the bare page
REPORT_VS_FLOOR = 3.0  # the indicators report within 3 times one pass over the programme's rows
INDICATORS_PAGE_S = 1.5  # the Indicators page's first view of the largest programme
DUPLICATE_S = 0.2  # the intake's duplicate check, whatever the person's data
CASE_PDF_S = 0.5
INDICATORS_PDF_S = 2.0
RSS_MB = 600
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


def _wall(entry) -> float:
    return entry["cold"][0]


def targets(results: dict[int, dict]) -> list[Target]:
    """Each target of issue 23 for the largest size, judged on cold wall time."""
    sizes = sorted(results)
    large = results[sizes[-1]]
    rows = large["rows"]
    at = f"at {sizes[-1]:,}"
    out = []
    for name, entry in rows.items():
        if not name.startswith("page ") or name.startswith("page bare"):
            continue
        role = name[name.rindex("(") + 1:-1]
        bare = _bare(rows, role)
        if bare:
            limit = HOME_VS_BARE if name.startswith("page home") else PAGE_VS_BARE
            ratio = _wall(entry) / _wall(bare)
            out.append(Target(f"{name} {at} vs bare page", f"{ratio:.2f}×", f"≤ {limit}×", ratio <= limit))
    floor = rows.get("one-pass floor, largest programme")
    ind = rows.get("indicator queries, largest programme")
    if floor and ind:
        ratio = _wall(ind) / _wall(floor)
        out.append(Target(f"indicators report {at} vs one-pass floor", f"{ratio:.2f}×", f"≤ {REPORT_VS_FLOOR}×",
                          ratio <= REPORT_VS_FLOOR))
    for name in rows:
        if name.startswith("page indicators") and "largest" in name:
            wall = _wall(rows[name])
            out.append(Target(f"{name} {at}, first view", f"{wall:.2f} s", f"≤ {INDICATORS_PAGE_S} s",
                              wall <= INDICATORS_PAGE_S))
    for name in ("audit page query, 1st page", "audit page query, by user"):
        bare = _bare(rows, "admin")
        if name in rows and bare:
            ratio = (_wall(rows[name]) + _wall(bare)) / _wall(bare)
            out.append(Target(f"{name} {at} (bare page + query) vs bare page", f"{ratio:.2f}×",
                              f"≤ {PAGE_VS_BARE}×", ratio <= PAGE_VS_BARE))
    limits = [("case summary PDF", CASE_PDF_S), ("indicators PDF", INDICATORS_PDF_S),
              *((n, CASE_PDF_S) for n in rows if n.startswith("person document") and "first" not in n),
              *((n, DUPLICATE_S) for n in rows if n.startswith("duplicate check")),
              *((n, SAVE_S) for n in rows if n.startswith("save a"))]
    for name, limit in limits:
        if name in rows:
            wall = _wall(rows[name])
            out.append(Target(f"{name} {at}", f"{wall:.3f} s", f"< {limit} s", wall < limit))
    rss = large.get("rss_mb")
    if rss:
        out.append(Target(f"app process memory {at}", f"{rss:.0f} MB", f"< {RSS_MB} MB", rss < RSS_MB))
    return out


def _cell(entry, which: str) -> str:
    if not entry or which not in entry:
        return "—"
    wall, cpu = entry[which]
    return f"{wall:.3f} / {cpu:.3f}"


def markdown(results: dict[int, dict], *, repeat: int, counts: dict[int, dict], label: str = "") -> str:
    """The report of one database kind (SQLite or PostgreSQL) over its sizes."""
    sizes = sorted(results)
    names = list(dict.fromkeys(n for s in sizes for n in results[s]["rows"]))
    database = next((results[s].get("database") for s in sizes if results[s].get("database")), "")
    head = "| measured | " + " | ".join(f"{s:,} cold | {s:,} warm" for s in sizes) + " |"
    lines = ["# CARE benchmark" + (f" ({label})" if label else ""), "", *[f"- {m}" for m in machine()],
             f"- Database: {database}. Each cell is wall time / CPU time of this process in seconds, median of "
             f"{repeat} runs. Cold: every app cache cleared before each run (and the cold runs checked to have had "
             "no cache hit); warm: the same call again with the caches as the previous run left them. "
             "Targets are judged on cold wall time (the database server's work is not in the CPU time). "
             "Pages run headless with AppTest.", "",
             "Timed: " + "; ".join(f"{s:,} cases at {results[s]['timed']}" for s in sizes if results[s].get("timed")),
             "",
             "Databases: " + "; ".join(f"{s:,}: " + ", ".join(f"{k} {v}" for k, v in counts[s].items())
                                       for s in sizes if s in counts), "",
             head, "|" + "---|" * (2 * len(sizes) + 1)]
    for name in names:
        cells = []
        for s in sizes:
            entry = results[s]["rows"].get(name)
            cells += [_cell(entry, "cold"), _cell(entry, "warm")]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    floor_name, ind_name = "one-pass floor, largest programme", "indicator queries, largest programme"
    ratios = []
    for s in sizes:
        f, i = results[s]["rows"].get(floor_name), results[s]["rows"].get(ind_name)
        ratios += [f"{_wall(i) / _wall(f):.2f}×" if f and i else "—", ""]
    lines.append("| indicators report / one-pass floor (cold wall) | " + " | ".join(ratios) + " |")
    lines.append("| peak memory of the process (MB) | " + " | ".join(
        f"{results[s].get('rss_mb', 0):.0f} | " for s in sizes) + " |")
    lines.append("| ...of which after the pages only (MB) | " + " | ".join(
        f"{results[s].get('rss_pages_mb', 0):.0f} | " for s in sizes) + " |")
    lines += ["", "## Targets" + (f" ({label})" if label else ""), "", "| target | measured | limit | |",
              "|---|---|---|---|"]
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


def merged(old: str, sections: list[str]) -> str:
    """The report file with these sections written in: a section ("# CARE benchmark (SQLite)", its
    targets, its errors) replaces the one of the same heading, the others are kept (so SQLite and
    PostgreSQL can be timed by two runs), and a load section ("## Load") stays last."""
    def split(text: str) -> dict[str, str]:
        parts: dict[str, str] = {}
        key = ""  # what comes before the first section (a note written by hand) is kept first
        for line in text.splitlines(keepends=True):
            if line.startswith("# CARE benchmark") or line.startswith("## Load"):
                key = line.strip()
            parts[key] = parts.get(key, "") + line
        return parts

    parts = split(old)
    for section in sections:
        new = split(section)
        new.pop("", None)
        parts.update(new)
    order = [k for k in parts if k != "## Load"] + (["## Load"] if "## Load" in parts else [])
    return "\n".join(parts[k].rstrip("\n") + "\n" for k in order)
