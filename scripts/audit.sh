#!/usr/bin/env bash
# Audit the locked dependencies for known vulnerabilities (scripts/audit.py says how findings are explained).
cd "$(dirname "$0")/.." && exec .venv/bin/python scripts/audit.py
