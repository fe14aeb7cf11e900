#!/usr/bin/env bash
# Builds the GPU-check payload: the self-contained aiop-model-server plus the aiop-gpu-check client,
# published together into one folder (they share the same .NET runtime files).
#   tests/gpu/pack.sh [OUT_DIR]            -> OUT_DIR (default tests/gpu/.payload/bin), about 410 MB
#   tests/gpu/pack.sh --split [OUT_DIR]    -> also OUT_DIR/../parts/payload.tar.gz.NN, 50 MiB each
# The CUDA execution provider library alone is 284 MB (188 MB compressed), so the payload cannot fit
# one 64 MiB transfer; --split makes pieces that can be sent one call at a time to a warm machine.
set -euo pipefail
split=0
if [[ "${1:-}" == "--split" ]]; then split=1; shift; fi
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${1:-$root/tests/gpu/.payload/bin}"
rm -rf "$out" && mkdir -p "$out"
dotnet publish "$root/runtime-image/src/AiOperator.ModelServer/AiOperator.ModelServer.csproj" -c Release -r linux-x64 --self-contained -o "$out" -v:q -nologo
dotnet publish "$root/tests/gpu/GpuCheck/GpuCheck.csproj" -c Release -r linux-x64 --self-contained -o "$out" -v:q -nologo
cp "$root/tests/gpu/check.sh" "$out/"
# TensorRT is not exercised by the check; its provider library only adds weight.
rm -f "$out/libonnxruntime_providers_tensorrt.so"
du -sh "$out"
if [[ $split == 1 ]]; then
  parts="$(dirname "$out")/parts"
  rm -rf "$parts" && mkdir -p "$parts"
  # gzip, not zstd: the GPU machine may have nothing beyond coreutils, tar and gzip.
  tar -C "$(dirname "$out")" -czf - "$(basename "$out")" | split -b 50M -d - "$parts/payload.tar.gz."
  ls -la "$parts"
fi
