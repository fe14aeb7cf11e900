using AiOperator.ModelServer.Configuration;
using AiOperator.ModelServer.Hosting;

// Socket completions run on the socket engine's own threads (one per core) instead of being queued to the
// thread pool first: one thread hop less per request, which at one connection is about a quarter more
// requests per second (docs/benchmarks.md). Only Kestrel's transport code runs there: requests still run on
// the thread pool (Kestrel's UnsafePreferInlineScheduling stays off), so a long model run never holds up
// another connection. The runtime reads this once, when the first socket is created; an explicit value
// (e.g. 0) in the environment is kept.
const string InlineSocketCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
if (Environment.GetEnvironmentVariable(InlineSocketCompletions) is null)
{
    Environment.SetEnvironmentVariable(InlineSocketCompletions, "1");
}

ServerOptions options;
try
{
    var environment = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
        .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "", StringComparer.Ordinal);
    options = ServerOptionsParser.Parse(args, environment, CpuLimit.Detect());
}
catch (OptionsException ex)
{
    await Console.Error.WriteLineAsync($"aiop-model-server: {ex.Message}");
    TerminationLog.Write(Environment.GetEnvironmentVariable("AIOP_TERMINATION_LOG"), ex.Message);
    return 2;
}

try
{
    var app = ServerApp.Build(options, TimeProvider.System);
    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (ex is IOException or OptionsException)
{
    // Typically the port is taken or the host is not an address of this machine.
    await Console.Error.WriteLineAsync($"aiop-model-server: {ex.Message}");
    TerminationLog.Write(options.TerminationLogPath, ex.Message);
    return 1;
}
