#!/usr/bin/env bash
# Builds Tenantry and starts it on this machine: PostgreSQL and Redis (embedded, with their data in .tenantry/,
# unless TENANTRY_PG_URLS and TENANTRY_REDIS_URL name servers), the three services, and a demo. Ctrl-C stops
# everything it started. It builds the tenantry CLI too (cli/tenantry, cli/README.md) and prints how to use it.
#   ./run.sh                 the whole platform and the demo
#   ./run.sh --servers-only  only the servers the services' Quarkus dev mode expects (./mvnw quarkus:dev -pl ...)
set -euo pipefail
cd "$(dirname "$0")"
main=io.tenantry.devlauncher.DevPlatform
case "${1:-}" in
  "") ;;
  --servers-only) main=io.tenantry.devlauncher.DevServers ;;
  *) echo "usage: ./run.sh [--servers-only]" >&2; exit 2 ;;
esac
echo "[tenantry] building (the first run downloads the dependencies and takes a few minutes)"
./mvnw -B -q -DskipTests install
exec java -cp "dev-launcher/target/classes:$(cat dev-launcher/target/classpath.txt)" \
  -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  "$main" "$PWD"
