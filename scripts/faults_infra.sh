#!/usr/bin/env bash
# The fault suite's own infrastructure (tests/faults, `make test-faults`): a PostgreSQL cluster, a
# FerretDB on it, a Redis and a RabbitMQ node, each on its own port with its state under .run/faults/,
# so the suite can stop, kill and restart them without touching `make infra`'s (5432, 27017, 6379, 5672).
#   scripts/faults_infra.sh up              start what is stopped, wait until all answer
#   scripts/faults_infra.sh down            stop all four
#   scripts/faults_infra.sh wipe            down, then delete their data (the next `up` starts empty)
#   scripts/faults_infra.sh start|stop C    one component C: postgres, mongo (FerretDB), redis, rabbitmq
#   scripts/faults_infra.sh status          one line per component
#   scripts/faults_infra.sh queues          ready + unacknowledged messages per queue of the RabbitMQ node
#   scripts/faults_infra.sh env             the ports as KEY=VALUE lines (tests/faults/cluster.py reads them)
# CINEMESH_FAULTS_PORT_SHIFT=N adds N to every port (the suite's mesh follows it).
# PostgreSQL is a cluster of its own (initdb into .run/faults/postgres, run as user postgres, stopped
# with `pg_ctl -m immediate`, i.e. crashed); RabbitMQ a node of its own (cinemesh-faults-<checkout>@localhost,
# its Mnesia and logs under .run/faults/rabbitmq, no plugins); FerretDB and Redis are started by
# scripts/infra.sh's own helpers, pointed at these ports and this state directory.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"  # the processes started here run from the checkout: stop_own recognises them by it
export CINEMESH_STATE_DIR=$repo/.run/faults
shift=${CINEMESH_FAULTS_PORT_SHIFT:-0}  # moves every port, so that two checkouts can run side by side
export CINEMESH_PG_PORT=$((24432 + shift)) CINEMESH_MONGO_PORT=$((24017 + shift))
export CINEMESH_REDIS_PORT=$((24379 + shift)) CINEMESH_AMQP_PORT=$((24672 + shift))
export CINEMESH_INFRA_SKIP="" CINEMESH_FERRETDB_PPROF=""  # no profiler: its port is the dev FerretDB's
# shellcheck source=scripts/infra.sh
source "$repo/scripts/infra.sh"

dist_port=$((24682 + shift))  # RabbitMQ's Erlang distribution port (its default, AMQP + 20000, is out of range)
pg_bin=/usr/lib/postgresql/$pg_version/bin
pg_dir=$state_dir/postgres
# A node name of this checkout's own: `stop` and `wipe` never reach another checkout's node.
rabbit_node=cinemesh-faults-$(printf '%s' "$repo" | sha256sum | cut -c1-8)@localhost
rabbit_dir=$state_dir/rabbitmq

port_closed() { ! port_open "$1"; }

# Signal the process of $state_dir/$1.pid only while it still runs $2 from this checkout (a stale
# file, or a recycled pid, is never signalled); then wait until port $3 is closed. Each *_stop below
# waits only for what it stopped: a port another checkout's instance holds is none of its business.
stop_own() {
  local pidfile=$state_dir/$1.pid pid
  pid=$(cat "$pidfile" 2>/dev/null) || return 0
  rm -f "$pidfile"
  if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$2" \
    && [ "$(readlink "/proc/$pid/cwd")" = "$repo" ]; then
    kill "$pid"
    log "stopped $1"
    wait_for "$1 (faults) to stop" 60 port_closed "$3"
  fi
}
as_postgres() { as_root runuser -u postgres -- "$@"; }
as_rabbitmq() { as_root runuser -u rabbitmq -- env HOME=/var/lib/rabbitmq "$@"; }
rabbitmqctl_node() { as_rabbitmq /usr/lib/rabbitmq/bin/rabbitmqctl -n "$rabbit_node" "$@"; }

postgres_start() {
  port_open "$pg_port" && return 0
  if [ ! -f "$pg_dir/PG_VERSION" ]; then
    mkdir -p "$pg_dir" && chown postgres:postgres "$pg_dir" && chmod 700 "$pg_dir"
    as_postgres "$pg_bin/initdb" -D "$pg_dir" --auth=trust -U postgres >/dev/null
  fi
  log "starting PostgreSQL (faults) on 127.0.0.1:$pg_port"
  as_postgres "$pg_bin/pg_ctl" -D "$pg_dir" -l "$pg_dir/server.log" -w -t 60 -o \
    "-p $pg_port -c listen_addresses=127.0.0.1 -c unix_socket_directories=/var/run/postgresql -c max_connections=$pg_max_connections" \
    start >/dev/null
  wait_for PostgreSQL 60 port_open "$pg_port"
  ensure_role_db cinemesh cinema
  ensure_role_db ferretdb ferretdb
}

postgres_stop() {
  [ -f "$pg_dir/postmaster.pid" ] || return 0
  as_postgres "$pg_bin/pg_ctl" -D "$pg_dir" -m immediate -w stop >/dev/null || true
  wait_for "PostgreSQL (faults) to stop" 60 port_closed "$pg_port"
}

rabbitmq_start() {
  port_open "$amqp_port" && return 0
  mkdir -p "$rabbit_dir"
  [ -f "$rabbit_dir/enabled_plugins" ] || echo '[].' >"$rabbit_dir/enabled_plugins"
  chown -R rabbitmq:rabbitmq "$rabbit_dir"
  log "starting RabbitMQ node $rabbit_node on 127.0.0.1:$amqp_port"
  as_rabbitmq RABBITMQ_NODENAME="$rabbit_node" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
    RABBITMQ_NODE_PORT="$amqp_port" RABBITMQ_DIST_PORT="$dist_port" \
    RABBITMQ_MNESIA_BASE="$rabbit_dir/mnesia" RABBITMQ_LOG_BASE="$rabbit_dir/log" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$rabbit_dir/enabled_plugins" RABBITMQ_PID_FILE="$rabbit_dir/rabbitmq.pid" \
    /usr/lib/rabbitmq/bin/rabbitmq-server -detached
  wait_for "RabbitMQ (faults)" 120 rabbitmqctl_node await_startup
  wait_for "RabbitMQ (faults) AMQP port" 60 port_open "$amqp_port"
}

rabbitmq_stop() {
  rabbitmqctl_node status >/dev/null 2>&1 || return 0
  rabbitmqctl_node stop "$rabbit_dir/rabbitmq.pid" >/dev/null || true
  wait_for "RabbitMQ (faults) to stop" 60 port_closed "$amqp_port"
}

mongo_start() { mongo_up; }

mongo_stop() { stop_own ferretdb "--listen-addr 127.0.0.1:$mongo_port" "$mongo_port"; }

redis_start() { redis_up; }

redis_stop() { stop_own redis "redis-server 127.0.0.1:$redis_port" "$redis_port"; }

component() {
  case "$1" in
    postgres | mongo | redis | rabbitmq) echo "$1" ;;
    *) echo "unknown component '$1' (postgres, mongo, redis, rabbitmq)" >&2; exit 2 ;;
  esac
}

faults_up() {
  mkdir -p "$state_dir"
  install_packages
  postgres_start
  redis_start
  rabbitmq_start
  mongo_start
  status
}

faults_down() {
  mongo_stop
  redis_stop
  rabbitmq_stop
  postgres_stop
}

faults_wipe() {
  faults_down
  rm -rf "$pg_dir" "$rabbit_dir" "$state_dir/ferretdb.log" "$state_dir/redis.log"
  log "wiped the fault suite's stores under $state_dir"
}

case "${1:-}" in
  up) faults_up ;;
  down) faults_down ;;
  wipe) faults_wipe ;;
  start) mkdir -p "$state_dir"; "$(component "${2:-}")_start" ;;
  stop) "$(component "${2:-}")_stop" ;;
  status) status ;;
  queues) rabbitmqctl_node list_queues -q --no-table-headers name messages ;;
  env)
    printf 'postgres=%s\nmongo=%s\nredis=%s\nrabbitmq=%s\nrabbitmq-dist=%s\n' \
      "$pg_port" "$mongo_port" "$redis_port" "$amqp_port" "$dist_port"
    ;;
  *) echo "usage: $0 up|down|wipe|status|queues|env|start C|stop C" >&2; exit 2 ;;
esac
