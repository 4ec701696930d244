#!/usr/bin/env bash
# Builds Tenantry and runs the benchmark suite against the services started from their jars (see bench/README.md).
# Arguments go to the suite, e.g. --smoke, or --figures reads --tenants 1000.
set -euo pipefail
cd "$(dirname "$0")/.."
# pgbench and wrk run beside the suite's own load generators, haproxy routes organizations to replicas as the
# manifests' results-proxy does (bench/README.md); a figure whose tool is missing says so.
missing=()
command -v pgbench >/dev/null || missing+=(postgresql-client)
command -v wrk >/dev/null || missing+=(wrk)
command -v haproxy >/dev/null || missing+=(haproxy)
if ((${#missing[@]})); then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    echo "[bench] installing ${missing[*]} from Debian's packages"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; } \
      || echo "[bench] could not install ${missing[*]}: the figures that need them will be reported missing"
  else
    echo "[bench] ${missing[*]} not installed, and installing needs root with apt-get:" \
      "the figures that need them will be reported missing (apt-get install ${missing[*]})"
  fi
fi
./mvnw -B -q -DskipTests install
exec java -Xmx2g -cp "bench/target/classes:$(cat bench/target/classpath.txt)" \
  -Dtenantry.root="$PWD" -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  io.tenantry.bench.Bench "$@"
