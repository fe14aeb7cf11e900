#!/usr/bin/env bash
# Debian packages the test suite needs beyond the .NET SDK: the Python gRPC client (grpcio) and its
# stub generator (grpc_tools), used by tests/AiOperator.ModelServer.Tests/Grpc/PythonGrpcClientTests.cs.
set -euo pipefail
packages=(python3-grpcio python3-grpc-tools)
if /usr/bin/python3 -c 'import grpc, grpc_tools' 2>/dev/null; then
  exit 0
fi
sudo=""
if [ "$(id -u)" != 0 ]; then sudo=sudo; fi
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${packages[@]}"
