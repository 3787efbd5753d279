#!/usr/bin/env bash
# Local engines without Docker: a single-node Apache Kafka (KRaft, broker and controller in one JVM)
# run from the Maven Central jars, the machine's PostgreSQL, and Debian's Chromium for the console's
# browser tests (test/console.e2e-spec.ts).
#
#   engines.sh up      provision and start; prints the settings as KEY=value lines on stdout
#                      (CHROMIUM_PATH only when Chromium is there: without root or apt-get `up` says how to
#                      install it and still brings up Kafka and PostgreSQL)
#   engines.sh down    stop Kafka, and PostgreSQL only if `up` had to start it; Chromium stays installed
#   engines.sh status  one line per engine on stdout; exit 0 only when all three answer
#   engines.sh reset   down, then delete Kafka's data (topics, offsets); the jars stay
#
# stdout carries nothing but the settings of `up` (and the lines of `status`); progress goes to stderr.
# Environment: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (KAFKA_PORT+1), KAFKA_VERSION (the pom's),
# KAFKA_HEAP_OPTS, KAFKA_WAIT_TIMEOUT_MS (60000), KAFKA_AUTO_CREATE_TOPICS (false),
# PG_PORT (5432), PG_USER (postgres), PG_DATABASE (cmx), JAVA_HOME,
# CHROMIUM_PATH (/usr/bin/chromium: only that one is installed when missing, another must exist).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/scripts/engines"
STATE="$ROOT/.engines"
KAFKA_STATE="$STATE/kafka"
LIBS="$KAFKA_STATE/libs"
DATA="$KAFKA_STATE/data"
PROPS="$KAFKA_STATE/server.properties"
PIDFILE="$KAFKA_STATE/kafka.pid"
LOG="$KAFKA_STATE/kafka.log"
PG_MARKER="$STATE/postgres.started"

KAFKA_HOST=127.0.0.1
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-}"
KAFKA_VERSION="${KAFKA_VERSION:-}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xmx512m -Xms256m}"
KAFKA_WAIT_TIMEOUT_MS="${KAFKA_WAIT_TIMEOUT_MS:-60000}"
KAFKA_AUTO_CREATE_TOPICS="${KAFKA_AUTO_CREATE_TOPICS:-false}"
PG_HOST=127.0.0.1
PG_PORT="${PG_PORT:-5432}"
PG_USER="${PG_USER:-postgres}"
PG_DATABASE="${PG_DATABASE:-cmx}"
DEBIAN_CHROMIUM=/usr/bin/chromium
CHROMIUM_PATH="${CHROMIUM_PATH:-$DEBIAN_CHROMIUM}"

log() { printf 'engines: %s\n' "$*" >&2; }
die() { printf 'engines: error: %s\n' "$*" >&2; exit 1; }

check_settings() {
  local name value
  [[ "$KAFKA_PORT" =~ ^[0-9]+$ ]] || die "KAFKA_PORT=$KAFKA_PORT is not a TCP port"
  KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}"
  for name in KAFKA_PORT KAFKA_CONTROLLER_PORT PG_PORT; do
    value="${!name}"
    if ! [[ "$value" =~ ^[0-9]+$ ]] || ((value < 1 || value > 65535)); then
      die "$name=$value is not a TCP port"
    fi
  done
  [[ "$KAFKA_PORT" != "$KAFKA_CONTROLLER_PORT" ]] || die "KAFKA_PORT and KAFKA_CONTROLLER_PORT are both $KAFKA_PORT"
  [[ "$KAFKA_WAIT_TIMEOUT_MS" =~ ^[0-9]+$ ]] || die "KAFKA_WAIT_TIMEOUT_MS=$KAFKA_WAIT_TIMEOUT_MS is not a number of milliseconds"
  [[ "$KAFKA_AUTO_CREATE_TOPICS" =~ ^(true|false)$ ]] || die "KAFKA_AUTO_CREATE_TOPICS=$KAFKA_AUTO_CREATE_TOPICS must be true or false"
  [[ "$PG_DATABASE" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "PG_DATABASE=$PG_DATABASE is not a plain database name"
  [[ "$PG_USER" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "PG_USER=$PG_USER is not a plain role name"
  [[ -z "$KAFKA_VERSION" || "$KAFKA_VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "KAFKA_VERSION=$KAFKA_VERSION is not a version like 4.1.1"
  [[ "$CHROMIUM_PATH" == /* ]] || die "CHROMIUM_PATH=$CHROMIUM_PATH is not an absolute path"
}

lock() {
  mkdir -p "$STATE"
  command -v flock >/dev/null || return 0
  exec 9>"$STATE/.lock"
  flock -w 180 9 || die "another engines.sh holds $STATE/.lock"
}

# ---------------------------------------------------------------- tools

JAVA=""
find_java() {
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
    JAVA="$JAVA_HOME/bin/java"
  elif command -v java >/dev/null; then
    JAVA="$(command -v java)"
  else
    die "java not found: Kafka needs Java 17 or later (apt-get install openjdk-17-jre-headless, or set JAVA_HOME)"
  fi
  local version major
  version="$("$JAVA" -version 2>&1 | awk -F'"' '/ version "/ { print $2; exit }')"
  major="${version%%.*}"
  [[ "$major" == 1 ]] && major="$(cut -d. -f2 <<<"$version")"
  [[ "$major" =~ ^[0-9]+$ ]] || die "cannot tell the version of $JAVA (java -version said: $("$JAVA" -version 2>&1 | head -n1))"
  ((major >= 17)) || die "$JAVA is Java $version; Kafka needs Java 17 or later (set JAVA_HOME to a JDK 17+)"
}

need_node() {
  command -v node >/dev/null || die "node not found: it runs scripts/engines/wait-for-kafka.js"
}

# ---------------------------------------------------------------- processes and ports

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# "users:(("java",pid=123,fd=150))" lines of whatever listens on a TCP port, on any address.
port_listeners() {
  command -v ss >/dev/null || return 0
  ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'users:.*' || true
}

port_taken() { port_open "$KAFKA_HOST" "$1" || [[ -n "$(port_listeners "$1")" ]]; }

is_kafka_pid() {
  [[ -r "/proc/$1/cmdline" ]] && tr '\0' ' ' <"/proc/$1/cmdline" | grep -q ' kafka\.Kafka '
}

# The pid of the Kafka this checkout started, if it is still alive.
our_kafka_pid() {
  [[ -f "$PIDFILE" ]] || return 1
  local pid
  pid="$(cat "$PIDFILE")"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && is_kafka_pid "$pid" && echo "$pid"
}

# The pid of a Kafka listening on the port that another checkout (or someone else) started.
foreign_kafka_pid() {
  local pid
  for pid in $(port_listeners "$1" | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u); do
    if is_kafka_pid "$pid"; then
      echo "$pid"
      return 0
    fi
  done
  return 1
}

wait_for_kafka() { # pid
  node "$HERE/wait-for-kafka.js" "$KAFKA_HOST:$KAFKA_PORT" "$KAFKA_WAIT_TIMEOUT_MS" "$1"
}

# ---------------------------------------------------------------- Kafka

kafka_version() {
  local jars jar
  jars=("$LIBS"/kafka_2.13-*.jar)
  [[ -f "${jars[0]}" ]] || return 1
  jar="${jars[0]##*/kafka_2.13-}"
  echo "${jar%.jar}"
}

provision_kafka_jars() {
  local stamp="$LIBS/.provisioned" want
  want="$(sha256sum "$HERE/kafka/pom.xml" | cut -d' ' -f1) ${KAFKA_VERSION:-pom}"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    return 0
  fi
  command -v mvn >/dev/null || die "mvn not found: it fetches the Kafka jars from Maven Central (apt-get install maven)"
  local version="${KAFKA_VERSION:-of the pom}"
  log "fetching the Kafka jars ($version) from Maven Central into $LIBS (cached in ~/.m2)"
  local args=(-B -q -Dstyle.color=never -f "$HERE/kafka/pom.xml" dependency:copy-dependencies
    -DincludeScope=runtime -DoutputDirectory="$LIBS.tmp")
  [[ -n "$KAFKA_VERSION" ]] && args+=("-Dkafka.version=$KAFKA_VERSION")
  rm -rf "$LIBS.tmp"
  local out
  if ! out="$(mvn "${args[@]}" 2>&1)"; then
    printf '%s\n' "$out" >&2
    die "Maven could not fetch the Kafka jars (see its output above; is Maven Central reachable?)"
  fi
  rm -rf "$LIBS"
  mv "$LIBS.tmp" "$LIBS"
  echo "$want" >"$LIBS/.provisioned"
}

write_server_properties() {
  sed -e "s|@KAFKA_PORT@|$KAFKA_PORT|g" \
    -e "s|@CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g" \
    -e "s|@DATA_DIR@|$DATA|g" \
    -e "s|@AUTO_CREATE_TOPICS@|$KAFKA_AUTO_CREATE_TOPICS|g" \
    "$HERE/kafka/server.properties.template" >"$PROPS"
}

java_opts() {
  # shellcheck disable=SC2206 # KAFKA_HEAP_OPTS is a list of JVM flags
  JAVA_OPTS=($KAFKA_HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35
    -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true
    "-Dlog4j2.configurationFile=$HERE/kafka/log4j2.properties" "-Dkafka.logs.dir=$KAFKA_STATE"
    -cp "$LIBS/*")
}

format_storage() {
  [[ -f "$DATA/meta.properties" ]] && return 0
  local cluster_id
  cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
  log "formatting $DATA (cluster id $cluster_id)"
  mkdir -p "$DATA"
  # One argument, --cluster-id=…: an id that begins with "-" (one in 64 does) would be read as an option.
  "$JAVA" "${JAVA_OPTS[@]}" kafka.tools.StorageTool format --cluster-id="$cluster_id" -c "$PROPS" >&2 ||
    die "kafka.tools.StorageTool format failed (see above)"
}

# The client port the running Kafka of this checkout was started with.
running_kafka_port() {
  sed -n 's|^listeners=PLAINTEXT://[^:]*:\([0-9]*\).*|\1|p' "$PROPS" 2>/dev/null
}

kafka_up() {
  local pid
  if pid="$(our_kafka_pid)"; then
    local running_port
    running_port="$(running_kafka_port)"
    if [[ "$running_port" != "$KAFKA_PORT" ]]; then
      die "the Kafka of this checkout (pid $pid) runs on port ${running_port:-?}, not $KAFKA_PORT: run engines.sh down first to change KAFKA_PORT"
    fi
    log "Kafka already running (pid $pid)"
    wait_for_kafka "$pid" || die "Kafka (pid $pid) runs but does not answer on $KAFKA_HOST:$KAFKA_PORT; see $LOG or run engines.sh down"
    return 0
  fi
  rm -f "$PIDFILE"

  if pid="$(foreign_kafka_pid "$KAFKA_PORT")"; then
    log "reusing the Kafka already listening on $KAFKA_PORT (pid $pid, not started from this checkout: engines.sh down here leaves it running)"
    wait_for_kafka "$pid" || die "the Kafka on port $KAFKA_PORT (pid $pid) does not answer; stop it or set KAFKA_PORT"
    return 0
  fi
  local port
  for port in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
    if port_taken "$port"; then
      local holder
      holder="$(port_listeners "$port" | head -n1)"
      die "port $port on $KAFKA_HOST is taken by ${holder:-another process}; stop it or set KAFKA_PORT (and KAFKA_CONTROLLER_PORT) to free ports"
    fi
  done

  find_java
  need_node
  mkdir -p "$KAFKA_STATE"
  provision_kafka_jars
  write_server_properties
  java_opts
  format_storage

  log "starting Kafka $(kafka_version) on $KAFKA_HOST:$KAFKA_PORT (controller $KAFKA_CONTROLLER_PORT), log $LOG"
  printf '\n===== %s engines.sh up: Kafka %s =====\n' "$(date -Is)" "$(kafka_version)" >>"$LOG"
  local log_start
  log_start="$(stat -c %s "$LOG")"
  # setsid: the broker must outlive this script and not get the terminal's Ctrl-C;
  # every standard stream is redirected so that `$(engines.sh up)` does not wait for the JVM.
  # shellcheck disable=SC2016 # expanded by the inner bash
  setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' start-kafka "$PIDFILE" \
    "$JAVA" "${JAVA_OPTS[@]}" kafka.Kafka "$PROPS" </dev/null >>"$LOG" 2>&1 9>&- &
  for _ in $(seq 50); do
    [[ -s "$PIDFILE" ]] && break
    sleep 0.1
  done
  pid="$(cat "$PIDFILE" 2>/dev/null || true)"
  [[ -n "$pid" ]] || die "Kafka did not start (no pid written); see $LOG"

  if ! wait_for_kafka "$pid"; then
    log "last lines of $LOG:"
    tail -c "+$((log_start + 1))" "$LOG" | tail -n 40 >&2
    kill_kafka "$pid"
    die "Kafka did not come up; full log in $LOG"
  fi
  log "Kafka up (pid $pid)"
}

kill_kafka() { # pid
  local pid="$1"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 600); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "Kafka (pid $pid) still running after 60 s: killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$PIDFILE"
}

kafka_down() {
  local pid
  if pid="$(our_kafka_pid)"; then
    log "stopping Kafka (pid $pid)"
    kill_kafka "$pid"
    log "Kafka stopped"
  else
    rm -f "$PIDFILE"
    log "Kafka was not running from this checkout"
    if pid="$(foreign_kafka_pid "$KAFKA_PORT")"; then
      log "a Kafka started elsewhere (pid $pid) still listens on $KAFKA_PORT: left running"
    fi
  fi
}

# ---------------------------------------------------------------- PostgreSQL

pg_ready() {
  if command -v pg_isready >/dev/null; then
    pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -t 3
  else
    port_open "$PG_HOST" "$PG_PORT"
  fi
}

psql_admin() {
  PGCONNECT_TIMEOUT=5 psql -X -w -q -tA -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres "$@"
}

start_postgres() {
  if ! command -v pg_lsclusters >/dev/null || ! command -v pg_ctlcluster >/dev/null; then
    die "PostgreSQL does not answer on $PG_HOST:$PG_PORT and Debian's pg_ctlcluster is missing: start your PostgreSQL (apt-get install postgresql)"
  fi
  local cluster
  cluster="$(pg_lsclusters -h | awk -v port="$PG_PORT" '$3 == port { print $1, $2; exit }')"
  [[ -n "$cluster" ]] || die "PostgreSQL does not answer on $PG_HOST:$PG_PORT and no cluster is configured on that port (pg_lsclusters)"
  if [[ $EUID -ne 0 ]]; then
    die "PostgreSQL cluster $cluster is down; starting it needs root: sudo pg_ctlcluster --skip-systemctl-redirect $cluster start"
  fi
  log "PostgreSQL does not answer on $PG_HOST:$PG_PORT: starting cluster $cluster"
  # shellcheck disable=SC2086 # $cluster is "<version> <name>", two arguments
  pg_ctlcluster --skip-systemctl-redirect $cluster start >&2 9>&- ||
    die "pg_ctlcluster $cluster start failed; see /var/log/postgresql/postgresql-${cluster/ /-}.log"
  echo "$cluster" >"$PG_MARKER"
  for _ in $(seq 60); do
    pg_ready && return 0
    sleep 0.5
  done
  die "PostgreSQL cluster $cluster started but does not answer on $PG_HOST:$PG_PORT after 30 s"
}

postgres_up() {
  command -v psql >/dev/null || die "psql not found (apt-get install postgresql-client)"
  if pg_ready; then
    log "PostgreSQL answers on $PG_HOST:$PG_PORT"
  else
    start_postgres
  fi
  local exists
  exists="$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DATABASE'")" ||
    die "cannot query PostgreSQL on $PG_HOST:$PG_PORT as $PG_USER without a password (trust auth expected; set PG_USER)"
  if [[ "$exists" != 1 ]]; then
    log "creating database $PG_DATABASE"
    psql_admin -c "CREATE DATABASE \"$PG_DATABASE\"" >&2 || die "could not create database $PG_DATABASE"
  fi
}

postgres_down() {
  if [[ -f "$PG_MARKER" ]]; then
    local cluster
    cluster="$(cat "$PG_MARKER")"
    log "stopping PostgreSQL cluster $cluster (engines.sh up had started it)"
    # shellcheck disable=SC2086
    pg_ctlcluster --skip-systemctl-redirect $cluster stop >&2 || die "pg_ctlcluster $cluster stop failed"
    rm -f "$PG_MARKER"
  else
    log "PostgreSQL left running (engines.sh up did not start it)"
  fi
}

# ---------------------------------------------------------------- Chromium

chromium_version() {
  local version
  version="$("$CHROMIUM_PATH" --version 2>/dev/null | head -n1)" && [[ -n "$version" ]] && echo "$version"
}

apt_candidate() { # package
  apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ { print $2; exit }'
}

apt_install_chromium() {
  # --no-install-recommends: chromium-common recommends a notification daemon, which may bring a whole desktop.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=180 chromium \
    </dev/null >&2 9>&-
}

# Installs Debian's chromium when CHROMIUM_PATH (/usr/bin/chromium) is missing. Never stops the other engines:
# where it cannot install, it says how to in one line and returns 1, and `up` prints no CHROMIUM_PATH.
chromium_up() {
  if [[ -x "$CHROMIUM_PATH" ]]; then
    log "Chromium present ($CHROMIUM_PATH, $(chromium_version || echo 'version unknown'))"
    return 0
  fi
  local how="as root: apt-get install -y chromium (or set CHROMIUM_PATH to a Chromium or Chrome executable)"
  if [[ "$CHROMIUM_PATH" != "$DEBIAN_CHROMIUM" ]]; then
    log "warning: CHROMIUM_PATH=$CHROMIUM_PATH is not an executable; the console's browser tests will not run. Install Chromium $how"
    return 1
  fi
  if [[ $EUID -ne 0 ]] || ! command -v apt-get >/dev/null; then
    local why="not root"
    command -v apt-get >/dev/null || why="no apt-get"
    log "warning: Chromium is missing ($CHROMIUM_PATH) and cannot be installed here ($why); the console's browser tests will not run. Install it $how"
    return 1
  fi
  local updated=0
  if [[ "$(apt_candidate chromium)" =~ ^(|\(none\))$ ]]; then
    log "no chromium in the package lists: apt-get update"
    apt-get update -q </dev/null >&2 9>&- || log "apt-get update failed (see above)"
    updated=1
  fi
  log "installing Chromium: apt-get install -y --no-install-recommends chromium"
  if ! apt_install_chromium && ((updated == 0)); then
    # The lists may name a version the mirror no longer has: once more with fresh lists.
    log "apt-get install failed: apt-get update, then once more"
    apt-get update -q </dev/null >&2 9>&- || log "apt-get update failed (see above)"
    apt_install_chromium || true
  fi
  if [[ ! -x "$CHROMIUM_PATH" ]]; then
    log "warning: apt-get did not install $CHROMIUM_PATH (see above); the console's browser tests will not run. Install it $how"
    return 1
  fi
  log "Chromium installed ($CHROMIUM_PATH, $(chromium_version || echo 'version unknown'))"
}

# ---------------------------------------------------------------- commands

cmd_up() {
  lock
  postgres_up
  kafka_up
  printf 'KAFKA_BROKERS=%s:%s\n' "$KAFKA_HOST" "$KAFKA_PORT"
  printf 'DATABASE_URL=postgres://%s@%s:%s/%s\n' "$PG_USER" "$PG_HOST" "$PG_PORT" "$PG_DATABASE"
  if chromium_up; then
    printf 'CHROMIUM_PATH=%s\n' "$CHROMIUM_PATH"
  fi
}

cmd_down() {
  lock
  kafka_down
  postgres_down
}

cmd_status() {
  local ok=0 pid
  if pid="$(our_kafka_pid)"; then
    local port
    port="$(running_kafka_port)"
    if port_open "$KAFKA_HOST" "${port:-$KAFKA_PORT}"; then
      echo "kafka: running (pid $pid, Kafka $(kafka_version || echo '?'), $KAFKA_HOST:${port:-$KAFKA_PORT})"
    else
      echo "kafka: starting or stuck (pid $pid, nothing on $KAFKA_HOST:${port:-$KAFKA_PORT} yet; see $LOG)"
      ok=1
    fi
  elif pid="$(foreign_kafka_pid "$KAFKA_PORT")"; then
    echo "kafka: running, started elsewhere (pid $pid, $KAFKA_HOST:$KAFKA_PORT)"
  else
    echo "kafka: stopped"
    ok=1
  fi
  if pg_ready; then
    local by="already running"
    [[ -f "$PG_MARKER" ]] && by="started by engines.sh up"
    echo "postgres: ready ($PG_HOST:$PG_PORT, $by)"
  else
    echo "postgres: not answering on $PG_HOST:$PG_PORT"
    ok=1
  fi
  local version
  if [[ -x "$CHROMIUM_PATH" ]] && version="$(chromium_version)"; then
    echo "chromium: installed ($CHROMIUM_PATH, $version)"
  elif [[ -x "$CHROMIUM_PATH" ]]; then
    echo "chromium: $CHROMIUM_PATH does not run (\`$CHROMIUM_PATH --version\` failed)"
    ok=1
  else
    echo "chromium: missing ($CHROMIUM_PATH; engines.sh up installs it as root with apt-get)"
    ok=1
  fi
  return "$ok"
}

cmd_reset() {
  cmd_down
  log "deleting Kafka's data in $DATA"
  rm -rf "$DATA"
}

check_settings
case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  reset) cmd_reset ;;
  *)
    echo "usage: $0 up|down|status|reset" >&2
    exit 2
    ;;
esac
