using System.Diagnostics;
using System.Net;
using AiOperator.ModelServer.Tests.Support;
using AiOperator.Testing;
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

    // The runtime makes one socket engine thread (".NET Sockets") per core when completions run inline, and one
    // per 30 cores otherwise, so the thread count tells the modes apart on a machine of 2 to 30 cores.
    [Theory]
    [InlineData(null)]
    [InlineData("0")]
    public async Task Socket_completions_run_inline_unless_the_environment_says_otherwise(string? setting)
    {
        Assert.True(Environment.ProcessorCount is > 1 and < 31, $"needs 2-30 cores to tell the modes apart, has {Environment.ProcessorCount}");
        var environment = setting is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS"] = setting };
        await using var server = await ModelServerProcess.StartAsync(["--model-uri", TestModels.Mlp(), "--model-name", "m", "--intra-op-threads", "1"], environment);
        using var live = await server.Client.GetAsync("/v2/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);

        var engines = Directory.GetDirectories($"/proc/{server.Process.Id}/task")
            .Count(task => File.ReadAllText(Path.Combine(task, "comm")).Trim() == ".NET Sockets");
        Assert.Equal(setting is null ? Environment.ProcessorCount : 1, engines);
    }
}
