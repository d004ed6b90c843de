#!/usr/bin/env bash
# Serve the portal at http://127.0.0.1:8000 with demo data.
# Embedded default: SQLite file and tasks in-process. With DATABASE_URL and REDIS_URL set: that database and
# a real Celery worker (with beat) started beside the web server.
set -euo pipefail
here=$(dirname "$0")
cd "$here/.."
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-portal.settings.local}
py=.venv/bin/python

"$here/step.sh" "Translations"
if command -v msgfmt >/dev/null 2>&1; then
  $py manage.py compilemessages -v0 --ignore .venv
else
  echo "gettext (msgfmt) is not installed: using the compiled catalogues in locale/ as they are"
fi
"$here/step.sh" "Database (migrate)"
$py manage.py migrate --no-input -v0 || "$here/fail.sh" "Migrations failed: is DATABASE_URL right and the database up?"
"$here/step.sh" "Demo data (seed_demo)"
$py manage.py seed_demo

if [ -n "${DATABASE_URL:-}" ] && [ -n "${REDIS_URL:-}" ]; then
  "$here/step.sh" "Celery worker (full stack: $REDIS_URL)"
  .venv/bin/celery -A portal worker -B -l warning --concurrency 2 &
  worker=$!
  trap 'kill $worker 2>/dev/null || true' EXIT
else
  echo "Embedded default: SQLite file db.sqlite3, tasks run in-process."
fi
"$here/step.sh" "Serving http://127.0.0.1:8000 (Ctrl+C to stop)"
$py manage.py runserver 127.0.0.1:8000
