#!/usr/bin/env bash
# The promise of the spec path, checked end to end: every vendor change the report calls non-breaking for callers
# lands green after one approval. For each fixture below, on a fresh clone of HEAD:
#   build/update-spec.sh --no-tests FIXTURE  -> must exit 0 (not 3 breaking, not 4 "our code needs a change")
#   build/approve-api.sh                     -> approves the snapshots the change moved
#   build/test.sh                            -> the whole suite must be green
# Too slow for every CI run (about 4 minutes a fixture on 2 cores); run it after touching the spec tools, the
# normalizer, nswag.json or the templates, and before a release. A red row names each failing test and why.
#   usage: build/check-benign-changes.sh [FIXTURE...]      (default: all; names as in the table below)
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
fixtures_dir=tests/CambApi.SpecTools.Tests/fixtures

# fixture | update-spec options | the class of change it stands for
all=(
  "new-optional-field.txt||new optional field"
  "openapi-new-operation.json||new operation"
  "openapi-new-status.json|--adopt|new enum value"
  "documented-404.txt||new documented status with an inline body"
  "deprecated-operation.txt||deprecation"
  "richer-validation-error.txt||richer error model"
  "description-only.txt||description only"
  "openapi.json||whole document"
)
selected=()
if [ $# -eq 0 ]; then
  selected=("${all[@]}")
else
  for name in "$@"; do
    row=$(printf '%s\n' "${all[@]}" | grep -E "^${name//./\\.}\|" || true)
    [ -n "$row" ] || { echo "check-benign-changes: no fixture '$name' (known: $(printf '%s ' "${all[@]%%|*}"))" >&2; exit 2; }
    selected+=("$row")
  done
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
summary=()
for row in "${selected[@]}"; do
  IFS='|' read -r fixture options class <<<"$row"
  started=$(date +%s)
  clone="$work/${fixture%.*}/p"
  git clone -q "$root" "$clone"
  # Tests that read the vendor's seed page find it beside the repository, as in a working copy.
  [ -e "$root/../shared" ] && ln -s "$(cd "$root/../shared" && pwd)" "$(dirname "$clone")/shared"
  echo "== $fixture ($class)"
  # shellcheck disable=SC2086 # options is one word or none
  (cd "$clone" && bash build/update-spec.sh --no-tests $options "$fixtures_dir/$fixture") >"$work/update.log" 2>&1
  update=$?
  tail -n 1 "$work/update.log" | sed 's/^/   update-spec: /'
  verdict="update-spec exit $update"
  if [ "$update" -ne 0 ]; then
    sed -n '/^What changes/,$p' "$work/update.log" | sed 's/^/   | /'
  else
    (cd "$clone" && bash build/approve-api.sh) >"$work/approve.log" 2>&1 || verdict="$verdict, approve-api failed: $(tail -n 1 "$work/approve.log")"
    (cd "$clone" && bash build/test.sh) >"$work/test.log" 2>&1
    tests=$(tail -n 1 "$work/test.log")
    verdict="$verdict, approved, tests: $tests"
    # Each failing test with the first lines of its message (up to its stack trace).
    awk '/^ +Failed [A-Za-z0-9_]/ { print; n = 4; next } /^ +Stack Trace:/ { n = 0 } n > 0 && !/^ +Error Message:/ { print; n-- }' "$work/test.log" \
      | sed 's/^ */   | /'
  fi
  elapsed=$(( $(date +%s) - started ))
  case "$verdict" in
    "update-spec exit 0, approved, tests: "*" passed, 0 failed") status=green ;;
    *) status=RED; failures=$((failures + 1)) ;;
  esac
  summary+=("$(printf '%-5s %-28s %-44s %s (%ss)' "$status" "$fixture" "$class" "$verdict" "$elapsed")")
done

echo
printf '%s\n' "${summary[@]}"
echo "$(( ${#selected[@]} - failures )) green, $failures red"
[ "$failures" -eq 0 ]
