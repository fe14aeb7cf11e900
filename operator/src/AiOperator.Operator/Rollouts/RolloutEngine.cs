using AiOperator.Api.V1Alpha1;
using AiOperator.ControllerRuntime.Informers;

namespace AiOperator.Operator.Rollouts;

/// <summary>
/// The rollout state machine (pure): from (spec, status, observed revisions, the canary's window, commands, now)
/// to replicas per revision, the next status and Events. Every piece of state it needs is read back from status,
/// so an operator restart resumes at the same step. The spec is never changed.
/// </summary>
internal static class RolloutEngine
{
    public const int DefaultProgressDeadlineSeconds = 600;

    // lastRollback.reason of a rollback-to; the revision it left hands over like a superseded one (see HandOver).
    private const string RollbackToReason = "rollback to ";

    public static IReadOnlyList<RolloutStep> DefaultSteps { get; } =
    [
        new RolloutStep { Weight = 20, PauseSeconds = 60 },
        new RolloutStep { Weight = 50, PauseSeconds = 60 },
    ];

    public static RolloutDecision Decide(RolloutInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new Run(input).Decide();
    }

    /// <summary>How long a revision may take to become ready: spec.rollout.progressDeadlineSeconds, default 600.</summary>
    public static TimeSpan ProgressDeadline(RolloutSpec? rollout) => TimeSpan.FromSeconds(Math.Max(1, rollout?.ProgressDeadlineSeconds ?? DefaultProgressDeadlineSeconds));

    /// <summary>
    /// The first revision (nothing served before it) still short of ready pods past the progress deadline, counted
    /// from its creation: there is nothing to roll back to, so it keeps its pods, but it is told as stuck.
    /// </summary>
    public static bool FirstDeployOverdue(ModelDeploymentStatus status, string revision, RolloutSpec? rollout, DateTimeOffset now) =>
        status.Revisions?.FirstOrDefault(r => r.Name == revision)?.CreatedAt is { } created
        && now >= RolloutClock.Of(created) + ProgressDeadline(rollout);

    public static IReadOnlyList<RolloutStep> Steps(RolloutSpec? rollout) => rollout?.Steps is { Count: > 0 } steps ? [.. steps] : DefaultSteps;

    private sealed class Run
    {
        private const string Normal = "Normal";
        private const string Warning = "Warning";

        private readonly RolloutInput _in;
        private readonly ModelDeploymentStatus _s;
        private readonly List<RevisionRecord> _history;
        private readonly List<RolloutEvent> _events = [];
        private readonly List<DateTimeOffset> _due = [];
        private readonly DateTime _stamp;
        private RolloutStage _stage = RolloutStage.Stable;
        private bool? _rolledBack;
        private PromoteMode? _promote;

        public Run(RolloutInput input)
        {
            _in = input;
            _s = input.Status is null ? new ModelDeploymentStatus() : ObjectCopy.Clone(input.Status);
            _history = [.. _s.Revisions ?? []];
            _stamp = RolloutClock.Truncate(input.Now);
        }

        private string R => _in.SpecRevision;

        private DateTimeOffset Now => _in.Now;

        private string? Stable
        {
            get => string.IsNullOrEmpty(_s.StableRevision) ? null : _s.StableRevision;
            set => _s.StableRevision = value;
        }

        private string? Canary
        {
            get => string.IsNullOrEmpty(_s.CanaryRevision) ? null : _s.CanaryRevision;
            set => _s.CanaryRevision = value;
        }

        private RolloutSpec? Rollout => _in.Spec.Rollout;

        private IReadOnlyList<RolloutStep> StepList => Steps(Rollout);

        private bool Recreate => Rollout?.Strategy == RolloutStrategy.Recreate;

        private bool AutoRollback => Rollout?.AutoRollback ?? true;

        private TimeSpan Deadline => ProgressDeadline(Rollout);

        private int Total => Math.Max(0, _in.Total);

        public RolloutDecision Decide()
        {
            var specChanged = _s.SpecRevision != R;
            HandleCommands();
            var frozen = _in.Spec.Paused == true && Stable is not null;
            if (frozen)
            {
                Freeze(specChanged);
            }
            else
            {
                Advance(specChanged);

                // While paused the spec's revision is not taken in, so a change made meanwhile is still seen as one.
                _s.SpecRevision = R;
            }

            _s.CanaryWeight ??= 0;
            _s.CurrentStep ??= 0;
            var live = new HashSet<string>(new[] { Stable, Canary, R }.OfType<string>());
            _s.Revisions = RevisionHistory.Trim(_history, _in.Spec.RevisionHistoryLimit ?? RevisionHistory.DefaultLimit, live);
            var replicas = Plan(live);
            return new RolloutDecision(replicas, _s, _stage, _rolledBack, _events, _in.Commands.Present, RequeueAfter());
        }

        private void HandleCommands()
        {
            var commands = _in.Commands;
            foreach (var problem in commands.Problems)
            {
                _events.Add(new(Warning, "InvalidAnnotation", problem + "; annotation removed"));
            }

            if (commands.RollbackTo is { } target)
            {
                RollbackTo(target);
            }

            if (commands.Abort)
            {
                if (Canary is { } canary)
                {
                    RollBack(canary, $"aborted by annotation {RolloutCommands.AbortAnnotation}");
                }
                else
                {
                    _events.Add(new(Normal, "NothingToAbort", $"{RolloutCommands.AbortAnnotation}: no canary is running; annotation removed"));
                }
            }

            if (commands.Promote is { } promote)
            {
                if (Canary is not null)
                {
                    _promote = promote;
                }
                else
                {
                    _events.Add(new(Normal, "NothingToPromote", $"{RolloutCommands.PromoteAnnotation}: no canary is running; annotation removed"));
                }
            }
        }

        private void RollbackTo(string target)
        {
            var annotation = RolloutCommands.RollbackToAnnotation;
            var record = RevisionHistory.Find(_history, target);
            if (record is null)
            {
                var known = _history.Count == 0 ? "none" : string.Join(", ", _history.Select(r => r.Name));
                _events.Add(new(Warning, "RollbackTargetUnknown", $"{annotation}: revision '{target}' is not in status.revisions (known: {known}); nothing changed"));
                return;
            }

            if (record.Outcome == RevisionOutcome.Failed)
            {
                _events.Add(new(Warning, "RollbackTargetFailed", $"{annotation}: revision {target} failed before and is not retried; nothing changed"));
                return;
            }

            if (_in.Observed.All(o => o.Name != target))
            {
                _events.Add(new(Warning, "RollbackTargetMissing", $"{annotation}: the Deployment of revision {target} no longer exists; nothing changed"));
                return;
            }

            var reason = $"{RollbackToReason}{target} requested by annotation {annotation}";
            if (target == Stable)
            {
                if (Canary is { } canary)
                {
                    RollBack(canary, reason);
                }
                else
                {
                    _events.Add(new(Normal, "RollbackNotNeeded", $"{annotation}: revision {target} already serves; annotation removed"));
                }

                return;
            }

            var from = Canary ?? Stable ?? R;
            if (Canary is not null && Stable is not null)
            {
                RevisionHistory.Mark(_history, Stable, RevisionOutcome.Superseded);
            }

            Stable = target;
            RevisionHistory.Mark(_history, target, RevisionOutcome.Stable);
            RollBack(from, reason);
        }

        private void Freeze(bool specChanged)
        {
            if (Canary is { } canary && _promote is { } promote)
            {
                if (promote == PromoteMode.Full || Recreate)
                {
                    Promote(canary, $"promoted by annotation {RolloutCommands.PromoteAnnotation}");
                }
                else
                {
                    CompleteStep(canary, Math.Max(0, _s.CurrentStep ?? 0), $" (promoted by annotation {RolloutCommands.PromoteAnnotation})");
                }
            }

            var blocked = RevisionHistory.IsFailed(_history, R) && !specChanged;
            _stage = Canary is not null || R != Stable && !blocked ? RolloutStage.Paused
                : blocked && R != Stable ? RolloutStage.RolledBack
                : RolloutStage.Stable;
        }

        private void Advance(bool specChanged)
        {
            if (Stable is null)
            {
                Deploy();
                return;
            }

            if (Canary is { } canary)
            {
                if (R == Stable)
                {
                    RollBack(canary, $"spec reverted to the stable revision {Stable}");
                    _stage = RolloutStage.Stable;
                }
                else if (R != canary)
                {
                    StartCanary();
                }
                else if (Recreate)
                {
                    AdvanceRecreate(canary);
                }
                else
                {
                    AdvanceCanary(canary);
                }

                return;
            }

            if (R == Stable)
            {
                // A spec that names the serving revision again (reverted in Git after a rollback) ends the rollback:
                // the spec's revision serves, so RolledBack no longer holds.
                _stage = RolloutStage.Stable;
                if (specChanged)
                {
                    _rolledBack = false;
                }
            }
            else if (RevisionHistory.IsFailed(_history, R) && !specChanged)
            {
                _stage = RolloutStage.RolledBack;
                _rolledBack = true;
            }
            else
            {
                StartCanary();
            }
        }

        // Nothing has served yet, so there is nothing to protect: the spec's revision comes up at full size.
        private void Deploy()
        {
            _stage = RolloutStage.Deploying;
            foreach (var record in _history.Where(r => r.Name != R && r.Outcome is RevisionOutcome.Progressing or RevisionOutcome.Stable).ToList())
            {
                RevisionHistory.Mark(_history, record.Name, RevisionOutcome.Superseded);
            }

            RevisionHistory.Upsert(_history, R, _in.ModelVersion, RevisionOutcome.Progressing, _stamp);
            if (Total == 0 || Ready(R) >= Total)
            {
                Stable = R;
                RevisionHistory.Mark(_history, R, RevisionOutcome.Stable);
                _stage = RolloutStage.Stable;
            }
            else if (_history.FirstOrDefault(r => r.Name == R)?.CreatedAt is { } created && RolloutClock.Of(created) + Deadline > Now)
            {
                // Looked at again when the deadline passes, so the status says so on time.
                _due.Add(RolloutClock.Of(created) + Deadline);
            }
        }

        private void StartCanary()
        {
            if (Canary is { } previous && previous != R)
            {
                RevisionHistory.Mark(_history, previous, RevisionOutcome.Superseded);
                _events.Add(new(Normal, "CanarySuperseded", $"revision {previous} replaced mid-rollout by revision {R}"));
            }

            RevisionHistory.Upsert(_history, R, _in.ModelVersion, RevisionOutcome.Progressing, _stamp);
            Canary = R;
            _s.CurrentStep = 0;
            _s.AnalysisFailures = 0;
            _s.LastAnalysis = null;
            _s.CanaryMetrics = null;
            _rolledBack = false;
            if (Total == 0)
            {
                Promote(R, "no replicas to step through");
                return;
            }

            if (Recreate)
            {
                _s.CanaryWeight = 0;
                _s.StepStartedAt = null;
                _events.Add(new(Normal, "RecreateStarted", $"revision {R}: scaling revision {Stable} to 0 before starting it (strategy Recreate)"));
                AdvanceRecreate(R);
                return;
            }

            var first = StepList[0];
            _s.CanaryWeight = first.Weight;
            _s.StepStartedAt = _stamp;
            _stage = RolloutStage.Canary;
            _events.Add(new(Normal, "CanaryStarted", $"revision {R}: step 1 of {StepList.Count} at weight {first.Weight}% beside stable revision {Stable}"));
            _due.Add(Now + Deadline);
        }

        private void AdvanceCanary(string canary)
        {
            _stage = RolloutStage.Canary;
            var steps = StepList;
            var step = Math.Clamp(_s.CurrentStep ?? 0, 0, steps.Count - 1);
            _s.CurrentStep = step;
            _s.CanaryWeight = steps[step].Weight;
            if (_s.StepStartedAt is null)
            {
                _s.StepStartedAt = _stamp;
            }

            if (_promote == PromoteMode.Full)
            {
                Promote(canary, $"promoted by annotation {RolloutCommands.PromoteAnnotation}");
                return;
            }

            if (_promote == PromoteMode.Step)
            {
                CompleteStep(canary, step, $" (promoted by annotation {RolloutCommands.PromoteAnnotation})");
                return;
            }

            var started = RolloutClock.Of(_s.StepStartedAt.Value);
            var desired = CanaryReplicas.Canary(Total, steps[step].Weight);
            var ready = Ready(canary);
            var limit = CanaryAnalysis.FailureLimit(Rollout?.Analysis);
            if ((_s.AnalysisFailures ?? 0) >= limit)
            {
                // Only reachable with autoRollback off: the canary waits for a person to promote or abort it.
                _stage = RolloutStage.Held;
                return;
            }

            if (ready < desired)
            {
                // The deadline is for progress, as Argo Rollouts' and a Deployment's are: it runs from the step's start or
                // from the last analysis at this step (taken only while the canary was ready), so a canary pod that
                // restarts late in a long step gets the full deadline to come back instead of failing the revision.
                var lastReady = _s.LastAnalysis is { At: { } analysed, Step: var analysedStep } && analysedStep == step ? RolloutClock.Of(analysed) : started;
                var deadline = (lastReady > started ? lastReady : started) + Deadline;
                if (Now < deadline)
                {
                    _due.Add(deadline);
                    return;
                }

                var reason = $"canary not ready within {Deadline.TotalSeconds:0}s at step {step + 1}: {ready}/{desired} pods ready";
                if (AutoRollback)
                {
                    RollBack(canary, reason);
                }
                else
                {
                    Hold(canary, reason);
                }

                return;
            }

            var interval = CanaryAnalysis.Interval(Rollout?.Analysis);
            var last = _s.LastAnalysis;
            var analysisDue = last?.At is { } at && last.Step == step ? RolloutClock.Of(at) + interval : Now;
            if (Now >= analysisDue)
            {
                Evaluate(canary, step);
                last = _s.LastAnalysis!;
                analysisDue = Now + interval;
                var failures = _s.AnalysisFailures ?? 0;
                if (last.Result == AnalysisResult.Failed && failures >= limit)
                {
                    var reason = $"{last.Message} at step {step + 1} ({failures} of {limit} failed)";
                    if (AutoRollback)
                    {
                        RollBack(canary, reason);
                    }
                    else
                    {
                        Hold(canary, reason);
                    }

                    return;
                }
            }

            var pauseEnd = started + TimeSpan.FromSeconds(Math.Max(0, steps[step].PauseSeconds ?? 60));
            if (last is { Result: AnalysisResult.Passed } && last.Step == step && Now >= pauseEnd)
            {
                CompleteStep(canary, step, "");
                return;
            }

            _due.Add(analysisDue);
            _due.Add(pauseEnd);
        }

        private void Evaluate(string canary, int step)
        {
            var verdict = CanaryAnalysis.Evaluate(Rollout?.Analysis, _in.CanaryWindow);
            // An inconclusive evaluation says at which step it waits, so status tells why the rollout does not move.
            var message = verdict.Result == AnalysisResult.Inconclusive ? $"{verdict.Message} at step {step + 1}" : verdict.Message;
            _s.LastAnalysis = new AnalysisRecord { At = _stamp, Step = step, Result = verdict.Result, Message = message };
            if (_in.CanaryWindow is { } window)
            {
                _s.CanaryMetrics = CanaryAnalysis.Summary(window);
            }

            if (verdict.Result == AnalysisResult.Failed)
            {
                _s.AnalysisFailures = (_s.AnalysisFailures ?? 0) + 1;
                var limit = CanaryAnalysis.FailureLimit(Rollout?.Analysis);
                _events.Add(new(Warning, "AnalysisFailed", $"revision {canary} at step {step + 1}: {verdict.Message} ({_s.AnalysisFailures} of {limit} failed evaluations)"));
            }
        }

        private void Hold(string canary, string reason)
        {
            _stage = RolloutStage.Held;
            _events.Add(new(Warning, "CanaryHeld", $"revision {canary}: {reason}; autoRollback is off, waiting for {RolloutCommands.PromoteAnnotation} or {RolloutCommands.AbortAnnotation}"));
        }

        private void CompleteStep(string canary, int step, string how)
        {
            var steps = StepList;
            if (step + 1 >= steps.Count)
            {
                Promote(canary, $"all {steps.Count} steps passed{how}");
                return;
            }

            var next = step + 1;
            _s.CurrentStep = next;
            _s.CanaryWeight = steps[next].Weight;
            _s.StepStartedAt = _stamp;
            _stage = RolloutStage.Canary;
            _events.Add(new(Normal, "CanaryStep", $"revision {canary}: step {next + 1} of {steps.Count} at weight {steps[next].Weight}%{how}"));
            _due.Add(Now + Deadline);
        }

        private void AdvanceRecreate(string canary)
        {
            _stage = RolloutStage.Recreating;
            _s.CurrentStep = 0;
            if (_promote is not null)
            {
                Promote(canary, $"promoted by annotation {RolloutCommands.PromoteAnnotation}");
                return;
            }

            if (_s.StepStartedAt is null)
            {
                // Old pods hold the GPUs the new revision needs: wait until every one of them is gone.
                if (_in.Observed.Where(o => o.Name != canary).Sum(o => o.Pods) > 0)
                {
                    _s.CanaryWeight = 0;
                    return;
                }

                _s.StepStartedAt = _stamp;
            }

            _s.CanaryWeight = 100;
            var ready = Ready(canary);
            if (ready >= Total)
            {
                Promote(canary, "all replicas ready (strategy Recreate)");
                return;
            }

            var deadline = RolloutClock.Of(_s.StepStartedAt.Value) + Deadline;
            if (Now < deadline)
            {
                _due.Add(deadline);
                return;
            }

            var reason = $"revision not ready within {Deadline.TotalSeconds:0}s: {ready}/{Total} pods ready";
            if (AutoRollback)
            {
                RollBack(canary, reason);
            }
            else
            {
                Hold(canary, reason);
            }
        }

        private void Promote(string canary, string why)
        {
            var previous = Stable;
            if (previous is not null && previous != canary)
            {
                RevisionHistory.Mark(_history, previous, RevisionOutcome.Superseded);
            }

            RevisionHistory.Mark(_history, canary, RevisionOutcome.Stable);
            Stable = canary;
            ClearCanary();
            _s.AnalysisFailures = 0;
            _rolledBack = false;
            _stage = RolloutStage.Stable;
            _events.Add(new(Normal, "Promoted", previous is null || previous == canary
                ? $"revision {canary} is stable: {why}"
                : $"revision {canary} is stable, {previous} superseded: {why}"));
        }

        // The revision rolled away from is Failed and never retried until the spec names another one.
        private void RollBack(string from, string reason)
        {
            RevisionHistory.Mark(_history, from, RevisionOutcome.Failed);
            ClearCanary();
            _s.LastRollback = new RollbackRecord { From = from, To = Stable, Reason = reason, At = _stamp };
            _rolledBack = true;
            _stage = from == R ? RolloutStage.RolledBack : RolloutStage.Stable;
            _events.Add(new(Warning, "RolledBack", $"rolled back from {from} to {Stable}: {reason}"));
        }

        private void ClearCanary()
        {
            Canary = null;
            _s.CanaryWeight = 0;
            _s.CurrentStep = 0;
            _s.StepStartedAt = null;
            _s.CanaryMetrics = null;
        }

        private int Ready(string? revision) => _in.Observed.FirstOrDefault(o => o.Name == revision)?.ReadyReplicas ?? 0;

        private Dictionary<string, int> Plan(HashSet<string> live)
        {
            var plan = new Dictionary<string, int>();
            foreach (var name in _s.Revisions!.Select(r => r.Name).Concat(live))
            {
                plan[name] = 0;
            }

            var total = Total;
            switch (_stage)
            {
                case RolloutStage.Deploying:
                    plan[R] = total;
                    break;
                case RolloutStage.Recreating:
                    plan[Canary!] = _s.StepStartedAt is null ? 0 : total;
                    break;
                case RolloutStage.Canary or RolloutStage.Held or RolloutStage.Paused when Canary is { } canary && Stable is { } stable:
                    if (Recreate)
                    {
                        plan[canary] = _s.StepStartedAt is null ? 0 : total;
                        break;
                    }

                    var weight = _s.CanaryWeight ?? 0;
                    plan[canary] = CanaryReplicas.Canary(total, weight);
                    plan[stable] = CanaryReplicas.Stable(total, weight, Ready(canary));
                    break;
                default:
                    if (Stable is { } serving)
                    {
                        plan[serving] = total;
                        HandOver(plan, serving, total);
                    }

                    break;
            }

            return plan;
        }

        // After a promotion the superseded revision leaves as the new stable's pods become ready (never grows back).
        // So does the revision a rollback-to left: it served until then, and the target may be starting from zero,
        // so removing it at once would leave the Service without endpoints. A canary rolled back for failing is not
        // kept: its answers are the errors being rolled away from.
        private void HandOver(Dictionary<string, int> plan, string stable, int total)
        {
            var budget = Math.Max(0, total - Ready(stable));
            var leftByRollbackTo = _s.LastRollback is { From: { } from, Reason: { } reason } && reason.StartsWith(RollbackToReason, StringComparison.Ordinal) ? from : null;
            foreach (var record in _s.Revisions!.Where(r => (r.Outcome == RevisionOutcome.Superseded || r.Outcome == RevisionOutcome.Failed && r.Name == leftByRollbackTo) && r.Name != stable))
            {
                var current = _in.Observed.FirstOrDefault(o => o.Name == record.Name)?.Replicas ?? 0;
                var keep = Math.Min(current, budget);
                plan[record.Name] = keep;
                budget -= keep;
            }
        }

        private TimeSpan? RequeueAfter()
        {
            var future = _due.Where(d => d > Now).ToList();
            if (future.Count == 0)
            {
                return null;
            }

            var wait = future.Min() - Now;
            return wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait;
        }
    }
}
