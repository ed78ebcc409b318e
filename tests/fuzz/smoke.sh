#!/usr/bin/env bash
# Runs each fuzz harness for a few seconds over a scratch copy of its seed corpus, two at a time
# (FUZZ_JOBS), and fails on any finding (a crash, a sanitizer report, a timeout or an
# out-of-memory).
#   smoke.sh <build dir> <corpus dir> <seconds> <harness>...
set -euo pipefail
bin="$1"; corpus="$2"; secs="$3"; shift 3
jobs="${FUZZ_JOBS:-2}"

one() {
  local h="$1" work
  work=$(mktemp -d)
  cp -r "$corpus/$h/." "$work/" 2>/dev/null || true
  local seeds; seeds=$(ls "$work" | wc -l)
  # -rss_limit_mb: every input must stay within 2 GB; -timeout: none may take 10 s.
  if ! (cd "$work" && "$bin/fuzz_$h" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
        -print_final_stats=1 "$work" >"$work.log" 2>&1); then
    tail -n 60 "$work.log"
    echo "fuzz_$h: FINDING (log above; the input is saved in $work as crash-*/oom-*/timeout-*)"
    return 1
  fi
  echo "fuzz_$h: ${secs}s from $seeds seeds: $(grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$work.log" | tr '\n' ' ')"
  rm -rf "$work" "$work.log"
}

pids=(); failed=0
for h in "$@"; do
  one "$h" & pids+=($!)
  if [ ${#pids[@]} -ge "$jobs" ]; then
    wait "${pids[0]}" || failed=1
    pids=("${pids[@]:1}")
  fi
done
for p in "${pids[@]}"; do wait "$p" || failed=1; done
exit $failed
