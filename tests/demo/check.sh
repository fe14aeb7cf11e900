#!/usr/bin/env bash
# The README's run command, as CI runs it after the test suite (the solution must be built, Release):
#  1. `aiop demo` completes every stage and exits 0, and leaves no pod process behind;
#  2. Ctrl+C in the middle of a stage (here: while the TrainingJob's workers run) stops everything the
#     demo started: exit code 130 and no pod process left.
# Pod processes are recognised by their program (the model server and the example trainer) and their
# working directory (the local kubelet runs each container in a folder of the demo's state directory), so
# processes this script did not start never fail it.
set -euo pipefail
cd "$(dirname "$0")/../.."
configuration=${CONFIGURATION:-Release}
aiop=(dotnet "operator/src/AiOperator.Cli/bin/$configuration/net10.0/aiop.dll")
[[ -f ${aiop[1]} ]] || { echo "demo check: ${aiop[1]} is missing; build the solution first (-c $configuration)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ours() {
  local pid
  for pid in $(pgrep -f 'aiop-model-server\.dll|aiop-trainer\.dll' || true); do
    [[ $(readlink "/proc/$pid/cwd" 2>/dev/null) == "$work"/* ]] && echo "$pid"
  done
  return 0
}

left_behind() {
  local deadline=$((SECONDS + 15))
  # The demo waits for its processes before exiting; allow the kernel a moment to reap them.
  while [[ -n $(ours) ]]; do
    (( SECONDS < deadline )) || { echo "demo check: $1 left pod processes behind:" >&2; for pid in $(ours); do tr '\0' ' ' <"/proc/$pid/cmdline" >&2; echo >&2; done; return 1; }
    sleep 0.2
  done
}

echo "demo check 1/2: the whole demo"
start=$SECONDS
"${aiop[@]}" demo --state-dir "$work/full" | tee "$work/full.log"
echo "demo check: the demo passed in $((SECONDS - start)) s"
left_behind "the demo"

echo "demo check 2/2: Ctrl+C while the training job runs"
# A non-interactive shell starts a background command with SIGINT ignored, and .NET keeps an
# ignore it inherits (so does `set -m` not always undo it: under some CI harnesses the demo still started
# with SIGINT ignored and ran to the end). `env --default-signal` starts it as a terminal's foreground
# command would be, so the Ctrl+C below reaches the demo's own handler.
env --default-signal=INT "${aiop[@]}" demo --state-dir "$work/interrupted" >"$work/interrupted.log" 2>&1 &
demo=$!
deadline=$((SECONDS + 180))
until [[ -n $(ours) ]]; do
  if ! kill -0 "$demo" 2>/dev/null || (( SECONDS > deadline )); then
    echo "demo check: no trainer process appeared (demo log below)" >&2; cat "$work/interrupted.log" >&2; kill "$demo" 2>/dev/null || true; exit 1
  fi
  sleep 0.2
done
kill -INT "$demo"
set +e
wait "$demo"
code=$?
set -e
if (( code != 130 )); then
  echo "demo check: after Ctrl+C the demo exited $code, expected 130 (log below)" >&2; cat "$work/interrupted.log" >&2; exit 1
fi
left_behind "Ctrl+C"
echo "demo check: passed (exit 0 on the full run, 130 on Ctrl+C, no pod process left either time)"
