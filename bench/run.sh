#!/usr/bin/env bash
# Adit benchmark: direct vs nginx one-hop vs ssh -R vs Adit, side by side, on loopback only.
#
#   bench/run.sh [--rounds N] [--duration S] [--idle-tunnels N] [--idle-links K] [--prop-samples N]
#                [--skip-build] [--skip-idle] [--skip-prop] [--skip-profile]
#                [--skip-tls] [--only-tls] [--tls-rounds N] [--tls-time S]
#
# --idle-links: connections per idle tunnel (default 2, what `adit PORT` opens).
# --only-tls: only the TLS comparison (edge TLS listener, edge mode vs passthrough vs direct nginx TLS:
# handshakes/s and 100 MB download/upload over https); no wrk, ssh, proxy, idle, propagation, profile.
#
# Installs wrk, nginx, openssh (apt-get) if missing, builds edge-fleet, starts every server on
# 127.0.0.1 only, runs bounded loads (wrk -d, curl --max-time, every wait loop has a deadline),
# prints a results table and writes it to bench/results/results-<timestamp>.md (and latest.md).
# Every process it starts is stopped by PID on exit.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=2; DURATION=15; CONNS=64; THREADS=2; IDLE_N=10000; IDLE_LINKS=2; PROP_N=100; DL_RUNS=3; UL_RUNS=3
SKIP_BUILD=0; SKIP_IDLE=0; SKIP_PROP=0; SKIP_PROFILE=0; SKIP_TLS=0; ONLY_TLS=0; TLS_ROUNDS=2; TLS_TIME=10
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --idle-tunnels) IDLE_N=$2; shift 2 ;;
    --idle-links) IDLE_LINKS=$2; shift 2 ;;
    --prop-samples) PROP_N=$2; shift 2 ;;
    --skip-build) SKIP_BUILD=1; shift ;;
    --skip-idle) SKIP_IDLE=1; shift ;;
    --skip-prop) SKIP_PROP=1; shift ;;
    --skip-profile) SKIP_PROFILE=1; shift ;;
    --skip-tls) SKIP_TLS=1; shift ;;
    --only-tls) ONLY_TLS=1; shift ;;
    --tls-rounds) TLS_ROUNDS=$2; shift 2 ;;
    --tls-time) TLS_TIME=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
if [ $ONLY_TLS -eq 1 ]; then SKIP_TLS=0; SKIP_IDLE=1; SKIP_PROP=1; SKIP_PROFILE=1; fi

# Fixed loopback ports (override with env if they clash).
P_UP=${P_UP:-18080}; P_PROXY=${P_PROXY:-18081}; P_SSHD=${P_SSHD:-18022}; P_SSHR=${P_SSHR:-18082}
P_ADIT=${P_ADIT:-18083}; P_ADIT_AGENT=${P_ADIT_AGENT:-18084}; P_ADIT_ADMIN=${P_ADIT_ADMIN:-18085}; P_ADIT_INT=${P_ADIT_INT:-18086}
P_DDB=${P_DDB:-18090}; P_UP_TLS=${P_UP_TLS:-18087}; P_ADIT_TLS=${P_ADIT_TLS:-18088}

TS=$(date +%Y%m%d-%H%M%S)
RES_DIR="$ROOT/bench/results"; RAW="$RES_DIR/raw-$TS"; mkdir -p "$RAW"
W=$(mktemp -d /tmp/adit-bench.XXXXXX)          # configs, keys, logs, JFR files
SHM=$(mktemp -d /dev/shm/adit-bench.XXXXXX)     # upload sink (tmpfs: measures the relay, not the disk)
RESULT="$RES_DIR/results-$TS.md"
PIDS=()

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
fail() { log "FAILED: $*"; exit 1; }

cleanup() {
  local i
  for ((i=${#PIDS[@]}-1; i>=0; i--)); do kill "${PIDS[$i]}" 2>/dev/null; done
  sleep 1
  for ((i=${#PIDS[@]}-1; i>=0; i--)); do kill -9 "${PIDS[$i]}" 2>/dev/null; done
  rm -rf "$SHM" "$W/www"   # keep logs and JFR files in $W, drop the 100 MB test file
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------------ tools
need_pkgs=()
command -v wrk >/dev/null || need_pkgs+=(wrk)
command -v nginx >/dev/null || need_pkgs+=(nginx-light)
[ -x /usr/sbin/sshd ] || need_pkgs+=(openssh-server)
command -v ssh >/dev/null || need_pkgs+=(openssh-client)
command -v curl >/dev/null || need_pkgs+=(curl)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  log "installing ${need_pkgs[*]}"
  apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need_pkgs[@]}" >/dev/null \
    || fail "apt-get install ${need_pkgs[*]}"
fi
if [ -z "${JAVA_HOME:-}" ] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
JAVA="$JAVA_HOME/bin/java"; JCMD="$JAVA_HOME/bin/jcmd"; JFR="$JAVA_HOME/bin/jfr"
[ -x "$JAVA" ] || fail "no JDK 21+ (set JAVA_HOME)"

# ------------------------------------------------------------------ build + classpath
cd "$ROOT"
if [ $SKIP_BUILD -eq 0 ]; then
  log "building edge-fleet (mvn install -DskipTests, compiles test classes too)"
  mvn -B -q -o -pl edge-fleet -am install -DskipTests >"$W/build.log" 2>&1 \
    || mvn -B -q -pl edge-fleet -am install -DskipTests >"$W/build.log" 2>&1 || { cat "$W/build.log"; fail build; }
fi
mvn -B -q -o -pl edge-fleet dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$W/cp.txt" >"$W/cp.log" 2>&1 \
  || mvn -B -q -pl edge-fleet dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$W/cp.txt" >"$W/cp.log" 2>&1 \
  || { cat "$W/cp.log"; fail classpath; }
# Snapshot the compiled classes: other people's builds in the same tree must not pull them away mid-run.
for d in classes test-classes; do cp -r "$ROOT/edge-fleet/target/$d" "$W/$d" || fail "copy target/$d"; done
[ -f "$W/classes/dev/adit/edge/EdgeServer.class" ] && [ -f "$W/test-classes/dev/adit/bench/BenchStack.class" ] \
  || fail "edge-fleet classes missing (build first, or drop --skip-build)"
CP="$W/test-classes:$W/classes:$(cat "$W/cp.txt")"
# the flags ./adit runs with (no leak tracking), plus any given for an experiment
JLOG="-Dlogback.configurationFile=$ROOT/bench/logback-bench.xml -Dio.netty.leakDetection.level=disabled ${ADIT_BENCH_JAVA_OPTS:-}"
# Netty turns sun.misc.Unsafe off by default on Java 25+ (copies then go through ByteBuffer views);
# on the Java 21 image the edge ships in, it is on. ./adit passes the same flag.
JAVA_MAJOR="$("$JAVA" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}' | cut -d. -f1)"
[ "${JAVA_MAJOR:-21}" -ge 24 ] && JLOG="--sun-misc-unsafe-memory-access=allow $JLOG"

# ------------------------------------------------------------------ helpers
wait_port() { # host port seconds
  local end=$((SECONDS + $3))
  while [ $SECONDS -lt $end ]; do (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null && return 0; sleep 0.2; done
  return 1
}
wait_line() { # file regex seconds -> prints the matching line
  local end=$((SECONDS + $3))
  while [ $SECONDS -lt $end ]; do
    grep -m1 -E "$2" "$1" 2>/dev/null && return 0
    sleep 0.5
  done
  return 1
}
descendants() { local p; echo "$1"; for p in $(pgrep -P "$1" 2>/dev/null); do descendants "$p"; done; }
cpu_ticks() { # pids... (with descendants): utime+stime in clock ticks
  local t=0 p s
  for p in $(for x in "$@"; do descendants "$x"; done); do
    s=$(cut -d' ' -f14,15 "/proc/$p/stat" 2>/dev/null) || continue
    t=$((t + ${s% *} + ${s#* }))
  done
  echo $t
}
machine_busy() { awk '/^cpu /{print $2+$3+$4+$7+$8, $2+$3+$4+$5+$6+$7+$8}' /proc/stat; }
median() { sort -g | awk '{a[NR]=$1} END{if(NR==0){print "n/a"}else if(NR%2){print a[(NR+1)/2]}else{print (a[NR/2]+a[NR/2+1])/2}}'; }
to_ms() { # wrk latency like 1.23ms / 456.00us / 1.20s -> ms
  awk -v v="$1" 'BEGIN{ if (v ~ /us$/) {sub(/us/,"",v); printf "%.2f", v/1000}
    else if (v ~ /ms$/) {sub(/ms/,"",v); printf "%.2f", v}
    else if (v ~ /s$/) {sub(/s/,"",v); printf "%.2f", v*1000} else print "n/a"}'
}
heap_used_kb() { # pid: live heap in KB = total of GC.class_histogram (a full GC inside one safepoint, so no
  # garbage allocated after the collection is counted, unlike GC.run followed by GC.heap_info)
  "$JCMD" "$1" GC.class_histogram 2>/dev/null | awk '$1=="Total"{printf "%d", $3/1024}'
}
rss_kb() { awk '/VmRSS/{print $2}' "/proc/$1/status"; }

# ------------------------------------------------------------------ upstream: nginx static files
mkdir -p "$W/www" "$W/tmp" "$SHM/body" "$SHM/upload"
chmod 755 "$W" "$W/www" "$SHM"; chmod 777 "$SHM/body" "$SHM/upload"   # nginx workers run as www-data under root
head -c 1024 /dev/urandom >"$W/www/1k.bin"
head -c $((100*1024*1024)) /dev/urandom >"$W/www/100m.bin"
chmod 644 "$W/www/"*.bin
NG_COMMON="worker_processes 2; daemon off; worker_rlimit_nofile 8192; events { worker_connections 4096; }"
NG_HTTP="access_log off; sendfile on; tcp_nopush on; tcp_nodelay on; keepalive_requests 1000000; keepalive_timeout 75s;
  client_body_temp_path $SHM/body; proxy_temp_path $W/tmp/proxy; fastcgi_temp_path $W/tmp/fcgi;
  uwsgi_temp_path $W/tmp/uwsgi; scgi_temp_path $W/tmp/scgi; default_type application/octet-stream;"
cat >"$W/upstream.conf" <<EOF
$NG_COMMON
pid $W/upstream.pid; error_log $W/upstream-error.log warn;
http { $NG_HTTP
  server {
    listen 127.0.0.1:$P_UP;
    root $W/www;
    # Upload sink: WebDAV PUT reads the whole body (into tmpfs) before answering 201/204.
    location /upload/ { root $SHM; dav_methods PUT; client_max_body_size 200m; client_body_buffer_size 1m; }
  }
}
EOF
cat >"$W/proxy.conf" <<EOF
$NG_COMMON
pid $W/proxy.pid; error_log $W/proxy-error.log warn;
http { $NG_HTTP
  upstream origin { server 127.0.0.1:$P_UP; keepalive 128; }
  server {
    listen 127.0.0.1:$P_PROXY;
    client_max_body_size 200m;
    location / {
      proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_set_header Host \$host;
      proxy_request_buffering off;      # stream uploads like a tunnel does
      proxy_max_temp_file_size 0;       # never spool downloads to disk
    }
  }
}
EOF
nginx -t -c "$W/upstream.conf" -p "$W" >"$W/nginx-t.log" 2>&1 || { cat "$W/nginx-t.log"; fail "nginx upstream config"; }
nginx -c "$W/upstream.conf" -p "$W" >"$W/upstream.out" 2>&1 & PIDS+=($!); NG_UP=$!
wait_port 127.0.0.1 $P_UP 10 || fail "upstream nginx"
if [ $ONLY_TLS -eq 0 ]; then
nginx -c "$W/proxy.conf" -p "$W" >"$W/proxy.out" 2>&1 & PIDS+=($!); NG_PROXY=$!
wait_port 127.0.0.1 $P_PROXY 10 || fail "proxy nginx"

# ------------------------------------------------------------------ ssh -R (classic tunnel peer)
mkdir -p /run/sshd "$W/ssh"; chmod 700 "$W/ssh"
ssh-keygen -q -t ed25519 -N '' -f "$W/ssh/host_key"
ssh-keygen -q -t ed25519 -N '' -f "$W/ssh/client_key"
cp "$W/ssh/client_key.pub" "$W/ssh/authorized_keys"; chmod 600 "$W/ssh/authorized_keys"
cat >"$W/ssh/sshd_config" <<EOF
ListenAddress 127.0.0.1:$P_SSHD
HostKey $W/ssh/host_key
PidFile $W/ssh/sshd.pid
AuthorizedKeysFile $W/ssh/authorized_keys
StrictModes no
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
AllowTcpForwarding remote
GatewayPorts no
X11Forwarding no
PrintMotd no
EOF
/usr/sbin/sshd -D -e -f "$W/ssh/sshd_config" >"$W/sshd.log" 2>&1 & PIDS+=($!); SSHD=$!
wait_port 127.0.0.1 $P_SSHD 10 || { cat "$W/sshd.log"; fail sshd; }
ssh -v -N -i "$W/ssh/client_key" -p $P_SSHD -o StrictHostKeyChecking=no -o UserKnownHostsFile="$W/ssh/known_hosts" \
  -o ExitOnForwardFailure=yes -o ServerAliveInterval=0 -o BatchMode=yes \
  -R 127.0.0.1:$P_SSHR:127.0.0.1:$P_UP "$(id -un)@127.0.0.1" >"$W/ssh.log" 2>&1 & PIDS+=($!); SSHC=$!
wait_port 127.0.0.1 $P_SSHR 15 || { cat "$W/ssh.log" "$W/sshd.log"; fail "ssh -R"; }
SSH_CIPHER=$(grep -m1 -oE 'server->client cipher: [^ ]+' "$W/ssh.log" 2>/dev/null | sed 's/server->client //' || true)
fi   # ONLY_TLS

# ------------------------------------------------------------------ Adit stack
"$JAVA" -Xms1g -Xmx2g $JLOG -cp "$CP" dev.adit.bench.BenchStack stack --upstream-port $P_UP \
  --public-port $P_ADIT --agent-port $P_ADIT_AGENT --admin-port $P_ADIT_ADMIN --internal-port $P_ADIT_INT \
  $( [ $SKIP_TLS -eq 0 ] && echo "--tls-port $P_ADIT_TLS --tls-dir $W" ) \
  --max-seconds 3600 >"$W/adit-stack.log" 2>&1 & PIDS+=($!); ADIT=$!
wait_line "$W/adit-stack.log" '^BENCH_READY|^BENCH_FAILED' 120 >/dev/null || { tail -30 "$W/adit-stack.log"; fail "adit stack"; }
grep -q '^BENCH_READY' "$W/adit-stack.log" || { tail -30 "$W/adit-stack.log"; fail "adit stack"; }

NG_PROXY=${NG_PROXY:-}; SSHD=${SSHD:-}; SSHC=${SSHC:-}   # unset with --only-tls
declare -A URL HOSTH SRV
URL[direct]="http://127.0.0.1:$P_UP";   HOSTH[direct]="127.0.0.1:$P_UP";        SRV[direct]="$NG_UP"
URL[nginx]="http://127.0.0.1:$P_PROXY"; HOSTH[nginx]="127.0.0.1:$P_PROXY";      SRV[nginx]="$NG_PROXY $NG_UP"
URL[sshR]="http://127.0.0.1:$P_SSHR";   HOSTH[sshR]="127.0.0.1:$P_SSHR";        SRV[sshR]="$SSHD $SSHC $NG_UP"
URL[adit]="http://127.0.0.1:$P_ADIT";   HOSTH[adit]="bench.localhost:$P_ADIT";  SRV[adit]="$ADIT $NG_UP"
TARGETS=(direct nginx sshR adit)
[ $ONLY_TLS -eq 1 ] && TARGETS=(direct adit)

for t in "${TARGETS[@]}"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -H "Host: ${HOSTH[$t]}" "${URL[$t]}/1k.bin")
  [ "$code" = 200 ] || fail "$t answers $code for /1k.bin"
done
log "all ${#TARGETS[@]} plain paths answer 200; load $(cut -d' ' -f1-3 /proc/loadavg)"

# ------------------------------------------------------------------ requests/s (wrk)
declare -A RPS P50 P99 ERRS CPU BUSY DL UL
run_wrk() { # target round
  local t=$1 r=$2 out="$RAW/wrk-$1-r$2.txt" c0 c1 m0 m1 wrkcpu
  wrk -t$THREADS -c$CONNS -d3s -H "Host: ${HOSTH[$t]}" "${URL[$t]}/1k.bin" >/dev/null 2>&1   # warm-up
  c0=$(cpu_ticks ${SRV[$t]}); read -r m0 m0t < <(machine_busy)
  wrkcpu=$(OUT="$out" bash -c 'wrk "$@" >"$OUT" 2>&1; read -ra s < /proc/$$/stat; echo $((s[15]+s[16]))' _ \
    -t$THREADS -c$CONNS -d${DURATION}s --timeout 5s --latency -H "Host: ${HOSTH[$t]}" "${URL[$t]}/1k.bin")
  c1=$(cpu_ticks ${SRV[$t]}); read -r m1 m1t < <(machine_busy)
  RPS[$t,$r]=$(awk '/Requests\/sec/{printf "%.0f", $2}' "$out")
  P50[$t,$r]=$(to_ms "$(awk '$1=="50%"{print $2}' "$out")")
  P99[$t,$r]=$(to_ms "$(awk '$1=="99%"{print $2}' "$out")")
  ERRS[$t,$r]=$(awk '/Non-2xx/{n+=$NF} /Socket errors/{gsub(/[^0-9 ]/," "); for(i=1;i<=NF;i++) n+=$i} END{print n+0}' "$out")
  CPU[$t,$r]=$(awk -v a=$c0 -v b=$c1 -v w=$wrkcpu -v d=$DURATION 'BEGIN{printf "%.2f / %.2f", (b-a)/100/d, w/100/d}')
  BUSY[$t,$r]=$(awk -v a=$m0 -v b=$m1 -v at=$m0t -v bt=$m1t 'BEGIN{printf "%.0f%%", 100*(b-a)/(bt-at)}')
  log "wrk $t r$r: ${RPS[$t,$r]} req/s p50 ${P50[$t,$r]} ms p99 ${P99[$t,$r]} ms errors ${ERRS[$t,$r]} cpu(srv/wrk) ${CPU[$t,$r]} machine ${BUSY[$t,$r]}"
}
run_dl() { # target round -> median MB/s (10^6 B/s) of DL_RUNS downloads
  local t=$1 r=$2 i line vals=()
  for ((i=1; i<=DL_RUNS; i++)); do
    line=$(curl -s -o /dev/null --max-time 60 -H "Host: ${HOSTH[$t]}" -w '%{http_code} %{size_download} %{speed_download}' "${URL[$t]}/100m.bin")
    echo "dl $t r$r #$i: $line" >>"$RAW/transfer.txt"
    set -- $line
    if [ "$1" = 200 ] && [ "$2" = $((100*1024*1024)) ]; then vals+=("$(awk -v s=$3 'BEGIN{printf "%.0f", s/1e6}')"); fi
  done
  DL[$t,$r]=$(printf '%s\n' "${vals[@]}" | median)
  [ ${#vals[@]} -eq $DL_RUNS ] || DL[$t,$r]="${DL[$t,$r]} (${#vals[@]}/$DL_RUNS ok)"
}
run_ul() {
  local t=$1 r=$2 i line vals=()
  for ((i=1; i<=UL_RUNS; i++)); do
    line=$(curl -s -o /dev/null --max-time 120 -H 'Expect:' -H "Host: ${HOSTH[$t]}" -T "$W/www/100m.bin" \
      -w '%{http_code} %{size_upload} %{speed_upload}' "${URL[$t]}/upload/$t.bin")
    echo "ul $t r$r #$i: $line" >>"$RAW/transfer.txt"
    set -- $line
    if [[ "$1" =~ ^20[14]$ ]] && [ "$2" = $((100*1024*1024)) ]; then vals+=("$(awk -v s=$3 'BEGIN{printf "%.0f", s/1e6}')"); fi
  done
  UL[$t,$r]=$(printf '%s\n' "${vals[@]}" | median)
  [ ${#vals[@]} -eq $UL_RUNS ] || UL[$t,$r]="${UL[$t,$r]} (${#vals[@]}/$UL_RUNS ok)"
  # the sink file must really hold the whole body
  [ "$(stat -c %s "$SHM/upload/$t.bin" 2>/dev/null)" = $((100*1024*1024)) ] || UL[$t,$r]="${UL[$t,$r]} (sink size wrong)"
}

# The Adit JVM starts cold; nginx and ssh need no warm-up. Under a load that keeps both cores busy
# the JIT's compiler threads get little CPU: CPU per request keeps falling for minutes of load
# (465 µs at 10 s, ~110 µs at 30-50 s, ~80 µs from 70 s on; with two agent links round 1 after a
# 90 s warm-up was still the slowest; docs/benchmarks.md). Warm it for 180 s (not measured) so the
# rounds measure the steady state of a running edge, not the JIT.
WARMUP=${WARMUP:-180}
if [ $ONLY_TLS -eq 0 ]; then
log "warming the Adit JVM: wrk ${WARMUP} s + one 100 MB download/upload (not measured)"
wrk -t$THREADS -c$CONNS -d${WARMUP}s -H "Host: ${HOSTH[adit]}" "${URL[adit]}/1k.bin" >/dev/null 2>&1
curl -s -o /dev/null --max-time 60 -H "Host: ${HOSTH[adit]}" "${URL[adit]}/100m.bin"
curl -s -o /dev/null --max-time 120 -H 'Expect:' -H "Host: ${HOSTH[adit]}" -T "$W/www/100m.bin" "${URL[adit]}/upload/adit.bin"
fi

[ $ONLY_TLS -eq 1 ] && ROUNDS=0
for ((r=1; r<=ROUNDS; r++)); do
  for t in "${TARGETS[@]}"; do run_wrk "$t" "$r"; done
  for t in "${TARGETS[@]}"; do run_dl "$t" "$r"; run_ul "$t" "$r"; log "transfer $t r$r: down ${DL[$t,$r]} MB/s up ${UL[$t,$r]} MB/s"; done
done

# ------------------------------------------------------------------ TLS: edge listener (edge mode, passthrough) vs direct nginx TLS
# edge:        client --TLS (leaf for bench.localhost, ended by the edge)--> edge :P_ADIT_TLS
#              --TLS + HTTP/2 agent link--> Agent --plain HTTP--> nginx :P_UP
# passthrough: client --TLS (leaf for benchpt.localhost, ended by the Agent: withTunnelTls)--> edge reads the SNI
#              only and pipes the raw TLS bytes over the (also TLS) agent link --> Agent decrypts --plain HTTP--> nginx :P_UP
# direct:      client --TLS (leaf for bench.localhost from the same CA, also P-256 + intermediate)--> nginx :P_UP_TLS
declare -A HS HSCPU HSR TDL TUL TDLCPU TULCPU TPORT TSNI TSRV TPROTO
TLS_TARGETS=(edge passthrough direct)
if [ $SKIP_TLS -eq 0 ]; then
  [ -f "$W/direct-key.pem" ] && [ -f "$W/ca.pem" ] || fail "the Adit stack wrote no TLS files"
  ADIT_TLS_PORT=$(grep -m1 '^BENCH_READY' "$W/adit-stack.log" | grep -oE 'tls=[0-9-]+' | cut -d= -f2)
  [ "${ADIT_TLS_PORT:--1}" -gt 0 ] || fail "edge has no public TLS listener"
  cat >"$W/direct-tls.conf" <<EOF
$NG_COMMON
pid $W/direct-tls.pid; error_log $W/direct-tls-error.log warn;
http { $NG_HTTP
  ssl_protocols TLSv1.2 TLSv1.3; ssl_session_cache shared:BENCH:10m; ssl_session_timeout 10m;
  server {
    listen 127.0.0.1:$P_UP_TLS ssl;
    server_name bench.localhost;
    ssl_certificate $W/direct-chain.pem; ssl_certificate_key $W/direct-key.pem;
    root $W/www;
    location /upload/ { root $SHM; dav_methods PUT; client_max_body_size 200m; client_body_buffer_size 1m; }
  }
}
EOF
  nginx -t -c "$W/direct-tls.conf" -p "$W" >"$W/nginx-tls-t.log" 2>&1 || { cat "$W/nginx-tls-t.log"; fail "nginx TLS config"; }
  nginx -c "$W/direct-tls.conf" -p "$W" >"$W/direct-tls.out" 2>&1 & PIDS+=($!); NG_TLS=$!
  wait_port 127.0.0.1 $P_UP_TLS 10 || fail "direct TLS nginx"
  TPORT[edge]=$ADIT_TLS_PORT;        TSNI[edge]=bench.localhost;          TSRV[edge]="$ADIT $NG_UP"
  TPORT[passthrough]=$ADIT_TLS_PORT; TSNI[passthrough]=benchpt.localhost; TSRV[passthrough]="$ADIT $NG_UP"
  TPORT[direct]=$P_UP_TLS;           TSNI[direct]=bench.localhost;        TSRV[direct]="$NG_TLS"
  tls_url() { echo "https://${TSNI[$1]}:${TPORT[$1]}$2"; }
  tls_curl() { # target curl-args...
    local t=$1; shift
    curl -s --http1.1 --cacert "$W/ca.pem" --resolve "${TSNI[$t]}:${TPORT[$t]}:127.0.0.1" "$@"
  }
  for t in "${TLS_TARGETS[@]}"; do
    code=$(tls_curl $t -o /dev/null --max-time 10 -w '%{http_code}' "$(tls_url $t /1k.bin)")
    [ "$code" = 200 ] || fail "TLS $t answers $code for /1k.bin"
    # what is negotiated (and that the certificate verifies against the CA), one s_client each, bounded
    TPROTO[$t]=$(timeout 10 openssl s_client -connect 127.0.0.1:${TPORT[$t]} -servername ${TSNI[$t]} -CAfile "$W/ca.pem" \
      -verify_return_error -brief </dev/null 2>&1 | awk -F': ' '/Protocol version|Ciphersuite|Server Temp Key|Verification/{printf "%s%s", sep, $2; sep=", "}')
    log "TLS $t: ${TPROTO[$t]}"
    echo "$t: ${TPROTO[$t]}" >>"$RAW/tls-negotiated.txt"
  done
  # server CPU of a handshake run: the pids (and their children) serving that target
  srv_pids() { local x; for x in "$@"; do descendants "$x"; done | paste -sd, -; }
  run_hs() { # target mode round
    local t=$1 m=$2 r=$3 out="$RAW/tls-hs-$1-$2-r$3.txt" props=""
    # resume mode: TLS 1.2 session-id resumption (both servers keep a session cache), no tickets
    [ "$m" = resume ] && props="-Djdk.tls.client.enableSessionTicketExtension=false"
    # where the Adit JVM's CPU goes during the measured window (threads by name; group 3 = edge workers,
    # then the agents' loops in start order: 4 = bench, 5 = benchpt)
    local sampler=""
    if [ "$t" != direct ] && [ "$TLS_TIME" -gt 3 ]; then
      JCMD="$JCMD" "$ROOT/bench/thread-cpu.sh" $ADIT 4 $((TLS_TIME - 2)) >"$RAW/tls-threads-$t-$m-r$r.txt" 2>&1 & sampler=$!
    fi
    timeout $((TLS_TIME + 40)) "$JAVA" -Xmx256m $props -cp "$CP" dev.adit.bench.TlsHandshakes \
      --port ${TPORT[$t]} --sni ${TSNI[$t]} --ca "$W/ca.pem" --seconds $TLS_TIME --warmup-seconds 3 --threads 2 \
      --mode $m --cpu-pids "$(srv_pids ${TSRV[$t]})" >"$out" 2>&1
    [ -n "$sampler" ] && wait $sampler
    local line rate cpu res fails n
    line=$(grep -m1 '^BENCH_TLS ' "$out")
    rate=$(echo "$line" | grep -oE 'rate=[0-9.]+' | cut -d= -f2); n=$(echo "$line" | grep -oE 'handshakes=[0-9]+' | cut -d= -f2)
    cpu=$(echo "$line" | grep -oE 'server_cpu_ms_per_hs=[0-9.]+' | cut -d= -f2)
    res=$(echo "$line" | grep -oE 'resumed=[0-9]+' | cut -d= -f2); fails=$(echo "$line" | grep -oE 'failures=[0-9]+' | cut -d= -f2)
    [ -n "$rate" ] || { rate="failed"; tail -5 "$out" >&2; }
    [ "${fails:-0}" = 0 ] || rate="$rate ($fails failed)"
    if [ "$m" = new ]; then
      HS[$t,$r]=$rate; HSCPU[$t,$r]=${cpu:-n/a}
    else
      HSR[$t,$r]=$rate
      [ $(( ${res:-0} * 100 )) -ge $(( ${n:-1} * 95 )) ] 2>/dev/null || HSR[$t,$r]="$rate (only ${res:-0}/${n:-0} resumed)"
    fi
    log "TLS handshakes $t $m r$r: $line"
  }
  run_tls_xfer() { # target round
    local t=$1 r=$2 i line c0 c1 dl=() ul=()
    c0=$(cpu_ticks ${TSRV[$t]})
    for ((i=1; i<=DL_RUNS; i++)); do
      line=$(tls_curl $t -o /dev/null --max-time 60 -w '%{http_code} %{size_download} %{speed_download}' "$(tls_url $t /100m.bin)")
      echo "tls dl $t r$r #$i: $line" >>"$RAW/transfer.txt"
      set -- $line
      if [ "$1" = 200 ] && [ "$2" = $((100*1024*1024)) ]; then dl+=("$(awk -v s=$3 'BEGIN{printf "%.0f", s/1e6}')"); fi
    done
    c1=$(cpu_ticks ${TSRV[$t]})
    TDLCPU[$t,$r]=$(awk -v a=$c0 -v b=$c1 -v n=$DL_RUNS 'BEGIN{printf "%.2f", (b-a)/100/n}')
    TDL[$t,$r]=$(printf '%s\n' "${dl[@]}" | median); [ ${#dl[@]} -eq $DL_RUNS ] || TDL[$t,$r]="${TDL[$t,$r]} (${#dl[@]}/$DL_RUNS ok)"
    c0=$(cpu_ticks ${TSRV[$t]})
    for ((i=1; i<=UL_RUNS; i++)); do
      line=$(tls_curl $t -o /dev/null --max-time 120 -H 'Expect:' -T "$W/www/100m.bin" \
        -w '%{http_code} %{size_upload} %{speed_upload}' "$(tls_url $t /upload/tls-$t.bin)")
      echo "tls ul $t r$r #$i: $line" >>"$RAW/transfer.txt"
      set -- $line
      if [[ "$1" =~ ^20[14]$ ]] && [ "$2" = $((100*1024*1024)) ]; then ul+=("$(awk -v s=$3 'BEGIN{printf "%.0f", s/1e6}')"); fi
    done
    c1=$(cpu_ticks ${TSRV[$t]})
    TULCPU[$t,$r]=$(awk -v a=$c0 -v b=$c1 -v n=$UL_RUNS 'BEGIN{printf "%.2f", (b-a)/100/n}')
    TUL[$t,$r]=$(printf '%s\n' "${ul[@]}" | median); [ ${#ul[@]} -eq $UL_RUNS ] || TUL[$t,$r]="${TUL[$t,$r]} (${#ul[@]}/$UL_RUNS ok)"
    [ "$(stat -c %s "$SHM/upload/tls-$t.bin" 2>/dev/null)" = $((100*1024*1024)) ] || TUL[$t,$r]="${TUL[$t,$r]} (sink size wrong)"
    log "TLS transfer $t r$r: down ${TDL[$t,$r]} MB/s (server CPU ${TDLCPU[$t,$r]} s/100 MiB) up ${TUL[$t,$r]} MB/s (${TULCPU[$t,$r]} s)"
  }
  # The JIT matters a lot here (a first quick run measured the cold edge at half its warm rate), so warm
  # the Adit JVM's handshake and bulk paths first (not measured). Handshake warm-up goes to the edge-mode
  # name only: short passthrough connections trip the agent link's RST limit (see docs/benchmarks.md).
  log "TLS: warming the Adit JVM (handshake loop 15 s + 5 s, two 100 MB downloads + uploads per path; not measured)"
  timeout 60 "$JAVA" -Xmx256m -cp "$CP" dev.adit.bench.TlsHandshakes --port ${TPORT[edge]} --sni ${TSNI[edge]} \
    --ca "$W/ca.pem" --seconds 15 --warmup-seconds 0 --threads 2 --mode new >"$RAW/tls-warmup.txt" 2>&1
  timeout 60 "$JAVA" -Xmx256m -Djdk.tls.client.enableSessionTicketExtension=false -cp "$CP" dev.adit.bench.TlsHandshakes \
    --port ${TPORT[edge]} --sni ${TSNI[edge]} --ca "$W/ca.pem" --seconds 5 --warmup-seconds 0 --threads 2 --mode resume >>"$RAW/tls-warmup.txt" 2>&1
  for t in "${TLS_TARGETS[@]}"; do
    for i in 1 2; do
      tls_curl $t -o /dev/null --max-time 60 "$(tls_url $t /100m.bin)"
      tls_curl $t -o /dev/null --max-time 120 -H 'Expect:' -T "$W/www/100m.bin" "$(tls_url $t /upload/tls-$t.bin)"
    done
  done
  for ((r=1; r<=TLS_ROUNDS; r++)); do
    for t in "${TLS_TARGETS[@]}"; do run_hs $t new $r; done
    for t in "${TLS_TARGETS[@]}"; do run_hs $t resume $r; done
    for t in "${TLS_TARGETS[@]}"; do run_tls_xfer $t $r; done
  done
fi

# ------------------------------------------------------------------ JFR profile of the Adit JVM (separate pass, not in the numbers)
PROFILE_TXT="$RAW/profile.txt"
jfr_summary() { # jfr-file title
  local f=$1
  {
    echo "### $2"
    echo '```'
    "$JFR" print --events jdk.ExecutionSample --stack-depth 64 "$f" | awk '
      /sampledThread = /{ th=$0; sub(/.*sampledThread = "/,"",th); sub(/".*/,"",th); gsub(/[0-9]+$/,"N",th); gsub(/-[0-9]+-N$/,"-*",th) }
      /stackTrace = \[/{ inst=1; first=1; stack=""; next }
      inst && /^[ \t]*\]/{ inst=0; n++; threads[th]++;
         if (stack ~ /sun\.security\.ssl|javax\.crypto|com\.sun\.crypto|sun\.security\.provider/) cat["TLS (JDK SSLEngine + crypto)"]++;
         if (stack ~ /io\.netty\.handler\.codec\.http2/) cat["HTTP/2 codec"]++;
         if (stack ~ /io\.netty\.handler\.codec\.http\.|StrictRequestDecoder|HttpObject/) cat["HTTP/1.1 codec"]++;
         if (stack ~ /sun\.nio\.ch\.(SocketDispatcher|IOUtil|SocketChannelImpl)|FileDispatcherImpl/) cat["socket read/write syscalls"]++;
         if (stack ~ /epollWait|EPoll\.wait|SelectorImpl\.select/) cat["selector wait/wakeup"]++;
         if (stack ~ /dev\.adit\.edge/) cat["dev.adit.edge frames on stack"]++;
         if (stack ~ /dev\.adit\.agent/) cat["dev.adit.agent frames on stack"]++;
         if (stack ~ /com\.amazonaws|software\.amazon|sqlite|jetty/) cat["DynamoDB Local / SDK"]++;
         if (stack ~ /ch\.qos\.logback|org\.slf4j/) cat["logging"]++;
         next }
      inst { f=$0; sub(/^[ \t]+/,"",f); sub(/[ \t]+line:.*/,"",f); stack=stack " " f; if (first) { top[f]++; first=0 } }
      END {
        printf "execution samples: %d\n\nsamples by thread (pool):\n", n
        for (t in threads) printf "  %6d  %5.1f%%  %s\n", threads[t], 100*threads[t]/n, t | "sort -rn"
        close("sort -rn")
        printf "\ninclusive (stack contains):\n"
        for (c in cat) printf "  %6d  %5.1f%%  %s\n", cat[c], 100*cat[c]/n, c | "sort -rn"
        close("sort -rn")
        printf "\ntop 25 self (leaf) frames:\n"
        for (m in top) printf "  %6d  %5.1f%%  %s\n", top[m], 100*top[m]/n, m | "sort -rn | head -25"
        close("sort -rn | head -25")
      }'
    echo
    "$JFR" view --width 160 gc-pauses "$f" 2>/dev/null | head -20
    "$JFR" view --width 160 allocation-by-class "$f" 2>/dev/null | head -20
    echo '```'
  } >>"$PROFILE_TXT"
}
if [ $SKIP_PROFILE -eq 0 ]; then
  log "profiling the Adit JVM with JFR during a wrk pass and a download/upload pass"
  "$JCMD" $ADIT JFR.start name=rps settings=profile filename="$W/adit-rps.jfr" >/dev/null
  wrk -t$THREADS -c$CONNS -d${DURATION}s -H "Host: ${HOSTH[adit]}" "${URL[adit]}/1k.bin" >"$RAW/wrk-adit-profiled.txt" 2>&1
  "$JCMD" $ADIT JFR.stop name=rps >/dev/null
  "$JCMD" $ADIT JFR.start name=bulk settings=profile filename="$W/adit-bulk.jfr" >/dev/null
  for i in 1 2 3; do
    curl -s -o /dev/null --max-time 60 -H "Host: ${HOSTH[adit]}" "${URL[adit]}/100m.bin"
    curl -s -o /dev/null --max-time 120 -H 'Expect:' -H "Host: ${HOSTH[adit]}" -T "$W/www/100m.bin" "${URL[adit]}/upload/adit.bin"
  done
  "$JCMD" $ADIT JFR.stop name=bulk >/dev/null
  : >"$PROFILE_TXT"
  jfr_summary "$W/adit-rps.jfr" "Adit JVM (edge + agent), wrk 1 KB, $CONNS connections, ${DURATION}s"
  jfr_summary "$W/adit-bulk.jfr" "Adit JVM (edge + agent), 3x 100 MB download + 3x 100 MB upload"
  cp "$W/adit-rps.jfr" "$W/adit-bulk.jfr" "$RAW/" 2>/dev/null
  "$JCMD" $ADIT Thread.print 2>/dev/null | grep -oE '^"[^"]+"' | sed -E 's/[0-9]+"$/N"/' | sort | uniq -c | sort -rn >"$RAW/adit-threads.txt"
fi
kill $ADIT 2>/dev/null   # free CPU and memory for the idle test

# ------------------------------------------------------------------ delete-to-stop propagation
PROP_LINE="not run"; PROP_DISC="not run"; PROP_404="not run"; PROP_W="n/a"
if [ $SKIP_PROP -eq 0 ]; then
  log "propagation: $PROP_N samples"
  timeout 900 "$JAVA" -Xmx1g $JLOG -cp "$CP" dev.adit.bench.BenchStack propagation --upstream-port $P_UP --samples $PROP_N \
    >"$W/prop.log" 2>&1 & PIDS+=($!); PROP=$!
  wait $PROP
  grep '^BENCH' "$W/prop.log" >"$RAW/propagation.txt"
  PROP_LINE=$(grep -m1 '^BENCH_PROPAGATION' "$W/prop.log" | cut -d' ' -f2-)
  PROP_DISC=$(grep -m1 'agent_disconnected_ms' "$W/prop.log" | cut -d' ' -f3-)
  PROP_404=$(grep -m1 'public_404_ms' "$W/prop.log" | cut -d' ' -f3-)
  PROP_W=$(grep -m1 'dynamo_write_ms' "$W/prop.log" | cut -d' ' -f3-)
  log "propagation: $PROP_LINE | disconnect $PROP_DISC | 404 $PROP_404"
fi

# ------------------------------------------------------------------ heap per idle tunnel
IDLE_SUMMARY="not run"
if [ $SKIP_IDLE -eq 0 ]; then
  log "idle: seeding $IDLE_N tunnels in DynamoDB Local (own JVM)"
  "$JAVA" -Xmx3g $JLOG -cp "$CP" dev.adit.bench.BenchStack db --port $P_DDB --tunnels $IDLE_N --max-seconds 2400 \
    >"$W/idle-db.log" 2>&1 & PIDS+=($!); DDB=$!
  wait_line "$W/idle-db.log" '^BENCH_READY' 900 >/dev/null || { tail -20 "$W/idle-db.log"; fail "idle db"; }
  "$JAVA" -Xms256m -Xmx2g $JLOG -cp "$CP" dev.adit.bench.BenchStack edge --dynamo-port $P_DDB --ca-out "$W/ca.pem" --max-seconds 2400 \
    >"$W/idle-edge.log" 2>&1 & PIDS+=($!); EDGE=$!
  wait_line "$W/idle-edge.log" '^BENCH_READY' 120 >/dev/null || { tail -20 "$W/idle-edge.log"; fail "idle edge"; }
  EDGE_AGENT_PORT=$(grep -m1 '^BENCH_READY' "$W/idle-edge.log" | grep -oE 'agent=[0-9]+' | cut -d= -f2)
  sleep 5
  H0=$(heap_used_kb $EDGE); R0=$(rss_kb $EDGE)
  log "idle: edge heap after GC with 0 tunnels: ${H0} KB (RSS ${R0} KB); connecting $IDLE_N agents"
  "$JAVA" -Xmx3g $JLOG -cp "$CP" dev.adit.bench.IdleAgents --edge-port $EDGE_AGENT_PORT --ca "$W/ca.pem" --tunnels $IDLE_N \
    --links-per-tunnel $IDLE_LINKS --concurrency 64 --connect-seconds 900 --hold-seconds 1500 >"$W/idle-agents.log" 2>&1 & PIDS+=($!); AGENTS=$!
  CONN_LINE=$(wait_line "$W/idle-agents.log" '^BENCH_AGENTS_CONNECTED' 1000) || { tail -20 "$W/idle-agents.log"; fail "idle agents"; }
  CONNECTED=$(echo "$CONN_LINE" | grep -oE 'connected=[0-9]+' | cut -d= -f2)
  log "idle: $CONN_LINE"
  # let the edge's registry settle (bounded) and a presence heartbeat round pass
  for ((i=0; i<24; i++)); do
    S=$(grep '^BENCH sessions=' "$W/idle-edge.log" | tail -1 | cut -d= -f2)
    [ "${S:-0}" -ge "$CONNECTED" ] && break; sleep 5
  done
  sleep 15
  c0=$(cpu_ticks $EDGE); d0=$(cpu_ticks $DDB); sleep 30; c1=$(cpu_ticks $EDGE); d1=$(cpu_ticks $DDB)
  EDGE_IDLE_CPU=$(awk -v a=$c0 -v b=$c1 'BEGIN{printf "%.2f", (b-a)/100/30}')
  DDB_IDLE_CPU=$(awk -v a=$d0 -v b=$d1 'BEGIN{printf "%.2f", (b-a)/100/30}')
  SESS=$(grep '^BENCH sessions=' "$W/idle-edge.log" | tail -1 | cut -d= -f2)
  H1=$(heap_used_kb $EDGE); R1=$(rss_kb $EDGE)
  "$JCMD" $EDGE GC.class_histogram 2>/dev/null >"$RAW/idle-edge-histogram.txt"
  "$JCMD" $EDGE VM.native_memory summary >/dev/null 2>&1 || true
  # a tunnel is IDLE_LINKS connections, as `adit PORT` opens them
  TUNS=$(( ${SESS:-0} / IDLE_LINKS ))
  PER=$(awk -v a=$H0 -v b=$H1 -v n=$TUNS 'BEGIN{ if (n>0) printf "%.1f", (b-a)/n; else print "n/a"}')
  RPER=$(awk -v a=$R0 -v b=$R1 -v n=$TUNS 'BEGIN{ if (n>0) printf "%.1f", (b-a)/n; else print "n/a"}')
  LPER=$(awk -v a=$H0 -v b=$H1 -v n=${SESS:-0} 'BEGIN{ if (n>0) printf "%.1f", (b-a)/n; else print "n/a"}')
  IDLE_SUMMARY="$TUNS idle tunnels ($SESS connections, $IDLE_LINKS per tunnel as adit PORT opens them; ${LPER} KiB/connection) on one edge (agents reported: $CONN_LINE); edge live heap (class histogram after full GC) ${H0} KB -> ${H1} KB = **${PER} KiB/tunnel**; RSS ${R0} -> ${R1} KB = ${RPER} KiB/tunnel; CPU while idle: edge ${EDGE_IDLE_CPU} cores, DynamoDB Local ${DDB_IDLE_CPU} cores"
  echo "$IDLE_SUMMARY" >"$RAW/idle.txt"
  log "idle: $IDLE_SUMMARY"
  kill $AGENTS $EDGE $DDB 2>/dev/null
fi

# ------------------------------------------------------------------ results table
{
  echo "# Adit benchmark results ($TS)"
  echo
  echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), loopback only; load average at end: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "Java: $("$JAVA" -version 2>&1 | head -1); nginx $(nginx -v 2>&1 | cut -d/ -f2); $(ssh -V 2>&1 | cut -d, -f1); ssh -R ${SSH_CIPHER:-cipher: default}; wrk -t$THREADS -c$CONNS -d${DURATION}s --latency."
  echo
  if [ $ROUNDS -gt 0 ]; then
  echo "| path | round | req/s (1 KB) | p50 ms | p99 ms | errors | CPU cores srv / wrk | machine busy | download MB/s | upload MB/s |"
  echo "|---|---|---:|---:|---:|---:|---|---:|---:|---:|"
  for ((r=1; r<=ROUNDS; r++)); do
    for t in "${TARGETS[@]}"; do
      echo "| $t | $r | ${RPS[$t,$r]} | ${P50[$t,$r]} | ${P99[$t,$r]} | ${ERRS[$t,$r]} | ${CPU[$t,$r]} | ${BUSY[$t,$r]} | ${DL[$t,$r]} | ${UL[$t,$r]} |"
    done
  done
  echo
  echo "MB/s = 10^6 bytes/s, median of $DL_RUNS downloads / $UL_RUNS uploads of 100 MiB (curl). 'CPU cores srv' = CPU used by the serving processes of that path (upstream nginx included) during the wrk run; 'machine busy' includes everything (other engineers' builds too)."
  echo
  fi
  if [ $SKIP_TLS -eq 0 ]; then
  echo "## TLS: edge listener (edge mode, passthrough) vs direct nginx TLS"
  echo
  echo "| path | round | new handshakes/s | server CPU ms / handshake | resumed handshakes/s (TLS 1.2) | download MB/s | server CPU s / 100 MiB down | upload MB/s | server CPU s / 100 MiB up |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
  for ((r=1; r<=TLS_ROUNDS; r++)); do
    for t in "${TLS_TARGETS[@]}"; do
      echo "| $t | $r | ${HS[$t,$r]} | ${HSCPU[$t,$r]} | ${HSR[$t,$r]} | ${TDL[$t,$r]} | ${TDLCPU[$t,$r]} | ${TUL[$t,$r]} | ${TULCPU[$t,$r]} |"
    done
  done
  echo
  for t in "${TLS_TARGETS[@]}"; do echo "- $t (${TSNI[$t]}:${TPORT[$t]}): ${TPROTO[$t]}"; done
  echo
  echo "Handshakes: dev.adit.bench.TlsHandshakes, 2 client threads, ${TLS_TIME} s after a 3 s warm-up: connect + full handshake (SNI, CA-verified) + close, fresh client context per connection; resumed = TLS 1.2 session-id resumption. Server CPU = utime+stime of the serving processes (edge/passthrough: the one Adit JVM with edge, both agents and DynamoDB Local, plus the upstream nginx; direct: the TLS nginx) over the measured window. Transfers: curl --http1.1 --cacert, median of $DL_RUNS/$UL_RUNS x 100 MiB."
  echo
  fi
  if [ $ONLY_TLS -eq 0 ]; then
  echo "## Adit only"
  echo
  echo "- Heap per idle tunnel: $IDLE_SUMMARY"
  echo "- Delete-to-stop propagation ($PROP_LINE; from the start of the control API's TransactWriteItems):"
  echo "  - agent disconnected: $PROP_DISC"
  echo "  - public URL answers 404: $PROP_404"
  echo "  - DynamoDB write itself: $PROP_W"
  echo
  fi
  echo "Raw outputs: bench/results/raw-$TS/ (wrk-*.txt, transfer.txt, tls-hs-*.txt, tls-threads-*.txt, tls-negotiated.txt, profile.txt, idle-edge-histogram.txt, propagation.txt)"
} >"$RESULT"
cp "$RESULT" "$RES_DIR/latest.md"
cat "$RESULT"
if [ -f "$PROFILE_TXT" ]; then echo; echo "Profile summary: $PROFILE_TXT"; fi
exit 0
