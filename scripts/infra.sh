#!/usr/bin/env bash
# Installs (when missing) and starts CineMesh's infrastructure on loopback, idempotently:
# PostgreSQL 15, Redis, RabbitMQ and FerretDB (MongoDB wire protocol on PostgreSQL).
#   scripts/infra.sh up      install what is missing, start what is stopped, wait until all answer
#   scripts/infra.sh down    stop what `up` started
#   scripts/infra.sh status  one line per component
# CINEMESH_INFRA_SKIP="postgres mongo" leaves those to you (point CINEMESH_*_URL at your own servers).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
state_dir=${CINEMESH_STATE_DIR:-$repo/.run}
cache_dir=${XDG_CACHE_HOME:-$HOME/.cache}/cinemesh
skip=" ${CINEMESH_INFRA_SKIP:-} "
pg_version=15
pg_port=${CINEMESH_PG_PORT:-5432}
mongo_port=${CINEMESH_MONGO_PORT:-27017}
redis_port=${CINEMESH_REDIS_PORT:-6379}
amqp_port=${CINEMESH_AMQP_PORT:-5672}
# FerretDB's Go profiler (net/http/pprof, loopback; bench/rush/profile.py reads it); empty: none.
ferretdb_pprof=${CINEMESH_FERRETDB_PPROF-127.0.0.1:6060}
# FerretDB's PostgreSQL pool: above what every service runs at once (CINEMESH_MONGO_POOL_SIZE each),
# since FerretDB v1 holds one connection for an update's query while it takes another to write.
ferretdb_pool=${CINEMESH_FERRETDB_POOL:-100}
pg_max_connections=300

log() { printf '[infra] %s\n' "$*"; }
skipped() { [[ "$skip" == *" $1 "* ]]; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

wait_for() {
  local what=$1 tries=$2; shift 2
  for _ in $(seq "$tries"); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  log "$what did not become ready; last attempt:"; "$@" || true
  return 1
}

install_packages() {
  local missing=()
  command -v pg_ctlcluster >/dev/null || missing+=(postgresql)
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v rabbitmq-server >/dev/null || [ -x /usr/sbin/rabbitmq-server ] || missing+=(rabbitmq-server)
  command -v docker-compose >/dev/null || missing+=(docker-compose)  # validates docker-compose.yml in tests
  if ((${#missing[@]})); then
    log "installing ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

psql_admin() { as_root runuser -u postgres -- psql -p "$pg_port" -v ON_ERROR_STOP=1 -qtA "$@"; }

ensure_role_db() {
  local role=$1 db=$2
  if [ -z "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname='$role'")" ]; then
    psql_admin -c "CREATE ROLE $role LOGIN CREATEDB PASSWORD '$role'"
  fi
  if [ -z "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname='$db'")" ]; then
    psql_admin -c "CREATE DATABASE $db OWNER $role"
  fi
}

postgres_up() {
  if ! port_open "$pg_port"; then
    log "starting PostgreSQL $pg_version"
    as_root pg_ctlcluster "$pg_version" main start
    wait_for PostgreSQL 60 port_open "$pg_port"
  fi
  if [ "$(psql_admin -c 'SHOW max_connections')" -lt "$pg_max_connections" ]; then
    log "PostgreSQL: max_connections $pg_max_connections (FerretDB's pool and cinema's; restarting it once)"
    psql_admin -c "ALTER SYSTEM SET max_connections = $pg_max_connections"
    as_root pg_ctlcluster "$pg_version" main restart
    wait_for PostgreSQL 60 psql_admin -c 'SELECT 1'
  fi
  ensure_role_db cinemesh cinema
  ensure_role_db ferretdb ferretdb
  psql_admin -d ferretdb -f - <"$repo/scripts/ferretdb/gin_companions.sql" >/dev/null
}

redis_up() {
  port_open "$redis_port" && return 0
  log "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no \
    --logfile "$state_dir/redis.log" --pidfile "$state_dir/redis.pid" >/dev/null
  wait_for Redis 40 redis-cli -p "$redis_port" ping
}

rabbitmq_up() {
  port_open "$amqp_port" && return 0
  log "starting RabbitMQ"
  as_root env RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$amqp_port" rabbitmq-server -detached
  wait_for RabbitMQ 120 as_root rabbitmqctl await_startup
  wait_for "RabbitMQ AMQP port" 60 port_open "$amqp_port"
}

ferretdb_binary() {
  local src=$repo/scripts/ferretdb hash bin
  hash=$(cat "$src/main.go" "$src/go.mod" "$src/go.sum" | sha256sum | cut -c1-16)
  bin=$cache_dir/ferretdb-$hash
  if [ ! -x "$bin" ]; then
    log "building FerretDB (cached at $bin)" >&2
    mkdir -p "$cache_dir"
    (cd "$src" && go build -trimpath -o "$bin.tmp" . && mv "$bin.tmp" "$bin")
  fi
  echo "$bin"
}

mongo_up() {
  port_open "$mongo_port" && return 0
  local bin; bin=$(ferretdb_binary)
  log "starting FerretDB on 127.0.0.1:$mongo_port"
  nohup "$bin" --listen-addr "127.0.0.1:$mongo_port" \
    --postgresql-url "postgres://ferretdb:ferretdb@127.0.0.1:$pg_port/ferretdb?pool_max_conns=$ferretdb_pool" \
    ${ferretdb_pprof:+--pprof-addr "$ferretdb_pprof"} \
    >"$state_dir/ferretdb.log" 2>&1 &
  echo $! >"$state_dir/ferretdb.pid"
  wait_for FerretDB 60 port_open "$mongo_port"
}

up() {
  mkdir -p "$state_dir"
  install_packages
  skipped postgres || postgres_up
  skipped redis || redis_up
  skipped rabbitmq || rabbitmq_up
  skipped mongo || mongo_up
  status
}

stop_pidfile() {
  local name=$1 pidfile=$state_dir/$1.pid
  if [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null; then log "stopped $name"; fi
  rm -f "$pidfile"
}

down() {
  stop_pidfile ferretdb
  if port_open "$redis_port"; then redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true; log "stopped Redis"; fi
  if port_open "$amqp_port"; then as_root rabbitmqctl stop >/dev/null 2>&1 || true; log "stopped RabbitMQ"; fi
  if port_open "$pg_port"; then as_root pg_ctlcluster "$pg_version" main stop || true; log "stopped PostgreSQL"; fi
}

status() {
  local name port
  for pair in "postgres:$pg_port" "redis:$redis_port" "rabbitmq:$amqp_port" "mongo(ferretdb):$mongo_port"; do
    name=${pair%%:*}; port=${pair##*:}
    if port_open "$port"; then log "$name running on 127.0.0.1:$port"; else log "$name NOT running (port $port)"; fi
  done
}

# Sourced (scripts/faults_infra.sh reuses the helpers above for its own instances): define, do not run.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  case "${1:-up}" in
    up) up ;;
    down) down ;;
    status) status ;;
    *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
  esac
fi
