# Sourced by the run-*.sh scripts. On a small machine another build running at the same time
# distorts every figure, so measurements wait (up to QUIET_WAIT seconds, default 600) until the
# machine has been idle for 5 seconds; after that they go ahead and the report says how busy it was.

# Percent of all CPUs busy over the next 5 seconds (from /proc/stat).
busy_percent() {
  local _ u n s i io irq sirq st b1 t1 b2 t2
  read -r _ u n s i io irq sirq st _ </proc/stat
  b1=$((u + n + s + irq + sirq + st)); t1=$((b1 + i + io))
  sleep 5
  read -r _ u n s i io irq sirq st _ </proc/stat
  b2=$((u + n + s + irq + sirq + st)); t2=$((b2 + i + io))
  echo $((100 * (b2 - b1) / (t2 - t1 > 0 ? t2 - t1 : 1)))
}

wait_for_quiet() {
  [[ -r /proc/stat ]] || return 0
  local deadline=$((SECONDS + ${QUIET_WAIT:-600})) busy
  while :; do
    busy="$(busy_percent)"
    if ((busy < 10)); then
      return 0
    fi
    if ((SECONDS >= deadline)); then
      echo "the machine is still ${busy}% busy after ${QUIET_WAIT:-600}s; measuring anyway" >&2
      return 0
    fi
    echo "the machine is ${busy}% busy with other programs; waiting for it to be idle" >&2
  done
}
