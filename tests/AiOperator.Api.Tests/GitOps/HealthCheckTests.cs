using System.Text.Json.Nodes;

namespace AiOperator.Api.Tests.GitOps;

/// <summary>
/// The chart's Argo CD health checks (charts/ai-operator/health/KIND/health.lua) run against the recorded
/// objects of health_test.yaml (Argo CD's own test format), and kstatus's rules give the answer each case
/// records for Flux. Every phase of both kinds and a stale observedGeneration are covered.
/// </summary>
public sealed class HealthCheckTests
{
    private static readonly string HealthRoot = Path.Combine(RepositoryRoot.Path, "charts", "ai-operator", "health");

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var kind in new[] { "ModelDeployment", "TrainingJob" })
        {
            foreach (var test in TestsOf(kind))
            {
                data.Add(kind, test["inputPath"]!.GetValue<string>());
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Argo_cd_health_matches_the_recorded_expectation(string kind, string inputPath)
    {
        var test = TestsOf(kind).Single(t => t["inputPath"]!.GetValue<string>() == inputPath);
        var obj = RecordedObject.Load(Path.Combine(HealthRoot, kind, inputPath));
        var script = File.ReadAllText(Path.Combine(HealthRoot, kind, "health.lua"));

        var (status, message) = ArgoCdHealthCheck.Run(script, obj);

        Assert.Equal(test["healthStatus"]!["status"]!.GetValue<string>(), status);
        Assert.Equal(test["healthStatus"]!["message"]!.GetValue<string>(), message);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Kstatus_gives_the_recorded_answer(string kind, string inputPath)
    {
        var test = TestsOf(kind).Single(t => t["inputPath"]!.GetValue<string>() == inputPath);
        var obj = RecordedObject.Load(Path.Combine(HealthRoot, kind, inputPath));

        Assert.Equal(test["kstatus"]!.GetValue<string>(), Kstatus.Compute(obj));
    }

    [Theory]
    [InlineData("ModelDeployment", new[] { "Pending", "Progressing", "Ready", "Degraded", "RolledBack", "Failed" })]
    [InlineData("TrainingJob", new[] { "Pending", "Scheduling", "Running", "Restarting", "Succeeded", "Failed", "Suspended" })]
    public void Every_phase_and_a_stale_generation_are_recorded(string kind, string[] phases)
    {
        var objects = TestsOf(kind).Select(t => RecordedObject.Load(Path.Combine(HealthRoot, kind, t["inputPath"]!.GetValue<string>()))).ToList();
        var recorded = objects.Select(o => o["status"]?["phase"]?.GetValue<string>()).ToHashSet();

        foreach (var phase in phases)
        {
            Assert.Contains(phase, recorded);
        }

        Assert.Contains(objects, o => o["status"]?["observedGeneration"] is JsonNode observed
            && observed.GetValue<long>() < o["metadata"]!["generation"]!.GetValue<long>());
    }

    [Fact]
    public void A_status_from_an_older_generation_is_never_healthy()
    {
        var obj = RecordedObject.Load(Path.Combine(HealthRoot, "ModelDeployment", "testdata", "ready.yaml"));
        obj["metadata"]!["generation"] = 99L;
        var script = File.ReadAllText(Path.Combine(HealthRoot, "ModelDeployment", "health.lua"));

        Assert.Equal("Progressing", ArgoCdHealthCheck.Run(script, obj).Status);
        Assert.Equal("InProgress", Kstatus.Compute(obj));
    }

    private static IEnumerable<JsonObject> TestsOf(string kind) =>
        RecordedObject.Load(Path.Combine(HealthRoot, kind, "health_test.yaml"))["tests"]!.AsArray().Select(t => (JsonObject)t!);
}
