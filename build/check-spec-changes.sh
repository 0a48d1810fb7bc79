#!/usr/bin/env bash
# The promise of the spec path, checked end to end for every class of change in docs/spec-changes.md: each row's
# fixture goes through the whole path on a clone of HEAD, and the exit code must be the table's.
#   exit 0 rows: update-spec.sh --no-tests (regenerate, ApiCompat, build) -> 0; approve-api.sh; test.sh -> green
#   exit 4 rows: update-spec.sh (the suite included)                     -> 4, naming what to change
#   exit 3 rows: update-spec.sh --no-tests                               -> 3
#   exit 2 rows: update-spec.sh                                          -> 2, openapi/ untouched
# One clone serves every row: before each, the tree is reset to HEAD (git checkout + clean, build outputs kept so the
# rows build incrementally). Too slow for every CI run (minutes a row); run it after touching the spec tools, the
# normalizer, nswag.json or the templates, and before a release. A red row names each failing test and why.
#   usage: build/check-spec-changes.sh [--fast] [--spec-level-breaking] [CLASS-OR-FIXTURE...]
#   --fast: the suite without [Category("Slow")]; --spec-level-breaking: exit 3 rows at the spec level (no build)
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
fast=()
quick_breaking=false
wanted=()
for arg in "$@"; do
  case "$arg" in
    --fast) fast=(--fast) ;;
    --spec-level-breaking) quick_breaking=true ;;
    *) wanted+=("$arg") ;;
  esac
done

# The table's rows: family | class | sees | level | exit | does | fixture
mapfile -t rows < <(awk '/^\| family \| class \|/ { on = 1; getline; next } on && /^\|/ { print } on && !/^\|/ { on = 0 }' docs/spec-changes.md)
[ ${#rows[@]} -gt 0 ] || { echo "check-spec-changes: no rows in docs/spec-changes.md" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
clone="$work/p"
git clone -q "$root" "$clone"
# Tests that read the vendor's seed page find it beside the repository, as in a working copy.
[ -e "$root/../shared" ] && ln -s "$(cd "$root/../shared" && pwd)" "$work/shared"
fixtures=tests/CambApi.SpecTools.Tests/fixtures

failures=0
ran=0
summary=()
for row in "${rows[@]}"; do
  IFS='|' read -r _ family class _ level exit _ fixture _ <<<"$row"
  trim() { local s="$1"; s="${s#"${s%%[![:space:]]*}"}"; echo "${s%"${s##*[![:space:]]}"}"; }
  family=$(trim "$family"); class=$(trim "$class"); level=$(trim "$level"); exit=$(trim "$exit"); fixture=$(trim "$fixture")
  after=""
  if [[ "$fixture" == *" after "* ]]; then after=$(echo "${fixture##* after }" | tr -d '`'); fixture="${fixture%% after *}"; fi
  fixture=$(echo "$fixture" | tr -d '`')
  file=${fixture%% *}
  options=()
  [[ "$fixture" == *"--adopt"* ]] && options=(--adopt)
  if [ ${#wanted[@]} -gt 0 ]; then
    match=false
    for w in "${wanted[@]}"; do [ "$w" = "$class" ] || [ "$w" = "$file" ] || [ "$w" = "$(basename "$file")" ] && match=true; done
    $match || continue
  fi

  ran=$((ran + 1))
  started=$(date +%s)
  (cd "$clone" && git checkout -q -- . && git clean -qfd -e bin -e obj -e TestResults)
  echo "== $family: $class ($file, expect exit $exit)"
  if [ -n "$after" ]; then
    (cd "$clone" && bash build/update-spec.sh --no-build "$fixtures/$after") >/dev/null 2>&1
  fi
  before=$(cd "$clone" && git status --porcelain -- openapi)
  case "$exit" in
    0|3) flags=(--no-tests) ;;
    *) flags=() ;;
  esac
  if [ "$exit" = 3 ] && $quick_breaking; then flags=(--no-build); fi
  (cd "$clone" && bash build/update-spec.sh "${flags[@]}" "${options[@]}" "$fixtures/$file") >"$work/update.log" 2>&1
  update=$?
  verdict="update-spec exit $update"
  status=green
  [ "$update" = "$exit" ] || status=RED
  if [ "$exit" = 2 ] && [ "$(cd "$clone" && git status --porcelain -- openapi)" != "$before" ]; then
    status=RED; verdict="$verdict, openapi/ changed"
  fi
  if [ "$status" = RED ]; then
    sed -n '/^What changes/,$p' "$work/update.log" | sed 's/^/   | /'
    tail -n 3 "$work/update.log" | sed 's/^/   | /'
  elif [ "$exit" = 0 ]; then
    (cd "$clone" && bash build/approve-api.sh) >"$work/approve.log" 2>&1 || verdict="$verdict, approve-api failed: $(tail -n 1 "$work/approve.log")"
    (cd "$clone" && bash build/test.sh "${fast[@]}") >"$work/test.log" 2>&1
    tests=$(tail -n 1 "$work/test.log")
    verdict="$verdict, approved, tests: $tests"
    case "$tests" in *" passed, 0 failed") ;; *) status=RED ;; esac
    # Each failing test with the first lines of its message (up to its stack trace).
    awk '/^ +Failed [A-Za-z0-9_]/ { print; n = 4; next } /^ +Stack Trace:/ { n = 0 } n > 0 && !/^ +Error Message:/ { print; n-- }' "$work/test.log" \
      | sed 's/^ */   | /'
  elif [ "$exit" = 4 ]; then
    grep -E '^[0-9]+ breaking' "$work/update.log" | sed 's/^/   | /'
  fi
  [ "$status" = RED ] && failures=$((failures + 1))
  summary+=("$(printf '%-5s %-62s %s (%ss)' "$status" "$family: $class" "$verdict" "$(( $(date +%s) - started ))")")
  echo "   ${summary[-1]}"
done

echo
printf '%s\n' "${summary[@]}"
echo "$((ran - failures)) green, $failures red"
[ "$ran" -gt 0 ] && [ "$failures" -eq 0 ]
