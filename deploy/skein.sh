#!/bin/sh
# The `skein` command inside the image, and its entrypoint. Every role goes through here, so every
# JVM gets --add-opens (Arrow's memory and C Data code need it; without it Flight streams fail).
set -eu
jar=/opt/skein/skein.jar
if [ "${1:-}" = ping ]; then
  # The health check: a small, quick JVM whatever JAVA_OPTS gives the node it checks, with the
  # class-data archive built for it (Dockerfile). -Xlog:disable keeps JVM notices out of its output.
  exec java --add-opens=java.base/java.nio=ALL-UNNAMED -Xmx64m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
    -XX:SharedArchiveFile=/opt/skein/ping.jsa -Xlog:disable -jar "$jar" "$@"
fi
# JAVA_OPTS holds several flags: unquoted on purpose, so the shell splits it into words.
# shellcheck disable=SC2086
exec java --add-opens=java.base/java.nio=ALL-UNNAMED ${JAVA_OPTS:-} -jar "$jar" "$@"
