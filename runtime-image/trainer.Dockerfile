# The example trainer image: aiop-trainer on the .NET 10 runtime. Its math runs on the CPU in doubles,
# so no CUDA layer is needed; a TrainingJob may still give its pods GPUs (it simply does not use them).
# Build from the repository root:  docker build -f runtime-image/trainer.Dockerfile -t ghcr.io/aioperator/trainer .
# Runs as a non-root user; it writes only to CHECKPOINT_DIR and OUTPUT_PATH (the job's volumes) and the
# termination log, so a read-only root file system is fine.

ARG DOTNET_SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0-noble
ARG DOTNET_RUNTIME_IMAGE=mcr.microsoft.com/dotnet/runtime:10.0-noble

FROM ${DOTNET_SDK_IMAGE} AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY runtime-image/src/AiOperator.Trainer/AiOperator.Trainer.csproj runtime-image/src/AiOperator.Trainer/
RUN dotnet restore runtime-image/src/AiOperator.Trainer/AiOperator.Trainer.csproj -r linux-x64
COPY runtime-image/src/AiOperator.Trainer/ runtime-image/src/AiOperator.Trainer/
RUN dotnet publish runtime-image/src/AiOperator.Trainer/AiOperator.Trainer.csproj \
      -c Release -r linux-x64 --self-contained false --no-restore -o /out

FROM ${DOTNET_RUNTIME_IMAGE} AS runtime
RUN groupadd --gid 65532 aiop && useradd --uid 65532 --gid 65532 --no-create-home --shell /usr/sbin/nologin aiop
COPY --from=build /out /app
# A small CPU workload: the workstation GC keeps the footprint down; diagnostics off for a read-only root.
ENV DOTNET_ROOT=/usr/share/dotnet \
    DOTNET_EnableDiagnostics=0 \
    DOTNET_gcServer=0
WORKDIR /app
USER 65532:65532
# Rank 0's rendezvous port (MASTER_PORT, 29500 unless the TrainingJob says otherwise).
EXPOSE 29500
ENTRYPOINT ["/app/aiop-trainer"]
