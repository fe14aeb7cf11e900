using AiOperator.ModelServer.Configuration;
using AiOperator.ModelServer.Hosting;

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
