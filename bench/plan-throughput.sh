#!/usr/bin/env bash
# Figure 1: plan throughput and peak memory against the bare pipeline, at 100,000 and 1,000,000 rows.
source "$(dirname "$0")/common.sh"
build_release
printf '%-10s %-8s %12s %10s %12s %10s %8s\n' rows what seconds rows/s peakRSS_MB vs_bare cores
for rows in ${ROWS:-100000 1000000}; do
  dir=$(generate "$rows")
  rm -f "$dir"/*.ledger.db*
  /usr/bin/time -f '%e %M' -o "$dir/bare.time" $BENCH bare --dir "$dir" >/dev/null
  /usr/bin/time -f '%e %M' -o "$dir/plan.time" $CLI plan "$dir/run.yaml" >/dev/null || true
  read -r bs bk <"$dir/bare.time"; read -r ps pk <"$dir/plan.time"
  brate=$(awk -v r="$rows" -v s="$bs" 'BEGIN{printf "%.0f", r/s}')
  prate=$(awk -v r="$rows" -v s="$ps" 'BEGIN{printf "%.0f", r/s}')
  printf '%-10s %-8s %12s %10s %12s %10s %8s\n' "$rows" bare "$bs" "$brate" "$((bk/1024))" 1.00 "$CORES"
  printf '%-10s %-8s %12s %10s %12s %10s %8s\n' "$rows" plan "$ps" "$prate" "$((pk/1024))" "$(awk -v a="$prate" -v b="$brate" 'BEGIN{printf "%.2f", a/b}')" "$CORES"
done
