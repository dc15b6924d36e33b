#!/usr/bin/env bash
# The shipped Prometheus alerting rules (deploy/prometheus/zfleet-alerts.yml) pass
# `promtool check rules` and the alert unit tests in zfleet-alerts.test.yml. promtool comes
# from Debian's prometheus package (deploy/install-deps.sh); without it the test is skipped
# (77), and under CI that is a failure.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rules="$here/../../deploy/prometheus/zfleet-alerts.yml"

if ! command -v promtool >/dev/null; then
  if [ -n "${CI:-}" ]; then
    echo "prometheus_rules_test: promtool is missing (Debian package prometheus)" >&2
    exit 1
  fi
  echo "prometheus_rules_test: promtool is missing; skipped" >&2
  exit 77
fi

promtool check rules "$rules"
promtool test rules "$here/zfleet-alerts.test.yml"
