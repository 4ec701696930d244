#!/usr/bin/env bash
# Builds Tenantry and starts it on this machine: PostgreSQL and Redis (embedded, with their data in .tenantry/,
# unless TENANTRY_PG_URLS and TENANTRY_REDIS_URL name servers), the three services, and a demo. Ctrl-C stops
# everything it started.
set -euo pipefail
cd "$(dirname "$0")"
echo "[tenantry] building (the first run downloads the dependencies and takes a few minutes)"
./mvnw -B -q -DskipTests install
exec java -cp "dev-launcher/target/classes:$(cat dev-launcher/target/classpath.txt)" \
  -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  io.tenantry.devlauncher.DevPlatform "$PWD"
