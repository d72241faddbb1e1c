#!/usr/bin/env bash
# Prints what a browser downloads for the built app: each .wasm and .js, raw, gzip -9 and brotli.
set -euo pipefail
dist=${1:-dist}
printf '%-44s %10s %10s %10s\n' file raw gzip-9 brotli
total_raw=0; total_gz=0; total_br=0
for f in "$dist"/*.wasm "$dist"/*.js; do
  [ -e "$f" ] || continue
  raw=$(wc -c < "$f"); gz=$(gzip -9 -c "$f" | wc -c); br=$(brotli -c -q 11 "$f" | wc -c)
  total_raw=$((total_raw + raw)); total_gz=$((total_gz + gz)); total_br=$((total_br + br))
  printf '%-44s %10d %10d %10d\n' "$(basename "$f")" "$raw" "$gz" "$br"
done
printf '%-44s %10d %10d %10d\n' total "$total_raw" "$total_gz" "$total_br"
