"""Run every benchmark on a throwaway PostgreSQL database, print figures and write benchmarks/results.json."""

from __future__ import annotations

import json
import os
import sys
from importlib import import_module
from pathlib import Path

import django

BENCHMARKS = ("bench_municipalities", "bench_scoring", "bench_packets")
RESULTS = Path(__file__).resolve().parent / "results.json"


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")
    django.setup()
    from django.conf import settings  # noqa: PLC0415
    from django.test.utils import setup_databases, teardown_databases  # noqa: PLC0415

    settings.DATABASES["default"]["TEST"]["NAME"] = "bench_esc_portal"
    state = setup_databases(verbosity=0, interactive=False)
    results = []
    try:
        for name in BENCHMARKS:
            for figure in import_module(f"benchmarks.{name}").run():
                results.append(figure.as_dict())
                print(  # noqa: T201 -- the benchmark's output
                    f"{figure.name:<45} {figure.seconds * 1000:9.1f} ms   "
                    f"baseline ({figure.baseline_name}) {figure.baseline_seconds * 1000:9.1f} ms   "
                    f"ratio {figure.ratio:6.1f}×   goal {figure.goal}"
                )
    finally:
        teardown_databases(state, verbosity=0)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"written {RESULTS.name}")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
