using System.Diagnostics;
using AiOperator.ModelServer.Tests.Support;
using Xunit;

namespace AiOperator.ModelServer.Tests;

/// <summary>The executable's own contract: a bad option is one clear line, exit code 2 and a termination message.</summary>
public sealed class ProgramTests
{
    [Fact]
    public async Task Bad_option_exits_2_naming_the_flag_and_writes_the_termination_log()
    {
        var terminationLog = Path.Combine(TestModels.Directory, $"program-term-{Guid.NewGuid():N}");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "aiop-model-server.dll"));
        info.ArgumentList.Add("--http-port");
        info.ArgumentList.Add("eighty");
        info.Environment["AIOP_MODEL_URI"] = "/models/m.onnx";
        info.Environment["AIOP_TERMINATION_LOG"] = terminationLog;
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal(2, process.ExitCode);
        Assert.Equal("aiop-model-server: --http-port 'eighty' is invalid: expected an integer from 0 to 65535", (await stderr).Trim());
        Assert.Contains("--http-port 'eighty' is invalid", await File.ReadAllTextAsync(terminationLog), StringComparison.Ordinal);
    }
}
