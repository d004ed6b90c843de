"""Run every benchmark on a throwaway PostgreSQL database with production settings, print one line per figure
(measured, baseline, ratio floored to 3 decimals, goal met or not) and write benchmarks/results.json.
`python -m benchmarks bench_board` runs only the benchmarks named (and writes no results).

Production requires its secrets and addresses from the environment: the run sets throwaway ones (a random
SECRET_KEY, the benchmark database, Redis on 127.0.0.1), whatever the shell had, and the gunicorn it starts inherits
them. The benchmark database is dropped and created again: it never takes a DATABASE_URL from the shell.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
import tempfile
import time
from importlib import import_module
from pathlib import Path

BENCHMARKS = ("bench_municipalities", "bench_scoring", "bench_board", "bench_packets", "bench_autosave")
RESULTS = Path(__file__).resolve().parent / "results.json"
ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
    "DATABASE_URL": f"postgres://{os.environ.get('PGUSER', 'root')}@127.0.0.1:5432/bench_esc_portal",
    # A Redis database of its own for the cache (development uses 0, the tests 14 and 15).
    "REDIS_URL": "redis://127.0.0.1:6379/13",
    "ALLOWED_HOSTS": "127.0.0.1",
    "EMAIL_URL": "consolemail://",
    "DEFAULT_FROM_EMAIL": "ESC Award Portal benchmark <bench@localhost>",
    "LOG_LEVEL": "WARNING",
}


def main() -> int:
    started = time.monotonic()
    os.environ.update(ENVIRONMENT, SECRET_KEY=secrets.token_urlsafe(64))
    with tempfile.TemporaryDirectory(prefix="bench-static-") as static_root:
        os.environ["BENCH_STATIC_ROOT"] = static_root
        return run(sys.argv[1:] or list(BENCHMARKS), started)


def run(names: list[str], started: float) -> int:
    """Run the named benchmarks (all by default); results.json is written only by a run of all of them."""
    import django  # noqa: PLC0415 -- after the environment is complete

    django.setup()
    from django.core.management import call_command  # noqa: PLC0415
    from django.test.utils import setup_databases, teardown_databases  # noqa: PLC0415

    call_command("collectstatic", interactive=False, verbosity=0)
    state = setup_databases(verbosity=0, interactive=False, serialized_aliases=set())
    results = []
    try:
        for name in names:
            print(f"{name} …", file=sys.stderr, flush=True)  # noqa: T201 -- the benchmark's progress
            for figure in import_module(f"benchmarks.{name}").run():
                results.append(figure.as_dict())
                print(figure.line(), flush=True)  # noqa: T201 -- the benchmark's output
    finally:
        teardown_databases(state, verbosity=0)
    elapsed = f"{time.monotonic() - started:.0f} s"
    if names != list(BENCHMARKS):
        print(f"{RESULTS.name} not written: not every benchmark ran ({elapsed})")  # noqa: T201
        return 0
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"written {RESULTS.name} ({elapsed})")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
