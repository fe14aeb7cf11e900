#!/usr/bin/env bash
# GPU check for aiop-model-server: the CUDA execution provider, NVML metrics and GPU throughput, run
# from the self-contained payload made by tests/gpu/pack.sh (no .NET SDK needed on the GPU machine).
#   check.sh PAYLOAD_DIR [REPORT_DIR]
# Needs: Linux x86-64, an NVIDIA driver (libnvidia-ml.so.1) and CUDA 13 + cuDNN 9 libraries, either on the
# loader path or as the pip 'nvidia-*' packages of the python3 on PATH (found automatically).
# AIOP_GPU_CHECK_DRY_RUN=1 runs the same steps on CPU and skips the GPU assertions (to test the script).
# Exit code 0 only when every check passed; the report is REPORT_DIR/gpu-check.md.
set -uo pipefail
payload="$(cd "${1:?usage: check.sh PAYLOAD_DIR [REPORT_DIR]}" && pwd)"
report_dir="${2:-${OUT:-$(mktemp -d)}}"
dry="${AIOP_GPU_CHECK_DRY_RUN:-0}"
seconds="${AIOP_GPU_CHECK_SECONDS:-10}"
work="$(mktemp -d)"
report="$report_dir/gpu-check.md"
mkdir -p "$report_dir"
failures=0
server_pid=""

log() { echo "$*" | tee -a "$report"; }
check() { # check NAME CONDITION-RESULT(0/1) DETAIL
  if [[ "$2" == 0 ]]; then log "- PASS $1 $3"; else log "- FAIL $1 $3"; failures=$((failures + 1)); fi
}
stop_server() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid"; wait "$server_pid"; echo "server exit code $?" >>"$work/server.log"
  fi
  server_pid=""
}
trap 'stop_server; rm -rf "$work"' EXIT

# CUDA 13 / cuDNN 9 from pip's nvidia-* packages when they are not on the loader path already.
if command -v python3 >/dev/null 2>&1; then
  extra="$(python3 - <<'PY' 2>/dev/null
import glob, os, site
dirs = set()
for base in site.getsitepackages() + [site.getusersitepackages()]:
    for lib in glob.glob(os.path.join(base, "nvidia", "*", "lib")):
        dirs.add(lib)
print(":".join(sorted(dirs)))
PY
)"
  if [[ -n "$extra" ]]; then export LD_LIBRARY_PATH="$extra${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"; fi
fi

: >"$report"
log "# aiop-model-server GPU check ($(date -u +%FT%TZ))"
log ""
if [[ "$dry" != 1 ]]; then
  log "GPU: $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | head -1)"
fi
log "payload: $payload"
log ""

port=18123
url="http://127.0.0.1:$port"
model="$work/gpu_mlp.onnx"
"$payload/aiop-gpu-check" make-model "$model" >/dev/null || { log "- FAIL could not build the test model"; exit 1; }

start_server() { # start_server PROVIDER MAX_BATCH
  "$payload/aiop-model-server" --model-uri "$model" --model-name mlp --host 127.0.0.1 --http-port "$port" \
    --execution-provider "$1" --max-batch-size "$2" --max-queue-delay-us 1000 --termination-log "$work/termination-log" \
    >>"$work/server.log" 2>&1 &
  server_pid=$!
  "$payload/aiop-gpu-check" wait "$url" mlp 180
}

gpu_provider=CUDA
expected_provider=CUDA
if [[ "$dry" == 1 ]]; then gpu_provider=CPU; expected_provider=CPU; fi

log "## 1. CUDA execution provider"
start_server "$gpu_provider" 32; ready=$?
check "server ready with --execution-provider $gpu_provider" "$ready" ""
provider="$("$payload/aiop-gpu-check" provider "$url" mlp 2>&1)"
[[ "$provider" == "$expected_provider" ]]; check "metadata reports execution_provider" $? "= $provider"
log ""
log "## 2. GPU throughput (1024-4096-4096-1024 MLP, FP32, binary tensors, max batch 32)"
"$payload/aiop-gpu-check" load "$url" mlp "$seconds" 1,8,32 | tee "$work/gpu-load.md" | tee -a "$report" >/dev/null
check "load ran without errors" "${PIPESTATUS[0]}" ""
log ""
log "## 3. Metrics"
if [[ "$dry" == 1 ]]; then
  "$payload/aiop-gpu-check" metrics "$url" aiop_busy_ratio aiop_execution_provider >>"$report"; check "busy ratio and provider metrics" $? ""
else
  "$payload/aiop-gpu-check" metrics "$url" nv_gpu_utilization nv_gpu_memory_used_bytes nv_gpu_memory_total_bytes aiop_busy_ratio 'aiop_execution_provider{model="mlp",version="1",provider="CUDA"}' >>"$report"
  check "NVML metrics (utilization, memory) and provider=CUDA present" $? ""
fi
stop_server

log ""
log "## 4. Auto picks the GPU"
start_server Auto 32 >/dev/null; auto_ready=$?
auto="$("$payload/aiop-gpu-check" provider "$url" mlp 2>&1)"
[[ $auto_ready == 0 && "$auto" == "$expected_provider" ]]; check "--execution-provider Auto" $? "-> $auto"
stop_server

log ""
log "## 5. Same load on CPU, for comparison"
start_server CPU 32 >/dev/null
"$payload/aiop-gpu-check" load "$url" mlp "$seconds" 32 | tee "$work/cpu-load.md" | tee -a "$report" >/dev/null
stop_server
gpu32="$(awk -F'|' '$2+0==32 {print $3+0}' "$work/gpu-load.md")"
cpu32="$(awk -F'|' '$2+0==32 {print $3+0}' "$work/cpu-load.md")"
if [[ "$dry" != 1 ]]; then
  awk -v g="$gpu32" -v c="$cpu32" 'BEGIN { exit !(g > c) }'; check "GPU throughput above CPU at concurrency 32" $? "($gpu32 vs $cpu32 req/s)"
fi

log ""
log "## Server log (last 20 lines)"
tail -20 "$work/server.log" | sed 's/^/    /' >>"$report"
log ""
if [[ $failures == 0 ]]; then log "RESULT: all checks passed"; else log "RESULT: $failures check(s) failed"; fi
exit $((failures > 0))
