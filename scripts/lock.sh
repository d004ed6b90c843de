#!/usr/bin/env bash
# Lock pyproject.toml's dependencies, every file with its hashes, for every platform:
#   requirements/production.txt  what the portal runs on (the Dockerfile installs it)
#   requirements/dev.txt         the same plus the test and lint tools (make install installs it)
# Run `make lock` after changing a dependency in pyproject.toml; a test checks that the two agree.
set -euo pipefail
cd "$(dirname "$0")/.."
uv=.venv/bin/uv
test -x "$uv" || scripts/fail.sh "uv is missing from .venv: run make install first."
mkdir -p requirements
compile() {
  "$uv" pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes --quiet \
    --custom-compile-command "make lock" "$@"
}
compile --output-file requirements/production.txt
compile --extra dev --output-file requirements/dev.txt
