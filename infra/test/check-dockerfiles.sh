#!/usr/bin/env bash
# Static checks of the services' Dockerfiles (no Docker engine needed): both flavours exist, base
# images are pinned to a tag, the runtime stage runs as a non-root user, the exposed port is the
# service's, and the native build is multi-stage with the Mandrel builder.
set -uo pipefail
REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
problems=0
problem() { echo "$1: $2"; problems=$((problems + 1)); }

for pair in mpc-api:3000 model-gateway:4000 cost-tracker:4100; do
  svc="${pair%%:*}"
  port="${pair##*:}"
  for flavour in jvm native; do
    file="$REPO_DIR/$svc/src/main/docker/Dockerfile.$flavour"
    rel="${file#"$REPO_DIR"/}"
    if [[ ! -f "$file" ]]; then
      problem "$rel" "missing"
      continue
    fi
    while read -r image; do
      [[ "$image" == *:* && "$image" != *:latest ]] || problem "$rel" "base image $image is not pinned to a tag"
    done < <(awk 'toupper($1) == "FROM" { print $2 }' "$file")
    # The USER of the last stage decides who runs the application.
    last_user="$(awk 'toupper($1) == "FROM" { user = "" } toupper($1) == "USER" { user = $2 } END { print user }' "$file")"
    [[ -n "$last_user" && "$last_user" != root && "$last_user" != 0 && "$last_user" != "0:0" ]] ||
      problem "$rel" "the runtime stage must switch to a non-root USER (got '${last_user:-none}')"
    grep -qE "^EXPOSE $port\$" "$file" || problem "$rel" "must EXPOSE $port"
    grep -qE '^(ENTRYPOINT|CMD) ' "$file" || problem "$rel" "no ENTRYPOINT/CMD"
  done
  jvm="$REPO_DIR/$svc/src/main/docker/Dockerfile.jvm"
  if [[ -f "$jvm" ]]; then
    # the JVM options the image passes (GC_CONTAINER_OPTIONS, the -X options of JAVA_OPTS_APPEND) must be ones
    # this JDK accepts together: a typo or two collectors would stop the container at start
    opts="$(sed -n 's/^ENV GC_CONTAINER_OPTIONS="\(.*\)"/\1/p' "$jvm") $(sed -n 's/^ENV JAVA_OPTS_APPEND="\(.*\)"/\1/p' "$jvm" | grep -o -- '-X[^ ]*' | tr '\n' ' ')"
    # shellcheck disable=SC2086 # a list of options
    if ! out="$("${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java" $opts -version 2>&1)"; then
      problem "$svc Dockerfile.jvm" "the JVM rejects its options '$opts': $(head -2 <<<"$out" | tr '\n' ' ')"
    fi
  fi
  native="$REPO_DIR/$svc/src/main/docker/Dockerfile.native"
  if [[ -f "$native" ]]; then
    [[ "$(grep -c '^FROM ' "$native")" -ge 2 ]] || problem "$svc Dockerfile.native" "must be multi-stage"
    grep -q '^FROM quay.io/quarkus/ubi9-quarkus-mandrel-builder-image:' "$native" ||
      problem "$svc Dockerfile.native" "must build with the Mandrel builder image"
    grep -qE -- "-pl $svc -am package -Dnative" "$native" || problem "$svc Dockerfile.native" "must build $svc natively"
    [[ -f "$native.dockerignore" ]] || problem "$svc Dockerfile.native" "needs Dockerfile.native.dockerignore"
    # a failing build step must stop the build with its own error, not be turned into a message and carried on
    if grep -nE '\|\| *(echo|true)' "$native"; then problem "$svc Dockerfile.native" "a RUN step hides its failure (|| echo / || true)"; fi
    grep -q 'CRLF' "$native" || problem "$svc Dockerfile.native" "must refuse a CRLF mvnw with a message that says so"
  fi
done

if ((problems)); then
  echo "$problems problem(s)"
  exit 1
fi
echo "6 Dockerfiles ok"
