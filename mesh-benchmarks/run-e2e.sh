#!/usr/bin/env bash
# End-to-end comparison on loopback: (a) bare OkHttp, (b) OkHttp + mesh4j with bookinfo's
# 10/10/80 canary, (c) bare OkHttp through a local reverse proxy standing in for a sidecar;
# then the JDK HttpClient transport against a bare JDK HttpClient (JdkEndToEnd).
# Then the retained heap of a Mesh with 100 services / 1,000 endpoints / 1,000 VirtualServices.
#
#   mesh-benchmarks/run-e2e.sh                 # full run (~7 minutes on 2 cores)
#   mesh-benchmarks/run-e2e.sh --requests 2000 --rounds 1    # any harness option overrides
#   PROXY=nginx mesh-benchmarks/run-e2e.sh     # nginx instead of HAProxy; PROXY=none skips (c)
#
# The proxy comes from the Debian packages: installed with apt-get if missing (as root, or with
# passwordless sudo); if that fails the (c) rows say "not available". It gets a generated
# config in a temporary folder, listens on 127.0.0.1 only and is stopped at the end.
# Results: printed, and written to mesh-benchmarks/results/{e2e,footprint}-latest.md.
# Waits (QUIET_WAIT seconds at most, default 600) for the machine to be idle before measuring,
# and holds JMH's machine-wide lock while it measures (JMH runs elsewhere wait for it).
set -euo pipefail
cd "$(dirname "$0")/.."
source mesh-benchmarks/quiet.sh

PROXY="${PROXY:-haproxy}"
PROXY_PORT="${PROXY_PORT:-18080}"
BACKEND_PORTS="${BACKEND_PORTS:-18081,18082,18083}"
# The client JVM: a fixed heap so that heap sizing does not differ between setups.
CLIENT_JAVA_OPTS="${CLIENT_JAVA_OPTS:--Xms1g -Xmx1g -XX:+AlwaysPreTouch}"
RESULTS=mesh-benchmarks/results
JAR=mesh-benchmarks/target/benchmarks.jar

./mvnw -q -B -pl mesh-benchmarks -am package -DskipTests
mkdir -p "$RESULTS"

work="$(mktemp -d)"
proxy_pid=""
cleanup() {
  if [[ -n "$proxy_pid" ]] && kill -0 "$proxy_pid" 2>/dev/null; then
    kill "$proxy_pid" 2>/dev/null || true
    wait "$proxy_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

IFS=, read -r p1 p2 p3 <<<"$BACKEND_PORTS"

# Installs a Debian package if its command is missing; returns non-zero if it cannot.
ensure() {
  local cmd="$1" pkg="$2" sudo=""
  command -v "$cmd" >/dev/null 2>&1 && return 0
  [[ -x "/usr/sbin/$cmd" ]] && return 0
  if [[ "$(id -u)" != 0 ]]; then
    sudo -n true 2>/dev/null || { echo "cannot install $pkg: not root and no passwordless sudo" >&2; return 1; }
    sudo="sudo -n"
  fi
  command -v apt-get >/dev/null 2>&1 || { echo "cannot install $pkg: no apt-get" >&2; return 1; }
  echo "installing $pkg with apt-get" >&2
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$pkg" >&2 \
    || { $sudo apt-get update -q >&2 && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$pkg" >&2; } \
    || { echo "apt-get install $pkg failed" >&2; return 1; }
}

bin() { command -v "$1" 2>/dev/null || echo "/usr/sbin/$1"; }

# Both proxies: two worker threads (an Istio sidecar's default concurrency), keep-alive to
# clients and to the backend, the same 10/10/80 weighted split mesh4j applies, no logging.
start_haproxy() {
  cat >"$work/haproxy.cfg" <<EOF
global
  nbthread 2
  maxconn 4096
defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  option http-keep-alive
  http-reuse always
frontend sidecar
  bind 127.0.0.1:$PROXY_PORT
  default_backend reviews
backend reviews
  balance random
  server v1 127.0.0.1:$p1 weight 10
  server v2 127.0.0.1:$p2 weight 10
  server v3 127.0.0.1:$p3 weight 80
EOF
  "$(bin haproxy)" -c -q -f "$work/haproxy.cfg" || return 1
  "$(bin haproxy)" -db -f "$work/haproxy.cfg" &
  proxy_pid=$!
  proxy_name="$("$(bin haproxy)" -v | head -1 | awk '{print "HAProxy " $3}'): nbthread 2, keep-alive both sides, http-reuse always, balance random 10/10/80"
}

start_nginx() {
  mkdir -p "$work/nginx"
  cat >"$work/nginx.conf" <<EOF
worker_processes 2;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  keepalive_requests 1000000;
  upstream reviews {
    random;
    server 127.0.0.1:$p1 weight=10;
    server 127.0.0.1:$p2 weight=10;
    server 127.0.0.1:$p3 weight=80;
    keepalive 256;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:$PROXY_PORT;
    location / {
      proxy_pass http://reviews;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
  }
}
EOF
  "$(bin nginx)" -t -q -p "$work/nginx" -c "$work/nginx.conf" || return 1
  "$(bin nginx)" -p "$work/nginx" -c "$work/nginx.conf" &
  proxy_pid=$!
  proxy_name="$("$(bin nginx)" -v 2>&1 | sed 's|.*nginx/|nginx |'): 2 workers, keep-alive both sides, random 10/10/80"
}

proxy_args=()
case "$PROXY" in
  haproxy) pkg=haproxy ;;
  nginx) pkg=nginx-light ;;
  none) pkg="" ;;
  *) echo "PROXY must be haproxy, nginx or none" >&2; exit 2 ;;
esac
if [[ -z "$pkg" ]]; then
  proxy_args=(--proxy-unavailable "PROXY=none")
elif ensure "$PROXY" "$pkg" && "start_$PROXY"; then
  sleep 0.5
  if kill -0 "$proxy_pid" 2>/dev/null; then
    proxy_args=(--proxy-url "http://127.0.0.1:$PROXY_PORT" --proxy-pid "$proxy_pid" --proxy-name "$proxy_name")
  else
    proxy_args=(--proxy-unavailable "$PROXY exited at start")
  fi
else
  proxy_args=(--proxy-unavailable "$PROXY could not be installed or started")
fi

wait_for_quiet
# shellcheck disable=SC2086
java $CLIENT_JAVA_OPTS -cp "$JAR" dev.mesh4j.benchmarks.e2e.EndToEndHarness \
  --backend-ports "$BACKEND_PORTS" "${proxy_args[@]}" --machine-lock-wait-s "${QUIET_WAIT:-600}" \
  --out "$RESULTS/e2e-latest.md" "$@"

echo
# The JDK HttpClient transport against a bare JDK HttpClient, instant backend.
# shellcheck disable=SC2086
java $CLIENT_JAVA_OPTS -cp "$JAR" dev.mesh4j.benchmarks.e2e.JdkEndToEnd --out "$RESULTS/e2e-jdkhttp-latest.md"

echo
# One JVM per configuration: a second measurement in the same heap is disturbed by the first.
java -XX:+UseSerialGC -cp "$JAR" dev.mesh4j.benchmarks.footprint.MeshFootprint --out "$RESULTS/footprint-latest.md"
java -XX:+UseSerialGC -cp "$JAR" dev.mesh4j.benchmarks.footprint.MeshFootprint --distinct-regexes true \
  --out "$RESULTS/footprint-distinct-regexes-latest.md"
