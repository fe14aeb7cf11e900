#!/usr/bin/env bash
# The project's test command (README "Test"): builds everything with warnings as errors and runs every
# test that can run without a GPU. GPU checks are excluded by trait (Category=Gpu) and live in tests/gpu.
set -euo pipefail
cd "$(dirname "$0")"
command -v kubectl >/dev/null || { echo "kubectl is required (integration tests drive the local cluster with it)" >&2; exit 1; }
dotnet build AiOperator.sln -c Release
dotnet test AiOperator.sln -c Release --no-build --filter "Category!=Gpu" --logger "console;verbosity=normal" "$@"
