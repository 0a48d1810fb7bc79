#!/usr/bin/env bash
# Validates GitHub workflow files offline against the workflow schema with @action-validator/cli (pure JS + wasm:
# no binary download), installed once into build/.tools. Exit 0 when every file is valid.
#   usage: build/validate-workflows.sh [FILE...]   (default: .github/workflows/*.yml)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tools="$root/build/.tools/action-validator"
if [ ! -x "$tools/node_modules/.bin/action-validator" ]; then
  # Installed beside and renamed into place: two runs at once never see half an install.
  mkdir -p "$(dirname "$tools")"
  staging=$(mktemp -d "$tools.XXXXXX")
  npm install --silent --no-audit --no-fund --prefix "$staging" @action-validator/cli@0.6.0 @action-validator/core@0.6.0 >/dev/null
  mv -T "$staging" "$tools" 2>/dev/null || rm -rf "$staging"
fi
files=("$@")
[ ${#files[@]} -gt 0 ] || files=("$root"/.github/workflows/*.yml)
status=0
for file in "${files[@]}"; do
  if errors=$("$tools/node_modules/.bin/action-validator" "$file" 2>&1); then
    echo "valid: $(basename "$file")"
  else
    echo "INVALID: $(basename "$file")"
    echo "$errors"
    status=1
  fi
done
exit $status
