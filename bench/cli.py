"""`python -m care bench`: build each size, time it in a child process, write the report."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench import report
from bench.build import build, enrich
from db.migrate import upgrade


def _pg_schema_url(url: str, size: int, *, fresh: bool) -> tuple[str, bool]:
    """The schema `care_bench_<size>` in the given PostgreSQL database, and whether it must be built
    (always with `fresh`; otherwise only if no earlier run left a complete one)."""
    schema = f"care_bench_{size}"
    eng = create_engine(url)
    with eng.begin() as conn:
        done = conn.execute(text("SELECT 1 FROM information_schema.tables WHERE table_schema = :s "
                                 "AND table_name = 'bench_counts'"), {"s": schema}).first()
        if fresh or not done:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    eng.dispose()
    return make_url(url).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False), bool(fresh or not done)


def _built(url: str, size: int) -> dict:
    """Build the database, top it up with a year of use, and note its row counts in it."""
    counts = build(url, size)
    counts.update(enrich(url, size))
    eng = create_engine(url)
    with eng.begin() as conn:
        conn.execute(text("CREATE TABLE bench_counts (counts TEXT)"))
        conn.execute(text("INSERT INTO bench_counts VALUES (:c)"), {"c": json.dumps(counts)})
    eng.dispose()
    return counts


def _counts(url: str) -> dict:
    """The row counts a previous run noted in the database it left; the database brought to the
    code's schema first (a migration added since, such as an index, is timed too)."""
    eng = create_engine(url)
    with eng.connect() as conn:
        counts = json.loads(conn.execute(text("SELECT counts FROM bench_counts")).scalar_one())
    eng.dispose()
    upgrade(url)
    eng = create_engine(url)
    with eng.begin() as conn:
        conn.execute(text("ANALYZE"))
    eng.dispose()
    return counts


def _database(size: int, workdir: Path, database_url: str | None, keep: bool) -> tuple[str, dict]:
    """The database of `size` cases: built now, or (with --workdir) the one a previous run left."""
    if database_url:
        url, fresh = _pg_schema_url(database_url, size, fresh=not keep)
        return url, (_built(url, size) if fresh else _counts(url))
    path = workdir / f"care-bench-{size}.db"
    url = f"sqlite:///{path}"
    if keep and path.exists():
        try:
            return url, _counts(url)
        except Exception:  # an unfinished build: start again
            pass
    path.unlink(missing_ok=True)
    return url, _built(url, size)


def _result_file(workdir: Path, url: str, size: int) -> Path:
    return workdir / f"result-{'pg' if url.startswith('postgresql') else 'sqlite'}-{size}.json"


def _time(url: str, size: int, args, tmp: str) -> dict | None:
    result_file = _result_file(Path(args.workdir or tmp), url, size)
    cmd = [sys.executable, "-m", "bench.run", url, "--repeat", str(args.repeat), "--out", str(result_file)]
    if args.pages:
        cmd += ["--pages", args.pages]
    done = subprocess.run(cmd, cwd=Path(__file__).resolve().parents[1])  # its own process: its own peak memory
    if done.returncode != 0:
        print(f"error: the timing of {size} cases failed", file=sys.stderr)
        return None
    return json.loads(result_file.read_text())


def run(args) -> int:
    kinds = [("SQLite", None, [int(s) for s in str(args.sizes).split(",") if s.strip()])]
    if args.database_url:
        kinds.append(("PostgreSQL", args.database_url,
                      [int(s) for s in str(args.pg_sizes or args.sizes).split(",") if s.strip()]))
    if args.only_pg:
        kinds = kinds[1:]
    out = Path(args.out)
    sections = []
    with tempfile.TemporaryDirectory(prefix="care-bench-") as tmp:
        workdir = Path(args.workdir) if args.workdir else Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        for label, database_url, sizes in kinds:
            results: dict[int, dict] = {}
            counts: dict[int, dict] = {}
            for size in sizes:
                start = time.perf_counter()
                url, counts[size] = _database(size, workdir, database_url, bool(args.workdir))
                print(f"{label}, {size:,} cases: database ready in {time.perf_counter() - start:.0f} s; timing...",
                      flush=True)
                result = _time(url, size, args, tmp)
                if result is None:
                    return 1
                result["counts"] = counts[size]
                _result_file(workdir, url, size).write_text(json.dumps(result))
                results[size] = result
                if database_url and not args.workdir:
                    _pg_drop(database_url, size)
            for size in [int(x) for x in str(args.report_sizes).split(",") if x.strip()] if args.report_sizes else ():
                # A size timed by an earlier run of this command (its result kept in --workdir, with its date)
                kept = _result_file(workdir, "postgresql" if database_url else "sqlite", size)
                if size not in results and kept.exists() and args.workdir:
                    results[size] = json.loads(kept.read_text())
                    counts[size] = results[size].get("counts", {})
            sections.append(report.markdown(results, repeat=args.repeat, counts=counts, label=label))
    text_md = "\n".join(sections)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report.merged(out.read_text() if out.exists() else "", sections))
    print(text_md)
    print(f"written: {out}")
    return 0


def _pg_drop(url: str, size: int) -> None:
    eng = create_engine(url)
    with eng.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "care_bench_{size}" CASCADE'))
    eng.dispose()


def add_parser(sub) -> None:
    b = sub.add_parser("bench", help="time every page, search and PDF on synthetic databases of growing size")
    b.add_argument("--sizes", default="1000,10000,50000", help="numbers of cases on SQLite, comma-separated")
    b.add_argument("--pg-sizes", default="10000,50000", help="numbers of cases on PostgreSQL (with --database-url)")
    b.add_argument("--report-sizes", help="with --workdir: also report these sizes, as an earlier run timed them")
    b.add_argument("--only-pg", action="store_true", help="time PostgreSQL only")
    b.add_argument("--repeat", type=int, default=3, help="timed runs per item, cold and warm (median)")
    b.add_argument("--out", default="bench/results.md", help="the Markdown report to write")
    b.add_argument("--pages", default="", help="only these page keys, comma-separated (default: every page)")
    b.add_argument("--database-url", help="also time PostgreSQL: one schema care_bench_<size> per size in this "
                                          "database (SQLite files in a temporary directory or --workdir)")
    b.add_argument("--workdir", help="keep the databases (SQLite files here, PostgreSQL schemas) and reuse them")
    b.set_defaults(func=lambda args: sys.exit(run(args)))
