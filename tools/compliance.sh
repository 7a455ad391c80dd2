#!/usr/bin/env bash
# docs/compliance.md = its opening (docs/compliance.d/00-base.md) and each domain's part,
# in the order of their names. Edit the parts, then run this.
set -euo pipefail
cd "$(dirname "$0")/.."
{
  for part in docs/compliance.d/*.md; do
    cat "$part"
    printf '\n'
  done
} > docs/compliance.md
echo "wrote docs/compliance.md from $(ls docs/compliance.d/*.md | wc -l) parts"
