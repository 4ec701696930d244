#!/usr/bin/env bash
# Builds Tenantry and starts it on this machine: local PostgreSQL and Redis unless TENANTRY_PG_URLS and
# TENANTRY_REDIS_URL name servers, then the services. Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")"
./mvnw -B -q -DskipTests install
exec java -cp "dev-launcher/target/classes:$(cat dev-launcher/target/classpath.txt)" \
  -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  io.tenantry.devlauncher.DevPlatform "$PWD"
