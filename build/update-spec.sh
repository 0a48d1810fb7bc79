#!/usr/bin/env bash
# Bring in a vendor docs page (like shared/seeds/*.txt): extract its OpenAPI fragment into openapi/vendor/,
# then check that every `x-source: verbatim` part of openapi/camb-api.yaml still equals the vendor's text.
# A difference means the vendor changed: update openapi/camb-api.yaml by hand (keeping the x-source marks),
# rebuild, and let the contract suite and snapshots show what the change does to the client.
#   usage: build/update-spec.sh <vendor-page.txt> <fragment-name>   e.g. get-audio-separation-result
set -euo pipefail
cd "$(dirname "$0")/.."
page=${1:?vendor page}; name=${2:?fragment name}
out="openapi/vendor/$name.yaml"
# The fragment is the ````yaml ... ```` block that follows the "## OpenAPI" heading.
awk '/^````yaml/{on=1; next} /^````/{on=0} on' "$page" > "$out"
[ -s "$out" ] || { echo "no \`\`\`\`yaml block in $page" >&2; exit 1; }
git --no-pager diff --stat -- "$out" || true
dotnet run --project src/CambApi.OpenApiNormalizer -- --check-verbatim openapi/camb-api.yaml openapi/vendor/*.yaml
