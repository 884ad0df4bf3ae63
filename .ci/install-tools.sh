#!/usr/bin/env bash
# Installs the Debian tools used by the infra checks, when missing (jq: check-dashboard-metrics.sh; chromium: the
# admin UI browser test, model-gateway AdminUiBrowserIT). Best effort:
# never fails CI by itself; the checks that need a tool fail loudly under CI_STRICT=true when it is still missing.
set -uo pipefail
need=()
command -v shellcheck >/dev/null || need+=(shellcheck)
command -v promtool >/dev/null || need+=(prometheus)
command -v docker-compose >/dev/null || need+=(docker-compose)
command -v wrk >/dev/null || need+=(wrk)
command -v jq >/dev/null || need+=(jq)
[[ -x /usr/bin/chromium ]] || need+=(chromium)
if ((${#need[@]})) && command -v apt-get >/dev/null && [[ $(id -u) == 0 ]]; then
  echo "installing: ${need[*]}"
  apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null 2>&1 ||
    echo "warning: could not install ${need[*]}"
fi
exit 0
