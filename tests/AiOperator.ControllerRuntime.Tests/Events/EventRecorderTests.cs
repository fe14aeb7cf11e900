using System.Text.Json.Nodes;
using AiOperator.ControllerRuntime.Events;
using AiOperator.ControllerRuntime.Metrics;
using AiOperator.ControllerRuntime.Tests.Fakes;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;

namespace AiOperator.ControllerRuntime.Tests.Events;

public sealed class EventRecorderTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 1, 10, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_repeat_patches_the_count_instead_of_creating_another_event()
    {
        var api = new RecordingKubeApi();
        var recorder = new EventRecorder(api, "aioperator", _time);
        using var stop = new CancellationTokenSource();
        var run = recorder.RunAsync(stop.Token);

        recorder.Record(Subject(), EventRecorder.Warning, "SpecInvalid", "minReplicas > maxReplicas");
        _time.Advance(TimeSpan.FromMinutes(1));
        recorder.Record(Subject(), EventRecorder.Warning, "SpecInvalid", "minReplicas > maxReplicas");
        await WaitForCalls(api, 2);

        Assert.Equal("POST", api.Calls[0].Verb);
        Assert.Equal("/api/v1/namespaces/vision/events", api.Calls[0].Path);
        var created = JsonNode.Parse(api.Calls[0].Body!)!;
        Assert.Equal("ModelDeployment", (string?)created["involvedObject"]!["kind"]);
        Assert.Equal("aioperator", (string?)created["source"]!["component"]);
        Assert.Equal("PATCH", api.Calls[1].Verb);
        Assert.EndsWith((string?)created["metadata"]!["name"], api.Calls[1].Path, StringComparison.Ordinal);
        Assert.Equal(2, (int?)JsonNode.Parse(api.Calls[1].Body!)!["count"]);

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Routine_events_that_spend_their_budget_do_not_silence_another_reason_about_the_same_object()
    {
        var api = new RecordingKubeApi();
        var metrics = new ControllerMetrics();
        var recorder = new EventRecorder(api, "aioperator", _time, metrics);
        using var stop = new CancellationTokenSource();
        var run = recorder.RunAsync(stop.Token);

        for (var i = 0; i < 30; i++)
        {
            recorder.Record(Subject(), EventRecorder.Normal, "Autoscaled", $"scaled to {i}");
        }

        recorder.Record(Subject(), EventRecorder.Warning, "RolledBack", "error rate 0.2 > 0.01");
        await WaitForCalls(api, 26);
        Assert.Contains(api.Calls, c => c.Body is { } body && body.Contains("\"RolledBack\"", StringComparison.Ordinal));
        Assert.Equal(5, metrics.EventsDropped.Value("spam"));

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Record_never_blocks_a_full_buffer_drops_and_counts()
    {
        var metrics = new ControllerMetrics();
        var recorder = new EventRecorder(new RecordingKubeApi(), "aioperator", _time, metrics, bufferSize: 2);

        for (var i = 0; i < 5; i++)
        {
            recorder.Record(Subject(), EventRecorder.Normal, "Tick", $"tick {i}");
        }

        Assert.Equal(3, metrics.EventsDropped.Value("buffer_full"));
    }

    [Fact]
    public void Bad_type_is_refused_with_a_clear_message()
    {
        var recorder = new EventRecorder(new RecordingKubeApi(), "aioperator", _time);

        var error = Assert.Throws<ArgumentException>(() => recorder.Record(Subject(), "Info", "R", "m"));
        Assert.Contains("Normal or Warning", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Long_messages_are_truncated()
    {
        var api = new RecordingKubeApi();
        var recorder = new EventRecorder(api, "aioperator", _time);
        using var stop = new CancellationTokenSource();
        var run = recorder.RunAsync(stop.Token);

        recorder.Record(Subject(), EventRecorder.Normal, "Big", new string('x', 5000));
        await WaitForCalls(api, 1);

        Assert.Equal(1024, ((string?)JsonNode.Parse(api.Calls[0].Body!)!["message"])!.Length);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static async Task WaitForCalls(RecordingKubeApi api, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (api.Calls.Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"expected {count} calls, saw {api.Calls.Count}");
            await Task.Yield();
        }
    }

    private static V1Pod Subject() => new()
    {
        ApiVersion = "aioperator.dev/v1alpha1",
        Kind = "ModelDeployment",
        Metadata = new V1ObjectMeta { Name = "resnet", NamespaceProperty = "vision", Uid = "uid-1", ResourceVersion = "3" },
    };
}
