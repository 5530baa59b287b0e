#!/usr/bin/env bash
# Starts the real servers the integration tests talk to (GCS and BigQuery have no server that runs
# here: their tests use in-process stand-ins, named StandIn; SQLite and DuckDB are embedded):
#   up    PostgreSQL (the Debian/Ubuntu cluster) with role+db flowcore/flowcore, S3Mock on 127.0.0.1:19090
#         with bucket flowcore-test, the awscli/s3cmd clients, Azurite's blob service on 127.0.0.1:10000
#         (installed once with npm), python3-aiosmtpd (a STARTTLS SMTP server the email tests start), a Docker
#         engine (no bridge: containers use host networking) with the images built offline from
#         docker/*/Dockerfile; then writes $STATE/env.sh for the tests.
#   down  stops S3Mock, Azurite and the Docker engine (PostgreSQL is a system service and stays up;
#         images persist).
#   docker  only the Docker part of `up` (the engine and the images).
#   env   prints the env file, for `eval "$(bash .ci/test-infra.sh env)"`.
# Idempotent: `up` on a running set-up only re-checks it.
set -euo pipefail
cd "$(dirname "$0")/.."

STATE=${FLOWCORE_INFRA_DIR:-/tmp/flowcore-infra}
S3MOCK_VERSION=5.2.0
S3_HTTP_PORT=19090
S3_HTTPS_PORT=19191   # S3Mock's `server.port` is its https connector; it must differ from http.port
S3_BUCKET=flowcore-test
AZURITE_VERSION=3.37.0
AZURITE_PORT=10000
# Azurite's documented development account and its well-known key (public, the same for every Azurite).
AZURITE_ACCOUNT=devstoreaccount1
AZURITE_KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
export DEBIAN_FRONTEND=noninteractive

log() { echo "test-infra: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Root here; on GitHub's runner we are a user with password-less sudo.
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
# cd /tmp: su/sudo to postgres from a cwd it cannot read prints warnings.
as_postgres() { (cd /tmp && if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi); }

APT_UPDATED=""
apt_install() {
  [ -n "$APT_UPDATED" ] || { as_root apt-get update -qq; APT_UPDATED=1; }
  log "installing $* with apt"
  as_root apt-get install -y -qq "$@" >/dev/null
}
# (No `| grep -q` under pipefail: grep quitting early makes apt-cache die of SIGPIPE.)
apt_has() { [[ $(apt-cache policy "$1" 2>/dev/null) == *"Candidate: "[0-9]* ]]; }

# ---------------------------------------------------------------- PostgreSQL
pg_up() {
  # The server binaries, not just the psql client, must be there.
  if ! command -v pg_lsclusters >/dev/null || ! compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; then
    apt_install postgresql
  fi
  # Use whatever cluster exists (Debian 12: 15/main, Ubuntu 24.04: 16/main); create one if there is none.
  local ver name port
  read -r ver name port _ < <(pg_lsclusters -h | head -n1) || true
  if [ -z "${ver:-}" ]; then
    ver=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -n | tail -n1)
    log "no PostgreSQL cluster: creating $ver/main"
    as_root pg_createcluster "$ver" main >/dev/null
    read -r ver name port _ < <(pg_lsclusters -h | head -n1)
  fi
  # `start` on a running cluster exits 2, so ask first (as root: a user may not read the pid file).
  as_root pg_ctlcluster "$ver" "$name" status >/dev/null 2>&1 || as_root pg_ctlcluster "$ver" "$name" start
  for _ in $(seq 1 150); do pg_isready -q -h 127.0.0.1 -p "$port" && break; sleep 0.2; done
  pg_isready -q -h 127.0.0.1 -p "$port" || die "PostgreSQL $ver/$name did not answer on port $port"

  # Role and database, idempotently; the password is (re)set so a stale role still works.
  as_postgres psql -q -p "$port" -v ON_ERROR_STOP=1 <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'flowcore') THEN
    CREATE ROLE flowcore LOGIN PASSWORD 'flowcore' CREATEDB;
  ELSE
    ALTER ROLE flowcore LOGIN PASSWORD 'flowcore' CREATEDB;
  END IF;
END $$;
SQL
  [ "$(as_postgres psql -p "$port" -tAc "SELECT 1 FROM pg_database WHERE datname = 'flowcore'")" = 1 ] \
    || as_postgres createdb -p "$port" -O flowcore flowcore
  # Check the way the tests connect: TCP + password (pg_hba's default scram-sha-256 for 127.0.0.1).
  PGPASSWORD=flowcore psql -h 127.0.0.1 -p "$port" -U flowcore -d flowcore -tAc 'select 1' >/dev/null \
    || die "cannot log in to PostgreSQL as flowcore over TCP (check pg_hba.conf)"
  PG_PORT=$port
  log "PostgreSQL $ver/$name up on 127.0.0.1:$port"
}

# ---------------------------------------------------------------- S3Mock
s3_pid() { [ -f "$STATE/s3mock.pid" ] && kill -0 "$(cat "$STATE/s3mock.pid")" 2>/dev/null && cat "$STATE/s3mock.pid"; }
s3_ready() { curl -sf -o /dev/null "http://127.0.0.1:$S3_HTTP_PORT/$S3_BUCKET"; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

s3_up() {
  local jar="$STATE/s3mock-$S3MOCK_VERSION-exec.jar"
  if [ ! -f "$jar" ]; then
    log "fetching S3Mock $S3MOCK_VERSION from Maven Central"
    # -N: run once at the root, not in every module. Copy to a temp dir so a failed download is not cached.
    rm -rf "$STATE/download"
    ./mvnw -B -ntp -q -N dependency:copy -Dartifact="com.adobe.testing:s3mock:$S3MOCK_VERSION:jar:exec" \
      -DoutputDirectory="$STATE/download"
    mv "$STATE/download/$(basename "$jar")" "$jar" && rmdir "$STATE/download"
  fi

  if s3_pid >/dev/null; then
    log "S3Mock already running (pid $(s3_pid))"
  elif port_open "$S3_HTTP_PORT"; then
    # Someone else's server (or ours from a lost state dir): reuse it only if it serves our bucket.
    s3_ready || die "port $S3_HTTP_PORT is taken by something that is not S3Mock with bucket $S3_BUCKET"
    log "reusing the S3 server already on port $S3_HTTP_PORT"
    return 0
  else
    rm -rf "$STATE/s3mock-root"; mkdir -p "$STATE/s3mock-root"   # a fresh, empty store per start
    COM_ADOBE_TESTING_S3MOCK_STORE_ROOT="$STATE/s3mock-root" \
    COM_ADOBE_TESTING_S3MOCK_STORE_INITIAL_BUCKETS="$S3_BUCKET" \
      nohup "$JAVA_HOME/bin/java" -Xmx512m -jar "$jar" \
        --http.port="$S3_HTTP_PORT" --server.port="$S3_HTTPS_PORT" \
        </dev/null >"$STATE/s3mock.log" 2>&1 &
    echo $! >"$STATE/s3mock.pid"
  fi

  # Ready = the bucket answers (the port alone opens a moment before the bucket exists).
  local end=$((SECONDS + 60))
  until s3_ready; do
    if ! s3_pid >/dev/null || ((SECONDS >= end)); then
      log "S3Mock did not become ready on 127.0.0.1:$S3_HTTP_PORT within 60 s; last lines of $STATE/s3mock.log:"
      tail -n 30 "$STATE/s3mock.log" >&2 || true
      s3_down
      exit 1
    fi
    sleep 0.2
  done
  log "S3Mock up on 127.0.0.1:$S3_HTTP_PORT (pid $(s3_pid)), bucket $S3_BUCKET"
}

s3_down() {
  local pid
  pid=$(s3_pid) || { rm -f "$STATE/s3mock.pid"; return 0; }
  kill "$pid"
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$STATE/s3mock.pid"
  log "S3Mock stopped"
}

# ---------------------------------------------------------------- Azurite (Azure Blob Storage)
azurite_pid() { [ -f "$STATE/azurite.pid" ] && kill -0 "$(cat "$STATE/azurite.pid")" 2>/dev/null && cat "$STATE/azurite.pid"; }
# Any HTTP answer means the blob service is up (the unsigned list request gets a 403).
azurite_ready() {
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$AZURITE_PORT/$AZURITE_ACCOUNT?comp=list")" != 000 ]
}

azurite_up() {
  local bin="$STATE/azurite/node_modules/.bin/azurite-blob"
  if [ ! -x "$bin" ] || [ "$(node -p "require('$STATE/azurite/node_modules/azurite/package.json').version" 2>/dev/null)" != "$AZURITE_VERSION" ]; then
    command -v npm >/dev/null || apt_install nodejs npm
    log "installing Azurite $AZURITE_VERSION with npm (about a minute, once)"
    npm install --prefix "$STATE/azurite" --no-audit --no-fund --loglevel=error "azurite@$AZURITE_VERSION" >/dev/null
  fi

  if azurite_pid >/dev/null; then
    log "Azurite already running (pid $(azurite_pid))"
  elif port_open "$AZURITE_PORT"; then
    azurite_ready || die "port $AZURITE_PORT is taken by something that does not answer HTTP like Azurite"
    log "reusing the blob server already on port $AZURITE_PORT"
    return 0
  else
    mkdir -p "$STATE/azurite-data"
    nohup "$bin" --blobHost 127.0.0.1 --blobPort "$AZURITE_PORT" --location "$STATE/azurite-data" \
      --disableTelemetry --skipApiVersionCheck </dev/null >"$STATE/azurite.log" 2>&1 &
    echo $! >"$STATE/azurite.pid"
  fi

  local end=$((SECONDS + 60))
  until azurite_ready; do
    if ! azurite_pid >/dev/null || ((SECONDS >= end)); then
      log "Azurite did not become ready on 127.0.0.1:$AZURITE_PORT within 60 s; last lines of $STATE/azurite.log:"
      tail -n 30 "$STATE/azurite.log" >&2 || true
      azurite_down
      exit 1
    fi
    sleep 0.2
  done
  log "Azurite up on 127.0.0.1:$AZURITE_PORT (pid $(azurite_pid))"
}

azurite_down() {
  local pid
  pid=$(azurite_pid) || { rm -f "$STATE/azurite.pid"; return 0; }
  kill "$pid"
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$STATE/azurite.pid"
  log "Azurite stopped"
}

# ---------------------------------------------------------------- independent S3 clients
# Tests cross-check with Debian's awscli v2 (/usr/bin/aws: a pyenv aws 1.x may come first on PATH)
# and s3cmd (awscli 2.9 cannot upload to S3Mock). Ubuntu 24.04 has no awscli package, so only
# install what apt offers, and tell the tests where the clients are.
clients_up() {
  local missing=()
  [ -x /usr/bin/aws ] || missing+=(awscli)
  command -v s3cmd >/dev/null || missing+=(s3cmd)
  # The STARTTLS SMTP server of EmailNotifierStartTlsTests (GreenMail has no STARTTLS); Debian's python3 only.
  /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || missing+=(python3-aiosmtpd)
  # The browser of flowcore-server's dashboard tests (Playwright drives this binary; it downloads none).
  [ -x /usr/lib/chromium/chromium ] || missing+=(chromium)
  if ((${#missing[@]})); then
    [ -n "$APT_UPDATED" ] || { as_root apt-get update -qq; APT_UPDATED=1; }
    local p ok=()
    for p in "${missing[@]}"; do if apt_has "$p"; then ok+=("$p"); else log "apt has no $p; skipping it"; fi; done
    ((${#ok[@]} == 0)) || apt_install "${ok[@]}"
  fi
  AWS_CLI=/usr/bin/aws; [ -x "$AWS_CLI" ] || AWS_CLI=$(command -v aws || true)
  S3CMD=$(command -v s3cmd || true)
  cat >"$STATE/s3cmd.cfg" <<EOF
[default]
access_key = test
secret_key = test
host_base = 127.0.0.1:$S3_HTTP_PORT
host_bucket = 127.0.0.1:$S3_HTTP_PORT
use_https = False
signature_v2 = False
EOF
}

# ---------------------------------------------------------------- Docker engine and offline images
# No registry is reachable from the test machines, so every image is built here: a Debian base by
# debootstrap, then the project's images from docker/*/Dockerfile. No bridge and no iptables rules:
# containers run with host networking (or none), so all test traffic stays on loopback.
docker_ready() { docker version >/dev/null 2>&1; }
dockerd_pid() { [ -f "$STATE/dockerd.pid" ] && kill -0 "$(cat "$STATE/dockerd.pid")" 2>/dev/null && cat "$STATE/dockerd.pid"; }
# The label an image carries: the hash of the files it is built from, so a changed Dockerfile rebuilds it.
image_label() { docker image inspect -f '{{index .Config.Labels "io.flowcore.source"}}' "$1" 2>/dev/null || true; }
timed() { local t=$SECONDS; "$@"; log "$1 took $((SECONDS - t)) s"; }

dockerd_up() {
  local missing=()
  command -v dockerd >/dev/null || missing+=(docker.io)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  ((${#missing[@]} == 0)) || apt_install --no-install-recommends "${missing[@]}"
  if docker_ready; then log "Docker engine already answering"; return 0; fi
  nohup dockerd --storage-driver=overlay2 --bridge=none --iptables=false \
    </dev/null >"$STATE/dockerd.log" 2>&1 &
  echo $! >"$STATE/dockerd.pid"
  local end=$((SECONDS + 60))
  until docker_ready; do
    if ! dockerd_pid >/dev/null || ((SECONDS >= end)); then
      log "dockerd did not answer within 60 s; last lines of $STATE/dockerd.log:"
      tail -n 30 "$STATE/dockerd.log" >&2 || true
      docker_down
      exit 1
    fi
    sleep 0.1
  done
  log "Docker engine up (pid $(dockerd_pid))"
}

base_image_up() {
  docker image inspect local/debian-bookworm >/dev/null 2>&1 && return 0
  # The mirror apt already uses (deb822 sources on Debian 12, else the classic list).
  local mirror
  mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$mirror" ] || mirror=$(awk '$1=="deb"{print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  [ -n "$mirror" ] || mirror=http://deb.debian.org/debian
  log "building local/debian-bookworm with debootstrap from $mirror (about 2 minutes, once)"
  as_root rm -rf "$STATE/rootfs"
  as_root debootstrap --variant=minbase bookworm "$STATE/rootfs" "$mirror" >"$STATE/debootstrap.log" 2>&1 \
    || { tail -n 30 "$STATE/debootstrap.log" >&2; die "debootstrap failed (log: $STATE/debootstrap.log)"; }
  as_root tar -C "$STATE/rootfs" -c . | docker import - local/debian-bookworm >/dev/null
  as_root rm -rf "$STATE/rootfs"
}

# project_image NAME DIR [extra build args...]: builds docker/DIR/Dockerfile with the context in $STATE
# (prepared by the caller) unless the image exists with the same source hash.
project_image() {
  local name=$1 dir=$2 ctx=$3 hash
  hash=$(cat "docker/$dir/Dockerfile" "${@:4}" | sha256sum | cut -c1-16)
  [ "$(image_label "$name")" = "$hash" ] && return 0
  log "building $name from docker/$dir/Dockerfile"
  cp "docker/$dir/Dockerfile" "$ctx/Dockerfile"
  docker build -q --network host --label "io.flowcore.source=$hash" -t "$name" "$ctx" >"$STATE/build-$dir.log" 2>&1 \
    || { tail -n 30 "$STATE/build-$dir.log" >&2; die "building $name failed (log: $STATE/build-$dir.log)"; }
}

jdk_image_up() {
  local ctx="$STATE/docker-jdk" hash
  # The JDK's release file names its version: a new JDK rebuilds the image.
  hash=$(cat docker/jdk/Dockerfile "$JAVA_HOME/release" | sha256sum | cut -c1-16)
  [ "$(image_label local/flowcore-jdk)" = "$hash" ] && return 0
  rm -rf "$ctx"; mkdir -p "$ctx"
  cp -a "$(readlink -f "$JAVA_HOME")" "$ctx/jdk"
  project_image local/flowcore-jdk jdk "$ctx" "$JAVA_HOME/release"
  rm -rf "$ctx"
}

postgres_image_up() {
  local ctx="$STATE/docker-postgres"
  mkdir -p "$ctx"
  project_image local/flowcore-postgres postgres "$ctx"
  rm -rf "$ctx"
}

# local/flowcore-examples, the image yearly-report/docker runs in: the examples' jars and their runtime
# dependencies on local/flowcore-jdk (docker/examples/build.sh; it packages them with Maven and skips the
# image build when the jars are unchanged).
examples_image_up() {
  bash docker/examples/build.sh >"$STATE/build-examples.log" 2>&1 \
    || { tail -n 30 "$STATE/build-examples.log" >&2; die "building local/flowcore-examples failed (log: $STATE/build-examples.log)"; }
}

docker_up() {
  timed dockerd_up
  timed base_image_up
  timed jdk_image_up
  timed postgres_image_up
  timed examples_image_up
  log "Docker images: $(docker image ls --format '{{.Repository}}' | grep '^local/' | sort | tr '\n' ' ')"
}

docker_down() {
  local pid
  pid=$(dockerd_pid) || { rm -f "$STATE/dockerd.pid"; return 0; }
  kill "$pid"
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$STATE/dockerd.pid"
  log "Docker engine stopped"
}

write_env() {
  cat >"$STATE/env.sh.tmp" <<EOF
# Written by .ci/test-infra.sh up: source it before running the tests.
export FLOWCORE_PG_URL=jdbc:postgresql://127.0.0.1:$PG_PORT/flowcore
export FLOWCORE_PG_PORT=$PG_PORT
export FLOWCORE_PG_USER=flowcore
export FLOWCORE_PG_PASSWORD=flowcore
export FLOWCORE_S3_ENDPOINT=http://127.0.0.1:$S3_HTTP_PORT
export FLOWCORE_S3_ACCESS_KEY=test
export FLOWCORE_S3_SECRET_KEY=test
export FLOWCORE_S3_REGION=us-east-1
export FLOWCORE_S3_BUCKET=$S3_BUCKET
export FLOWCORE_AWS_CLI=$AWS_CLI
export FLOWCORE_S3CMD=$S3CMD
export FLOWCORE_S3CMD_CONFIG=$STATE/s3cmd.cfg
export FLOWCORE_AZURE_CONNECTION_STRING='DefaultEndpointsProtocol=http;AccountName=$AZURITE_ACCOUNT;AccountKey=$AZURITE_KEY;BlobEndpoint=http://127.0.0.1:$AZURITE_PORT/$AZURITE_ACCOUNT;'
# Testcontainers on a daemon without registry access (also set in the parent pom's surefire config):
# no gateway probe (it pulls alpine), no Ryuk (its image cannot be pulled), no start-up checks (they pull).
export TESTCONTAINERS_HOST_OVERRIDE=localhost
export TESTCONTAINERS_RYUK_DISABLED=true
export TESTCONTAINERS_CHECKS_DISABLE=true
EOF
  mv "$STATE/env.sh.tmp" "$STATE/env.sh"
  log "wrote $STATE/env.sh"
}

case "${1:-}" in
  up)
    mkdir -p "$STATE"
    # shellcheck source=.ci/java-home.sh
    source .ci/java-home.sh    # S3Mock and ./mvnw need a JDK
    pg_up
    s3_up
    azurite_up
    clients_up
    docker_up
    write_env
    ;;
  down) s3_down; azurite_down; docker_down ;;
  docker) mkdir -p "$STATE"; source .ci/java-home.sh; docker_up ;;   # only the Docker part of `up`
  env)  cat "$STATE/env.sh" 2>/dev/null || die "no $STATE/env.sh: run '$0 up' first" ;;
  *)    echo "usage: $0 up|down|docker|env" >&2; exit 2 ;;
esac
