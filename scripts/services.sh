#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer on their local default addresses; start them when they are down.
set -euo pipefail
here=$(dirname "$0")
"$here/step.sh" "Services (PostgreSQL 127.0.0.1:5432, Redis 127.0.0.1:6379)"

postgres_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_up() { [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = "PONG" ]; }

if ! postgres_up; then
  command -v pg_ctlcluster >/dev/null 2>&1 || "$here/fail.sh" "PostgreSQL is not running and not installed (Debian: apt-get install postgresql)."
  echo "starting PostgreSQL"
  for version in $(ls /etc/postgresql); do
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  done
  for _ in $(seq 1 30); do postgres_up && break; sleep 1; done
  postgres_up || "$here/fail.sh" "PostgreSQL did not start on 127.0.0.1:5432."
fi
echo "PostgreSQL answers"

if ! redis_up; then
  command -v redis-server >/dev/null 2>&1 || "$here/fail.sh" "Redis is not running and not installed (Debian: apt-get install redis-server)."
  echo "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 30); do redis_up && break; sleep 1; done
  redis_up || "$here/fail.sh" "Redis did not start on 127.0.0.1:6379."
fi
echo "Redis answers"

# The development database the test settings name (pytest creates test_esc_portal beside it).
if ! psql -h 127.0.0.1 -U "${PGUSER:-root}" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'esc_portal'" | grep -q 1; then
  createdb -h 127.0.0.1 -U "${PGUSER:-root}" esc_portal || "$here/fail.sh" "Could not create the database esc_portal."
fi
