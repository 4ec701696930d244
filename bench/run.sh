#!/usr/bin/env bash
# Builds Tenantry and runs the benchmark suite against the services started from their jars (see bench/README.md).
# Arguments go to the suite, e.g. --smoke, or --figures reads --tenants 1000.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -DskipTests install
exec java -Xmx2g -cp "bench/target/classes:$(cat bench/target/classpath.txt)" \
  -Dtenantry.root="$PWD" -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  io.tenantry.bench.Bench "$@"
