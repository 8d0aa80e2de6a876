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
from bench.build import build


def _pg_schema_url(url: str, size: int) -> str:
    """A fresh schema `care_bench_<size>` in the given PostgreSQL database (dropped first)."""
    schema = f"care_bench_{size}"
    eng = create_engine(url)
    with eng.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    eng.dispose()
    return make_url(url).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False)


def _pg_drop(url: str, size: int) -> None:
    eng = create_engine(url)
    with eng.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "care_bench_{size}" CASCADE'))
    eng.dispose()


def _database(size: int, workdir: Path, database_url: str | None, keep: bool) -> tuple[str, dict]:
    """The database of `size` cases: built now, or (with --keep) the one a previous run left."""
    if database_url:
        url = _pg_schema_url(database_url, size)
        return url, build(url, size)
    path = workdir / f"care-bench-{size}.db"
    counts_file = path.with_suffix(".json")
    if keep and path.exists() and counts_file.exists():
        return f"sqlite:///{path}", json.loads(counts_file.read_text())
    path.unlink(missing_ok=True)
    counts = build(f"sqlite:///{path}", size)
    counts_file.write_text(json.dumps(counts))
    return f"sqlite:///{path}", counts


def run(args) -> int:
    sizes = [int(s) for s in str(args.sizes).split(",") if s.strip()]
    out = Path(args.out)
    results: dict[int, dict] = {}
    counts: dict[int, dict] = {}
    with tempfile.TemporaryDirectory(prefix="care-bench-") as tmp:
        workdir = Path(args.workdir) if args.workdir else Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        for size in sizes:
            start = time.perf_counter()
            url, counts[size] = _database(size, workdir, args.database_url, bool(args.workdir))
            print(f"{size:,} cases: database ready in {time.perf_counter() - start:.0f} s; timing...", flush=True)
            result_file = Path(tmp) / f"result-{size}.json"
            cmd = [sys.executable, "-m", "bench.run", url, "--repeat", str(args.repeat),
                   "--out", str(result_file)]
            if args.pages:
                cmd += ["--pages", args.pages]
            done = subprocess.run(cmd, cwd=Path(__file__).resolve().parents[1])  # its own process: its own peak memory
            if done.returncode != 0:
                print(f"error: the timing of {size} cases failed", file=sys.stderr)
                return 1
            results[size] = json.loads(result_file.read_text())
            if args.database_url:
                _pg_drop(args.database_url, size)
    text_md = report.markdown(results, repeat=args.repeat, counts=counts)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text_md)
    print(text_md)
    print(f"written: {out}")
    return 0


def add_parser(sub) -> None:
    b = sub.add_parser("bench", help="time every page, search and PDF on synthetic databases of growing size")
    b.add_argument("--sizes", default="100,1000,10000", help="numbers of cases, comma-separated")
    b.add_argument("--repeat", type=int, default=3, help="timed runs per item (median; after one warm-up)")
    b.add_argument("--out", default="bench/results.md", help="the Markdown report to write")
    b.add_argument("--pages", default="", help="only these page keys, comma-separated (default: every page)")
    b.add_argument("--database-url", help="a PostgreSQL database: one schema care_bench_<size> per size "
                                          "(default: SQLite files in a temporary directory)")
    b.add_argument("--workdir", help="keep the SQLite databases here and reuse them in the next run")
    b.set_defaults(func=lambda args: sys.exit(run(args)))
