using AiOperator.Api.V1Alpha1;
using AiOperator.ControllerRuntime.Reconciliation;
using AiOperator.LocalCluster.ApiServer;
using AiOperator.Operator.TrainingJobs;
using k8s;
using k8s.Models;

namespace AiOperator.Operator.Tests.Integration;

/// <summary>TrainingJobs on the local cluster with the simulated kubelet: gangs, restarts, policies, lifetime.</summary>
[Collection(TrainingClusterCollection.Name)]
public sealed class TrainingJobTests(TrainingCluster fixture)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Each_worker_gets_its_rank_environment_gpus_and_the_rendezvous_service()
    {
        var (ns, op, jobs) = await StartAsync("tj-env");
        await using var _ = op;
        using var __ = jobs;
        try
        {
            await jobs.CreateAsync(TrainingJobClient.New(ns, "ft", TrainingCluster.Forever, workers: 2, gpus: 4));
            await WaitAsync(jobs, ns, "ft", j => j.Status?.Phase == TrainingJobPhase.Running && j.Status.WorkersRunning == "2/2", "job Running with 2/2 workers");

            var pods = await PodsAsync(ns, "ft");
            Assert.Equal(["ft-worker-0", "ft-worker-1"], pods.Select(p => p.Metadata.Name).Order());
            foreach (var pod in pods)
            {
                var rank = pod.Metadata.Labels["aioperator.dev/rank"];
                var env = pod.Spec.Containers[0].Env.ToDictionary(e => e.Name, e => e.Value);
                Assert.Equal((rank, rank, rank), (env["RANK"], env["NODE_RANK"], env["PET_NODE_RANK"]));
                Assert.Equal(("8", "4", "4", "2"), (env["WORLD_SIZE"], env["LOCAL_WORLD_SIZE"], env["PET_NPROC_PER_NODE"], env["PET_NNODES"]));
                Assert.Equal(("ft-worker-0.ft-workers", "29500"), (env["MASTER_ADDR"], env["MASTER_PORT"]));
                Assert.Equal(("/checkpoints", "/output/ft/model.onnx"), (env["CHECKPOINT_DIR"], env["OUTPUT_PATH"]));
                Assert.Equal("4", pod.Spec.Containers[0].Resources.Requests["nvidia.com/gpu"].ToString());
                Assert.Equal("4", pod.Spec.Containers[0].Resources.Limits["nvidia.com/gpu"].ToString());
                Assert.Contains("cpu", pod.Spec.Containers[0].Resources.Requests.Keys);
                Assert.Equal(("Never", $"ft-worker-{rank}", "ft-workers"), (pod.Spec.RestartPolicy, pod.Spec.Hostname, pod.Spec.Subdomain));
                Assert.Equal("1", pod.Metadata.Labels["aioperator.dev/gang"]);
                Assert.True(Assert.Single(pod.Metadata.OwnerReferences).BlockOwnerDeletion);
            }

            // One worker per node: each asked for all four GPUs of one.
            Assert.Equal(2, pods.Select(p => p.Spec.NodeName).Distinct().Count());
            var service = await fixture.Client.CoreV1.ReadNamespacedServiceAsync("ft-workers", ns);
            Assert.Equal(("None", true), (service.Spec.ClusterIP, service.Spec.PublishNotReadyAddresses));
        }
        finally
        {
            await DeleteAndWaitGoneAsync(jobs, ns, "ft");
        }
    }

    [Fact]
    public async Task A_gang_too_big_for_the_gpus_is_torn_down_named_and_retried_without_consuming_backoff()
    {
        var (ns, op, jobs) = await StartAsync("tj-gang");
        await using var _ = op;
        using var __ = jobs;
        var job = TrainingJobClient.New(ns, "big", TrainingCluster.Forever, workers: 3, gpus: 4);
        job.Spec.Gang = new GangSpec { ScheduleTimeoutSeconds = 5 };
        job.Spec.BackoffLimit = 0;
        await jobs.CreateAsync(job);

        try
        {
            var retried = await WaitAsync(jobs, ns, "big", j => j.Status?.Attempt >= 2 && j.Status.ScheduleTimeouts >= 1, "a second gang after the timeout");
            Assert.Equal(0, retried.Status!.Restarts);
            Assert.NotEqual(TrainingJobPhase.Failed, retried.Status.Phase);
            var timeout = await WaitEventAsync(ns, "big", "GangScheduleTimeout");
            Assert.Equal("Warning", timeout.Type);
            Assert.Contains("nvidia.com/gpu", timeout.Message, StringComparison.Ordinal);
            Assert.Contains("Insufficient", timeout.Message, StringComparison.Ordinal);
            var scheduled = Conditions.Find((await jobs.GetAsync(ns, "big")).Status!.Conditions, "Scheduled");
            Assert.Equal("False", scheduled!.Status);
        }
        finally
        {
            await DeleteAndWaitGoneAsync(jobs, ns, "big");
        }
    }

    [Fact]
    public async Task A_failing_worker_restarts_the_whole_gang_until_backoffLimit_then_the_job_stays_failed_through_an_operator_restart()
    {
        var (ns, op, jobs) = await StartAsync("tj-fail");
        await using var _ = op;
        using var __ = jobs;
        var job = TrainingJobClient.New(ns, "crash", TrainingCluster.Crashes, workers: 2);
        job.Spec.BackoffLimit = 2;
        await jobs.CreateAsync(job);

        var failed = await WaitAsync(jobs, ns, "crash", j => j.Status?.Phase == TrainingJobPhase.Failed, "job Failed");
        Assert.Equal((2, 3), (failed.Status!.Restarts!.Value, failed.Status.Attempt!.Value));
        Assert.Equal("BackoffLimitExceeded", Conditions.Find(failed.Status.Conditions, "Failed")!.Reason);
        Assert.Equal((1, "Error"), (failed.Status.LastFailure!.ExitCode!.Value, failed.Status.LastFailure.Reason));
        // Only the third gang is left (its unfinished worker was stopped when the job failed).
        var pods = await PodsAsync(ns, "crash");
        Assert.NotEmpty(pods);
        Assert.All(pods, p => Assert.Equal("3", p.Metadata.Labels["aioperator.dev/gang"]));
        // Events are recorded in the background: wait for both restarts' Warnings.
        await Wait.UntilAsync(async () => (await EventsAsync(ns)).Count(e => e.InvolvedObject.Name == "crash" && e.Reason == "WorkerFailed") == 2, Deadline, "two WorkerFailed events");

        // The teardown settles first: the worker stopped at the failure goes, and the counts follow the pods left.
        // (A status decided on a stale cache once left the counts one pod behind here for good.)
        var seen = "";
        try
        {
            await Wait.UntilAsync(async () =>
            {
                var left = await PodsAsync(ns, "crash");
                var counts = (await jobs.GetAsync(ns, "crash")).Status!.Workers!;
                seen = $"pods [{string.Join("; ", left.Select(p => $"{p.Metadata.Name} {p.Status?.Phase}{(p.Metadata.DeletionTimestamp is null ? "" : " deleting")}"))}], counts failed {counts.Failed} running {counts.Running} pending {counts.Pending}";
                return left.All(p => p.Metadata.DeletionTimestamp is null && p.Status?.Phase is "Failed" or "Succeeded")
                    && counts.Running == 0 && counts.Pending == 0 && counts.Failed == left.Count(p => p.Status?.Phase == "Failed");
            }, Deadline, "the failed gang torn down and counted as it is left");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; last seen: {seen}", e);
        }

        failed = await jobs.GetAsync(ns, "crash");

        // A new operator (resyncing every second) finds it Failed and leaves it so: no pod, no status change.
        await op.DisposeAsync();
        fixture.Cluster.ApiServer.Requests.Clear();
        await using var again = RunningOperator.Start(fixture.Config, "tj-fail-2", namespaces: [ns], resync: TimeSpan.FromSeconds(1));
        await Wait.UntilAsync(() => again.Host.IsLeader, Deadline, "new operator started");
        await Wait.UntilAsync(() => again.ReconcilesOf(TrainingJobController.Name) >= 3, Deadline, "three reconciles by the new operator");
        var after = await jobs.GetAsync(ns, "crash");
        Assert.Equal(KubernetesJson.Serialize(failed.Status), KubernetesJson.Serialize(after.Status));
        Assert.DoesNotContain(Requests(again, ns), r => r.IsWrite);
    }

    [Fact]
    public async Task ExitCode_policy_fails_at_once_on_a_program_error_and_restarts_after_a_kill()
    {
        var (ns, op, jobs) = await StartAsync("tj-exit");
        await using var _ = op;
        using var __ = jobs;
        var program = TrainingJobClient.New(ns, "bug", TrainingCluster.Crashes);
        program.Spec.RestartPolicy = TrainingRestartPolicy.ExitCode;
        program.Spec.BackoffLimit = 3;
        var killed = TrainingJobClient.New(ns, "oom", TrainingCluster.OutOfMemory);
        killed.Spec.RestartPolicy = TrainingRestartPolicy.ExitCode;
        killed.Spec.BackoffLimit = 1;
        await jobs.CreateAsync(program);
        await jobs.CreateAsync(killed);

        var bug = await WaitAsync(jobs, ns, "bug", j => j.Status?.Phase == TrainingJobPhase.Failed, "bug Failed");
        Assert.Equal(0, bug.Status!.Restarts);
        Assert.Equal("NonRetryableExitCode", Conditions.Find(bug.Status.Conditions, "Failed")!.Reason);

        // The failed workers' pods are kept for their logs; deleted by hand, they are no longer counted.
        await WaitAsync(jobs, ns, "bug", j => j.Status?.Workers?.Failed > 0, "failed workers counted");
        foreach (var pod in await PodsAsync(ns, "bug"))
        {
            try
            {
                await fixture.Client.CoreV1.DeleteNamespacedPodAsync(pod.Metadata.Name, ns);
            }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                // A worker still running when the job failed is being stopped by the operator.
            }
        }

        var cleaned = await WaitAsync(jobs, ns, "bug", j => j.Status?.Workers is { Failed: 0, Running: 0, Pending: 0, Succeeded: 0 } && j.Status.WorkersRunning == "0/2", "no worker counted");
        Assert.Equal(TrainingJobPhase.Failed, cleaned.Status!.Phase);

        var oom = await WaitAsync(jobs, ns, "oom", j => j.Status?.Phase == TrainingJobPhase.Failed, "oom Failed");
        Assert.Equal(1, oom.Status!.Restarts);
        Assert.Equal("BackoffLimitExceeded", Conditions.Find(oom.Status.Conditions, "Failed")!.Reason);
        Assert.Equal((137, "OOMKilled"), (oom.Status.LastFailure!.ExitCode!.Value, oom.Status.LastFailure.Reason));
    }

    [Fact]
    public async Task Growing_a_running_job_restarts_the_gang_at_the_new_size_without_spending_backoffLimit()
    {
        var (ns, op, jobs) = await StartAsync("tj-grow");
        await using var _ = op;
        using var __ = jobs;
        var job = TrainingJobClient.New(ns, "ft", TrainingCluster.Forever, workers: 2);
        job.Spec.BackoffLimit = 0;
        await jobs.CreateAsync(job);
        await WaitAsync(jobs, ns, "ft", j => j.Status?.Phase == TrainingJobPhase.Running && j.Status.WorkersRunning == "2/2", "job Running");

        await jobs.PatchAsync(ns, "ft", """{"spec":{"workers":3}}""");
        var grown = await WaitAsync(jobs, ns, "ft",
            j => j.Status?.Attempt == 2 && j.Status.Phase == TrainingJobPhase.Running && j.Status.WorkersRunning == "3/3", "a gang of 3 Running");
        Assert.Equal(0, grown.Status!.Restarts);
        Assert.Null(grown.Status.LastFailure);
        var pods = await PodsAsync(ns, "ft");
        Assert.Equal(["3", "3", "3"], pods.Select(p => p.Spec.Containers[0].Env.Single(e => e.Name == "PET_NNODES").Value));
        Assert.Contains(await EventsAsync(ns), e => e.InvolvedObject.Name == "ft" && e.Reason == "SpecChanged");
    }

    [Fact]
    public async Task A_worker_deleted_from_outside_restarts_the_gang()
    {
        var (ns, op, jobs) = await StartAsync("tj-delete");
        await using var _ = op;
        using var __ = jobs;
        await jobs.CreateAsync(TrainingJobClient.New(ns, "ft", TrainingCluster.Forever, workers: 2));
        await WaitAsync(jobs, ns, "ft", j => j.Status?.Phase == TrainingJobPhase.Running && j.Status.WorkersRunning == "2/2", "job Running");
        var before = await PodsAsync(ns, "ft");

        await fixture.Client.CoreV1.DeleteNamespacedPodAsync("ft-worker-1", ns);
        var restarted = await WaitAsync(jobs, ns, "ft",
            j => j.Status?.Attempt == 2 && j.Status.Phase == TrainingJobPhase.Running && j.Status.WorkersRunning == "2/2", "the second gang Running");
        Assert.Equal(1, restarted.Status!.Restarts);
        Assert.Equal((1, "Deleted"), (restarted.Status.LastFailure!.Worker!.Value, restarted.Status.LastFailure.Reason));
        var after = await PodsAsync(ns, "ft");
        Assert.Equal(["2", "2"], after.Select(p => p.Metadata.Labels["aioperator.dev/gang"]));
        Assert.Empty(after.Select(p => p.Metadata.Uid).Intersect(before.Select(p => p.Metadata.Uid)));
    }

    [Fact]
    public async Task A_worker_the_api_server_refuses_is_reported_in_its_words_and_retried_without_spending_backoffLimit()
    {
        var (ns, op, jobs) = await StartAsync("tj-refused");
        await using var _ = op;
        using var __ = jobs;
        var priorityClass = ns + "-training";
        var job = TrainingJobClient.New(ns, "ft", TrainingCluster.Forever, workers: 2);
        job.Spec.Scheduling = new SchedulingSpec { PriorityClassName = priorityClass };
        job.Spec.BackoffLimit = 1;
        await jobs.CreateAsync(job);
        var created = false;
        try
        {
            var refused = await WaitEventAsync(ns, "ft", "FailedCreate");
            Assert.Equal("Warning", refused.Type);
            Assert.Contains($"no PriorityClass with name {priorityClass} was found", refused.Message, StringComparison.Ordinal);

            // Retried (a second gang) without counting a restart, and told in the conditions kubectl describe shows.
            var retried = await WaitAsync(jobs, ns, "ft", j => j.Status?.Attempt >= 2, "a second gang after the refusal");
            Assert.Equal(0, retried.Status!.Restarts);
            Assert.Null(retried.Status.LastFailure);
            Assert.NotEqual(TrainingJobPhase.Failed, retried.Status.Phase);
            var synced = Conditions.Find(retried.Status.Conditions, "ChildrenSynced")!;
            Assert.Equal(("False", "WriteForbidden"), (synced.Status, synced.Reason));
            Assert.Contains(priorityClass, synced.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(await EventsAsync(ns), e => e.InvolvedObject.Name == "ft" && e.Reason is "WorkerFailed" or "GangCreated");

            // Once the PriorityClass exists, the next retry runs the gang and the condition goes.
            await fixture.Client.SchedulingV1.CreatePriorityClassAsync(new V1PriorityClass { Metadata = new V1ObjectMeta { Name = priorityClass }, Value = 1000 });
            created = true;
            var running = await WaitAsync(jobs, ns, "ft", j => j.Status?.Phase == TrainingJobPhase.Running && j.Status.WorkersRunning == "2/2", "the gang running");
            Assert.Equal(0, running.Status!.Restarts);
            Assert.Null(Conditions.Find(running.Status.Conditions, "ChildrenSynced"));
        }
        finally
        {
            await DeleteAndWaitGoneAsync(jobs, ns, "ft");
            if (created)
            {
                await fixture.Client.SchedulingV1.DeletePriorityClassAsync(priorityClass);
            }
        }
    }

    [Fact]
    public async Task A_gang_a_gpu_quota_cannot_hold_whole_leaves_no_worker_holding_gpus_and_runs_once_the_quota_allows()
    {
        var (ns, op, jobs) = await StartAsync("tj-quota");
        await using var _ = op;
        using var __ = jobs;
        await fixture.Client.CoreV1.CreateNamespacedResourceQuotaAsync(new V1ResourceQuota
        {
            Metadata = new V1ObjectMeta { Name = "gpus" },
            Spec = new V1ResourceQuotaSpec { Hard = new Dictionary<string, ResourceQuantity> { ["requests.nvidia.com/gpu"] = new("1") } },
        }, ns);
        await jobs.CreateAsync(TrainingJobClient.New(ns, "ft", TrainingCluster.Forever, workers: 2, gpus: 1));
        try
        {
            var refused = await WaitEventAsync(ns, "ft", "FailedCreate");
            Assert.Contains("exceeded quota: gpus, requested: requests.nvidia.com/gpu=1, used: requests.nvidia.com/gpu=1, limited: requests.nvidia.com/gpu=1", refused.Message, StringComparison.Ordinal);

            // All or nothing: the worker that did fit is torn down rather than left holding its GPU.
            var held = await WaitAsync(jobs, ns, "ft", j => Conditions.Find(j.Status?.Conditions, "Scheduled") is { Status: "False", Reason: "FailedCreate" }, "Scheduled=False FailedCreate");
            Assert.Equal(0, held.Status!.Restarts);
            await Wait.UntilAsync(async () => (await PodsAsync(ns, "ft")).All(p => p.Metadata.DeletionTimestamp is not null), Deadline, "no worker left holding a GPU");

            await fixture.Client.CoreV1.PatchNamespacedResourceQuotaAsync(
                new V1Patch("""{"spec":{"hard":{"requests.nvidia.com/gpu":"2"}}}""", V1Patch.PatchType.MergePatch), "gpus", ns);
            var running = await WaitAsync(jobs, ns, "ft", j => j.Status?.Phase == TrainingJobPhase.Running && j.Status.WorkersRunning == "2/2", "the gang running");
            Assert.Equal(0, running.Status!.Restarts);
        }
        finally
        {
            await DeleteAndWaitGoneAsync(jobs, ns, "ft");
        }
    }

    [Fact]
    public async Task A_rendezvous_service_name_held_by_another_owner_holds_the_gang_back_as_a_name_conflict_until_it_goes()
    {
        var (ns, op, jobs) = await StartAsync("tj-svc-taken");
        await using var _ = op;
        using var __ = jobs;

        // Someone else's Service under the job's rendezvous name, without our labels: the operator's cache never sees it.
        await fixture.Client.CoreV1.CreateNamespacedServiceAsync(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "ft-workers" },
            Spec = new V1ServiceSpec { Selector = new Dictionary<string, string> { ["app"] = "other" }, Ports = [new V1ServicePort { Port = 80 }] },
        }, ns);
        await jobs.CreateAsync(TrainingJobClient.New(ns, "ft", TrainingCluster.Forever, workers: 2));
        try
        {
            var held = await WaitEventAsync(ns, "ft", "FailedCreate");
            Assert.Contains("Service ft-workers", held.Message, StringComparison.Ordinal);
            var waiting = await WaitAsync(jobs, ns, "ft",
                j => Conditions.Find(j.Status?.Conditions, "ChildrenSynced") is { Status: "False", Reason: "NameConflict" }, "ChildrenSynced=False NameConflict");
            Assert.Contains("ft-workers", Conditions.Find(waiting.Status!.Conditions, "ChildrenSynced")!.Message, StringComparison.Ordinal);
            Assert.Equal(0, waiting.Status.Restarts);
            Assert.Empty((await fixture.Client.CoreV1.ListNamespacedPodAsync(ns)).Items);
            var other = await fixture.Client.CoreV1.ReadNamespacedServiceAsync("ft-workers", ns);
            Assert.Equal("other", other.Spec.Selector["app"]);
            Assert.Null(other.Metadata.OwnerReferences);

            // Once the name is free, a retry makes the job's own Service and runs the gang; no restart was spent.
            await fixture.Client.CoreV1.DeleteNamespacedServiceAsync("ft-workers", ns);
            var running = await WaitAsync(jobs, ns, "ft", j => j.Status?.Phase == TrainingJobPhase.Running && j.Status.WorkersRunning == "2/2", "the gang running");
            Assert.Equal(0, running.Status!.Restarts);
            Assert.Null(Conditions.Find(running.Status.Conditions, "ChildrenSynced"));
            var ours = await fixture.Client.CoreV1.ReadNamespacedServiceAsync("ft-workers", ns);
            Assert.Equal("ft", Assert.Single(ours.Metadata.OwnerReferences).Name);
        }
        finally
        {
            await DeleteAndWaitGoneAsync(jobs, ns, "ft");
        }
    }

    [Fact]
    public async Task A_pod_of_another_owner_under_a_worker_name_is_a_name_conflict_not_a_worker()
    {
        var (ns, op, jobs) = await StartAsync("tj-pod-taken");
        await using var _ = op;
        using var __ = jobs;

        // As `kubectl delete tj ft --cascade=orphan` leaves behind, or a pod of someone else's: no ownerReference to this job.
        await fixture.Client.CoreV1.CreateNamespacedPodAsync(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "ft-worker-0" },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = TrainingCluster.Forever }] },
        }, ns);
        await jobs.CreateAsync(TrainingJobClient.New(ns, "ft", TrainingCluster.Forever, workers: 2));
        try
        {
            var held = await WaitEventAsync(ns, "ft", "FailedCreate");
            Assert.Contains("ft-worker-0", held.Message, StringComparison.Ordinal);
            var waiting = await WaitAsync(jobs, ns, "ft",
                j => Conditions.Find(j.Status?.Conditions, "ChildrenSynced") is { Status: "False", Reason: "NameConflict" }, "ChildrenSynced=False NameConflict");
            Assert.Equal(0, waiting.Status!.Restarts);
            Assert.Null(waiting.Status.LastFailure);
            Assert.Equal(["ft-worker-0"], (await fixture.Client.CoreV1.ListNamespacedPodAsync(ns)).Items.Select(p => p.Metadata.Name));

            await fixture.Client.CoreV1.DeleteNamespacedPodAsync("ft-worker-0", ns, gracePeriodSeconds: 0);
            var running = await WaitAsync(jobs, ns, "ft", j => j.Status?.Phase == TrainingJobPhase.Running && j.Status.WorkersRunning == "2/2", "the gang running");
            Assert.Equal(0, running.Status!.Restarts);
            Assert.Null(Conditions.Find(running.Status.Conditions, "ChildrenSynced"));
        }
        finally
        {
            await DeleteAndWaitGoneAsync(jobs, ns, "ft");
        }
    }

    [Fact]
    public async Task Suspend_creates_nothing_tears_down_and_resume_starts_a_fresh_gang()
    {
        var (ns, op, jobs) = await StartAsync("tj-suspend");
        await using var _ = op;
        using var __ = jobs;
        var job = TrainingJobClient.New(ns, "ft", TrainingCluster.Forever, workers: 2);
        job.Spec.Suspend = true;
        await jobs.CreateAsync(job);
        await WaitAsync(jobs, ns, "ft", j => j.Status?.Phase == TrainingJobPhase.Suspended, "created Suspended");
        Assert.Empty(await PodsAsync(ns, "ft"));
        Assert.DoesNotContain(Requests(op, ns), r => r.Verb == "create" && r.Resource == "pods");

        await jobs.PatchAsync(ns, "ft", """{"spec":{"suspend":false}}""");
        await WaitAsync(jobs, ns, "ft", j => j.Status?.Phase == TrainingJobPhase.Running && j.Status.Attempt == 1 && j.Status.WorkersRunning == "2/2", "resumed and Running");
        await jobs.PatchAsync(ns, "ft", """{"spec":{"suspend":true}}""");
        await WaitAsync(jobs, ns, "ft", j => j.Status?.Phase == TrainingJobPhase.Suspended, "Suspended again");
        await Wait.UntilAsync(async () => (await PodsAsync(ns, "ft")).Count == 0, Deadline, "pods torn down");

        await jobs.PatchAsync(ns, "ft", """{"spec":{"suspend":false}}""");
        var resumed = await WaitAsync(jobs, ns, "ft", j => j.Status?.Phase == TrainingJobPhase.Running && j.Status.Attempt == 2 && j.Status.WorkersRunning == "2/2", "a fresh gang");
        Assert.Equal(0, resumed.Status!.Restarts);
    }

    [Fact]
    public async Task The_active_deadline_fails_the_job_and_stops_its_workers()
    {
        var (ns, op, jobs) = await StartAsync("tj-deadline");
        await using var _ = op;
        using var __ = jobs;
        var job = TrainingJobClient.New(ns, "slow", TrainingCluster.Forever, workers: 2);
        job.Spec.ActiveDeadlineSeconds = 5;
        await jobs.CreateAsync(job);
        await WaitAsync(jobs, ns, "slow", j => j.Status?.WorkersRunning == "2/2", "both workers running before the deadline");
        var failed = await WaitAsync(jobs, ns, "slow", j => j.Status?.Phase == TrainingJobPhase.Failed, "deadline exceeded");
        Assert.Equal("DeadlineExceeded", Conditions.Find(failed.Status!.Conditions, "Failed")!.Reason);
        await Wait.UntilAsync(async () => (await PodsAsync(ns, "slow")).Count == 0, Deadline, "workers stopped");

        // The workers are gone and status says so; the job stays Failed.
        var after = await WaitAsync(jobs, ns, "slow", j => j.Status?.WorkersRunning == "0/2" && j.Status.Workers?.Running == 0 && j.Status.Workers.Pending == 0, "no worker counted");
        Assert.Equal(TrainingJobPhase.Failed, after.Status!.Phase);
    }

    [Fact]
    public async Task Success_reports_the_output_model_and_the_ttl_then_deletes_the_job()
    {
        var (ns, op, jobs) = await StartAsync("tj-success");
        await using var _ = op;
        using var __ = jobs;
        var silent = TrainingJobClient.New(ns, "kept", TrainingCluster.Forever, workers: 1);
        var job = TrainingJobClient.New(ns, "ft", TrainingCluster.Reports, workers: 2);
        job.Spec.TtlSecondsAfterFinished = 3;
        await jobs.CreateAsync(job);
        await jobs.CreateAsync(silent);

        var done = await WaitAsync(jobs, ns, "ft", j => j.Status?.Phase == TrainingJobPhase.Succeeded, "job Succeeded");
        var output = done.Status!.OutputModel!;
        Assert.Equal(("pvc://models/ft/model.onnx", "1", TrainingCluster.Sha), (output.Uri, output.Version, output.Sha256));
        Assert.Equal(0.95, output.Metrics!["accuracy"]);
        Assert.NotNull(done.Status.CompletionTime);
        await Wait.UntilAsync(async () => await jobs.TryGetAsync(ns, "ft") is null, Deadline, "job deleted by its TTL");
        Assert.NotNull(await jobs.TryGetAsync(ns, "kept"));
    }

    [Fact]
    public async Task A_running_job_is_not_written_to_by_noop_reconciles_and_resyncs()
    {
        var (ns, op, jobs) = await StartAsync("tj-noop", resync: TimeSpan.FromSeconds(1));
        await using var _ = op;
        using var __ = jobs;
        await jobs.CreateAsync(TrainingJobClient.New(ns, "ft", TrainingCluster.Forever, workers: 2));
        await WaitAsync(jobs, ns, "ft", j => j.Status?.Phase == TrainingJobPhase.Running && j.Status.WorkersRunning == "2/2", "job Running");
        var first = Requests(op, ns);
        Assert.Equal(2, first.Count(r => r.Verb == "create" && r.Resource == "pods"));
        Assert.Equal(1, first.Count(r => r.Verb == "create" && r.Resource == "services"));
        Assert.All(first.Where(r => r.IsWrite && r.Resource == "trainingjobs"), r => Assert.Equal("status", r.Subresource));

        fixture.Cluster.ApiServer.Requests.Clear();
        var before = op.ReconcilesOf(TrainingJobController.Name);
        await jobs.PatchAsync(ns, "ft", """{"metadata":{"labels":{"team":"vision"}}}""");
        await Wait.UntilAsync(() => op.ReconcilesOf(TrainingJobController.Name) >= before + 3, Deadline, "three more reconciles");
        var writes = Requests(op, ns).Where(r => r.IsWrite).ToList();
        Assert.True(writes.Count == 0, "no-op reconciles wrote: " + string.Join(", ", writes.Select(w => $"{w.Verb} {w.Resource}/{w.Name}/{w.Subresource}")));
        Assert.DoesNotContain(Requests(op, ns), r => r.Verb == "get" && r.Resource is not ("customresourcedefinitions" or "leases"));
    }

    [Fact]
    public async Task Invalid_jobs_fail_the_spec_by_field_and_create_nothing()
    {
        var (ns, op, jobs) = await StartAsync("tj-invalid");
        await using var _ = op;
        using var __ = jobs;
        var reserved = TrainingJobClient.New(ns, "reserved", TrainingCluster.Forever);
        reserved.Spec.Env = [new V1EnvVar { Name = "WORLD_SIZE", Value = "1" }];
        var outsideClaim = TrainingJobClient.New(ns, "outside", TrainingCluster.Forever);
        outsideClaim.Spec.Output!.Path = "../other/model.onnx";
        var mig = TrainingJobClient.New(ns, "mig", TrainingCluster.Forever);
        mig.Spec.Resources = new ResourcesSpec { Gpu = new GpuSpec { Count = 2, ResourceName = "nvidia.com/mig-1g.10gb" } };
        var cases = new (TrainingJob Job, string Field)[] { (reserved, "spec.env[0].name"), (outsideClaim, "spec.output.path"), (mig, "spec.resources.gpu.count") };
        foreach (var (job, _) in cases)
        {
            await jobs.CreateAsync(job);
        }

        foreach (var (job, field) in cases)
        {
            var name = job.Metadata.Name;
            var invalid = await WaitAsync(jobs, ns, name, j => Conditions.Find(j.Status?.Conditions, "SpecValid")?.Status == "False", $"{name}: SpecValid=False");
            Assert.Contains(field, Conditions.Find(invalid.Status!.Conditions, "SpecValid")!.Message, StringComparison.Ordinal);
            Assert.Equal(TrainingJobPhase.Failed, invalid.Status.Phase);
            Assert.Equal("Warning", (await WaitEventAsync(ns, name, "InvalidSpec")).Type);
        }

        Assert.Empty((await fixture.Client.CoreV1.ListNamespacedPodAsync(ns)).Items);
        Assert.Empty((await fixture.Client.CoreV1.ListNamespacedServiceAsync(ns)).Items);

        // Zero workers is the schema's to refuse.
        var zero = TrainingJobClient.New(ns, "zero", TrainingCluster.Forever, workers: 0);
        var refused = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => jobs.CreateAsync(zero));
        Assert.Contains("spec.workers", refused.Response.Content, StringComparison.Ordinal);

        // And a job without spec.output: the operator could not tell where the model goes.
        var noOutput = TrainingJobClient.New(ns, "no-output", TrainingCluster.Forever);
        noOutput.Spec.Output = null;
        refused = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => jobs.CreateAsync(noOutput));
        Assert.Contains("spec.output", refused.Response.Content, StringComparison.Ordinal);

        // So is a name too long for "<name>-worker-<rank>" (the CRD limits metadata.name).
        var longName = TrainingJobClient.New(ns, new string('a', 56), TrainingCluster.Forever);
        refused = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => jobs.CreateAsync(longName));
        Assert.Contains("metadata.name", refused.Response.Content, StringComparison.Ordinal);
    }

    internal static async Task<TrainingJob> WaitAsync(TrainingJobClient jobs, string ns, string name, Func<TrainingJob, bool> condition, string what)
    {
        TrainingJob? last = null;
        try
        {
            await Wait.UntilAsync(async () =>
            {
                last = await jobs.GetAsync(ns, name);
                return condition(last);
            }, Deadline, what);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message} (last status: {(last?.Status is null ? "none" : KubernetesJson.Serialize(last.Status))})", e);
        }

        return last!;
    }

    private async Task<(string Ns, RunningOperator Op, TrainingJobClient Jobs)> StartAsync(string prefix, TimeSpan? resync = null)
    {
        var ns = await fixture.NewNamespaceAsync(prefix);
        var op = RunningOperator.Start(fixture.Config, prefix, namespaces: [ns], resync: resync);
        await Wait.UntilAsync(() => op.Host.IsLeader, Deadline, "operator started");
        return (ns, op, new TrainingJobClient(fixture.Client));
    }

    private async Task<List<V1Pod>> PodsAsync(string ns, string job) =>
        [.. (await fixture.Client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: $"aioperator.dev/training-job={job}")).Items.OrderBy(p => p.Metadata.Name, StringComparer.Ordinal)];

    private async Task<IList<Corev1Event>> EventsAsync(string ns) => (await fixture.Client.CoreV1.ListNamespacedEventAsync(ns)).Items;

    private async Task<Corev1Event> WaitEventAsync(string ns, string name, string reason)
    {
        Corev1Event? found = null;
        await Wait.UntilAsync(async () =>
        {
            found = (await EventsAsync(ns)).FirstOrDefault(e => e.InvolvedObject.Name == name && e.Reason == reason);
            return found is not null;
        }, Deadline, $"event {reason} on {name}");
        return found!;
    }

    // GPU tests free their GPUs for the next one.
    private async Task DeleteAndWaitGoneAsync(TrainingJobClient jobs, string ns, string name)
    {
        await jobs.DeleteAsync(ns, name);
        await Wait.UntilAsync(async () => (await PodsAsync(ns, name)).Count == 0, Deadline, $"pods of {name} gone");
    }

    private List<RequestRecord> Requests(RunningOperator op, string ns) =>
        [.. fixture.Cluster.ApiServer.Requests.Snapshot()
            .Where(r => r.UserAgent.StartsWith(op.UserAgent, StringComparison.Ordinal) && (r.Namespace == ns || r.Namespace.Length == 0))];
}
