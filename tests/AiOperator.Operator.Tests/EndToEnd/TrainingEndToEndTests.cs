using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AiOperator.Api.V1Alpha1;
using AiOperator.ControllerRuntime.Reconciliation;
using AiOperator.Operator.Tests.Integration;
using k8s;
using k8s.Models;

namespace AiOperator.Operator.Tests.EndToEnd;

/// <summary>
/// TrainingJobs of real aiop-trainer processes: a worker killed mid-run and the gang resuming from its checkpoint, the
/// model handed to a ModelDeployment and checked through /infer; and the output reader for a trainer that reports nothing.
/// </summary>
public sealed partial class TrainingEndToEndTests : TrainerClusterTest
{
    private const string TrainerImage = "ghcr.io/aioperator/trainer:test";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_killed_worker_restarts_the_gang_which_resumes_from_the_checkpoint_and_its_model_is_served_with_the_reported_accuracy()
    {
        const string ns = "resume";
        await Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        await using var op = RunningOperator.Start(Cluster.ApiServer.ClientConfiguration, "e2e-resume", namespaces: [ns]);
        using var jobs = new TrainingJobClient(Client);

        // 30 epochs = 240 steps, a checkpoint every 10; the step delay makes the run last long enough (about 10 s) to interrupt.
        var job = TrainingJobClient.New(ns, "resume", TrainerImage, workers: 2);
        job.Spec.Args = ["--epochs", "30", "--checkpoint-interval", "10", "--step-delay-ms", "40"];
        await jobs.CreateAsync(job);

        var checkpoint = ClaimPath(ns, "ckpt", "aiop-trainer-checkpoint.json");
        long before = 0;
        await Wait.UntilAsync(() => (before = CheckpointStep(checkpoint)) >= 20, Deadline, "a checkpoint at step 20 or later");
        Assert.True(before < 240, $"the run finished (step {before}) before it could be interrupted");

        // Rank 0 dies as a crash or the OOM killer would kill it on a node; rank 1 loses its peer and exits too.
        Assert.Equal(1, Cluster.SignalPodProcesses(ns, "resume-worker-0", 9));

        var done = await WaitJobAsync(jobs, ns, "resume", TrainingJobPhase.Succeeded);
        Assert.Equal(1, done.Status!.Restarts);
        Assert.Equal(2, done.Status.Attempt);
        // The first failure the operator sees: rank 0's SIGKILL (137), or, when the kubelet reports it a moment
        // later than its peer's exit, rank 1 leaving because its peer is gone (the trainer's exit code 200).
        Assert.Contains((done.Status.LastFailure!.Worker, done.Status.LastFailure.ExitCode), new (int?, int?)[] { (0, 137), (1, 200) });

        // The new gang resumed at the checkpoint the killed one left (at least the one seen before the kill), and
        // did not redo a step: its first checkpoint is the next interval, and the run ends at the uninterrupted 240.
        var rank0 = await LogAsync(ns, "resume-worker-0");
        var rank1 = await LogAsync(ns, "resume-worker-1");
        var resumed = long.Parse(ResumeLine().Match(rank0) is { Success: true } m ? m.Groups[1].Value : throw new Xunit.Sdk.XunitException("rank 0 did not log a resume:\n" + rank0), CultureInfo.InvariantCulture);
        Assert.InRange(resumed, before, 230);
        Assert.Contains($"rank 1: resumed from checkpoint step {resumed} ", rank1, StringComparison.Ordinal);
        var written = CheckpointLine().Matches(rank0).Select(c => long.Parse(c.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(resumed + 10, written[0]);
        Assert.All(written, step => Assert.True(step > resumed, $"step {step} was checkpointed again after resuming at {resumed}"));
        Assert.Contains("done: 240 steps", rank0, StringComparison.Ordinal);

        var output = done.Status.OutputModel!;
        Assert.Equal("pvc://models/resume/model.onnx", output.Uri);
        Assert.Equal(240, output.Metrics!["steps"]);
        Assert.Equal(Sha256(ClaimPath(ns, "models", "resume/model.onnx")), output.Sha256);
        var accuracy = output.Metrics["accuracy"];
        Assert.True(accuracy >= 0.9, $"accuracy {accuracy}");

        // Handed to serving: the real model server loads it (checking the sha256) and classifies the validation set as reported.
        using var mds = new ModelDeploymentClient(Client);
        var md = ModelDeploymentClient.New(ns, "served", replicas: 1, gpus: 0);
        md.Spec.Model = new ModelSource { Name = "served", FromTrainingJob = new TrainingJobReference { Name = "resume", Gate = new MetricGate { Metric = "accuracy", Min = 0.9 } } };
        await mds.CreateAsync(md);
        await Wait.UntilAsync(async () => (await mds.GetAsync(ns, "served")).Status?.Phase == ModelDeploymentPhase.Ready, Deadline, "served Ready with a real model server");
        Assert.Equal(output.Sha256, (await mds.GetAsync(ns, "served")).Status!.AcceptedModel!.Sha256);

        using var validation = JsonDocument.Parse(await File.ReadAllTextAsync(ClaimPath(ns, "models", "resume/validation.json")));
        var inputs = validation.RootElement.GetProperty("input").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToList();
        var labels = validation.RootElement.GetProperty("labels").EnumerateArray().Select(l => l.GetInt32()).ToList();
        var service = await Client.CoreV1.ReadNamespacedServiceAsync("served", ns);
        using var http = new HttpClient { BaseAddress = new Uri($"http://{service.Spec.ClusterIP}:80"), Timeout = TimeSpan.FromSeconds(10) };
        using var response = await http.PostAsJsonAsync("/v2/models/served/infer", new JsonObject
        {
            ["inputs"] = new JsonArray(new JsonObject
            {
                ["name"] = "input",
                ["shape"] = new JsonArray(inputs.Count, 2),
                ["datatype"] = "FP32",
                ["data"] = new JsonArray([.. inputs.SelectMany(r => r).Select(v => JsonValue.Create(v))]),
            }),
        });
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.True(response.IsSuccessStatusCode, body?.ToJsonString());
        var probabilities = body!["outputs"]![0]!["data"]!.AsArray().Select(v => (double)v!).ToList();
        Assert.Equal(inputs.Count * 2, probabilities.Count);
        var correct = labels.Where((label, i) => (probabilities[(2 * i) + 1] > probabilities[2 * i] ? 1 : 0) == label).Count();
        Assert.Equal(accuracy, (double)correct / labels.Count, 9);
    }

    [Fact]
    public async Task A_trainer_that_reports_nothing_gets_its_sha256_and_metrics_from_the_output_reader_pod()
    {
        const string ns = "reader";
        await Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        await using var op = RunningOperator.Start(Cluster.ApiServer.ClientConfiguration, "e2e-reader", namespaces: [ns]);
        using var jobs = new TrainingJobClient(Client);

        // Its report goes to a file nobody reads: to the operator this is a trainer that writes the model and metrics.json only.
        var job = TrainingJobClient.New(ns, "quiet", TrainerImage, workers: 1);
        job.Spec.Args = ["--epochs", "10", "--termination-message-path", "/tmp/report-nobody-reads"];
        await jobs.CreateAsync(job);

        var done = await WaitJobAsync(jobs, ns, "quiet", TrainingJobPhase.Succeeded);
        var worker = await Client.CoreV1.ReadNamespacedPodAsync("quiet-worker-0", ns);
        Assert.True(string.IsNullOrEmpty(worker.Status.ContainerStatuses[0].State.Terminated.Message), "rank 0 reported after all");

        var output = done.Status!.OutputModel!;
        Assert.Equal(Sha256(ClaimPath(ns, "models", "quiet/model.onnx")), output.Sha256);
        using var metrics = JsonDocument.Parse(await File.ReadAllTextAsync(ClaimPath(ns, "models", "quiet/metrics.json")));
        Assert.Equal(
            metrics.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble()),
            output.Metrics!.ToDictionary(p => p.Key, p => p.Value));
        Assert.Equal(80, output.Metrics!["steps"]);
        Assert.Contains("reported by output reader pod quiet-output-reader", Conditions.Find(done.Status.Conditions, "Succeeded")!.Message, StringComparison.Ordinal);

        // The reader was deleted before the job was marked Succeeded; its Event stays.
        Assert.DoesNotContain((await Client.CoreV1.ListNamespacedPodAsync(ns)).Items, p => p.Metadata.Name == "quiet-output-reader");
        await ClusterEvents.WaitForAsync(Client, ns, e => e.InvolvedObject.Name == "quiet" && e.Reason == "ReadingOutput", "ReadingOutput on quiet");
    }

    [Fact]
    public async Task A_reader_that_finds_no_model_fails_the_job_naming_the_file()
    {
        const string ns = "nomodel";
        await Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        await using var op = RunningOperator.Start(Cluster.ApiServer.ClientConfiguration, "e2e-nomodel", namespaces: [ns]);
        using var jobs = new TrainingJobClient(Client);

        // The trainer writes its model somewhere else than spec.output says, and reports nothing.
        var job = TrainingJobClient.New(ns, "lost", TrainerImage, workers: 1);
        job.Spec.Args = ["--epochs", "1", "--output-path", "/tmp/elsewhere/model.onnx", "--termination-message-path", "/tmp/report-nobody-reads"];
        await jobs.CreateAsync(job);

        var failed = await WaitJobAsync(jobs, ns, "lost", TrainingJobPhase.Failed);
        var condition = Conditions.Find(failed.Status!.Conditions, "Failed")!;
        Assert.Equal("OutputReadFailed", condition.Reason);
        Assert.Contains("output reader pod lost-output-reader failed (exit code 1): model file ", condition.Message, StringComparison.Ordinal);
        Assert.Contains("lost/model.onnx does not exist", condition.Message, StringComparison.Ordinal);
        Assert.Null(failed.Status.OutputModel);
    }

    private static async Task<TrainingJob> WaitJobAsync(TrainingJobClient jobs, string ns, string name, TrainingJobPhase phase)
    {
        TrainingJob? job = null;
        await Wait.UntilAsync(async () =>
        {
            job = await jobs.GetAsync(ns, name);
            Assert.False(phase != TrainingJobPhase.Failed && job.Status?.Phase == TrainingJobPhase.Failed,
                $"{name} failed: {Conditions.Find(job.Status?.Conditions, "Failed")?.Message}");
            return job.Status?.Phase == phase;
        }, Deadline, $"{name} {phase} (last: {job?.Status?.Phase} {Conditions.Find(job?.Status?.Conditions, "Running")?.Message})");
        return job!;
    }

    private async Task<string> LogAsync(string ns, string pod)
    {
        await using var stream = await Client.CoreV1.ReadNamespacedPodLogAsync(pod, ns, container: "trainer");
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    // The step of the checkpoint rank 0 keeps (written atomically, so a read sees a whole file or none); 0 while there is none.
    private static long CheckpointStep(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            return document.RootElement.GetProperty("step").GetInt64();
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            return 0;
        }
    }

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    [GeneratedRegex(@"rank 0: resumed from checkpoint step (\d+) ")]
    private static partial Regex ResumeLine();

    [GeneratedRegex(@"checkpoint step (\d+) written")]
    private static partial Regex CheckpointLine();
}
