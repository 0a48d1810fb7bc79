#!/usr/bin/env bash
# Take the vendor's new text into openapi/ and report, from the client's side, what it breaks.
#   usage: build/update-spec.sh [--adopt] [--no-build] [--no-tests] SOURCE...
# SOURCE: a vendor docs page (like shared/seeds/*.txt), a bare OpenAPI fragment, or a whole OpenAPI document
# (YAML, or JSON as FastAPI serves /openapi.json). The text is stored under openapi/vendor/ (listed in
# sources.json), every changed vendor-owned part is carried into openapi/camb-api.yaml, the client is regenerated,
# and the report (also prepended to openapi/CHANGES.md) classifies each change BREAKING / CHANGED / NON-BREAKING,
# adds ApiCompat's view of the generated assembly, the hand-written code and tests that stop compiling, and the
# tests that fail. --adopt also replaces our reconstructed parts with the vendor's text where it publishes them.
# Exit: 0 applied, nothing breaking; 4 applied, nothing breaking callers, but our code or tests need a change (named);
# 3 applied with breaking changes; 2 bad input (nothing changed on disk).
set -uo pipefail
args=()
for arg in "$@"; do
  # Sources are named relative to where the caller stands; the tool runs from the repository root.
  case "$arg" in
    -*) args+=("$arg") ;;
    *) if [ -e "$arg" ]; then args+=("$(cd "$(dirname "$arg")" && pwd)/$(basename "$arg")"); else args+=("$arg"); fi ;;
  esac
done
cd "$(dirname "$0")/.."
. build/spec-tool.sh
spec_tool update "${args[@]}"
