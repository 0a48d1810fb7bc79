#!/usr/bin/env bash
# The update-spec report for a spec edited by hand (a pull request touching openapi/ or nswag.json): what changes
# for the client between a git revision and the working tree.
#   usage: build/spec-diff.sh [REV] [--no-build] [--no-tests]      (REV defaults to HEAD)
# Exit: 0 nothing breaking; 3 breaking changes; 2 bad input.
set -uo pipefail
cd "$(dirname "$0")/.."
rev=HEAD
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then rev=$1; shift; fi
if ! git rev-parse --verify -q "$rev^{commit}" >/dev/null; then
  echo "spec-diff: '$rev' is not a git revision." >&2
  exit 2
fi
old=$(mktemp -d)
trap 'rm -rf "$old"' EXIT
git show "$rev:openapi/camb-api.yaml" > "$old/camb-api.yaml" || { echo "spec-diff: no openapi/camb-api.yaml at $rev." >&2; exit 2; }
nswag=()
if git show "$rev:nswag.json" > "$old/nswag.json" 2>/dev/null; then nswag=(--old-nswag "$old/nswag.json"); fi
. build/spec-tool.sh
spec_tool diff --old-spec "$old/camb-api.yaml" "${nswag[@]}" --label "$rev" "$@"
