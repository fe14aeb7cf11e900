using AiOperator.ControllerRuntime.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AiOperator.ControllerRuntime.LeaderElection;

/// <summary>
/// Lease-based leader election that never gives up: acquire, lead while renewing, and on loss stop
/// the leading work and go back to acquiring. Only one elector per lease leads at a time.
/// </summary>
public sealed class LeaderElector
{
    private readonly ILeaseStore _store;
    private readonly LeaderElectionOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ControllerMetrics _metrics;
    private readonly ILogger _logger;
    private LeaseRecord? _observed;
    private DateTimeOffset _observedAt;
    private volatile bool _isLeader;

    public LeaderElector(ILeaseStore store, LeaderElectionOptions options, TimeProvider? timeProvider = null, ControllerMetrics? metrics = null, ILogger? logger = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _options.Validate();
        _timeProvider = timeProvider ?? TimeProvider.System;
        _metrics = metrics ?? new ControllerMetrics();
        _logger = logger ?? NullLogger.Instance;
        _metrics.LeaderStatus.Set(0, options.LeaseName);
    }

    public string Identity => _options.Identity;

    public bool IsLeader => _isLeader;

    /// <summary>Holder of the lease as last observed.</summary>
    public string? ObservedHolder => _observed?.HolderIdentity;

    /// <summary>Runs onLeading each time leadership is won; its token fires when leadership is lost or on shutdown.</summary>
    public async Task RunAsync(Func<CancellationToken, Task> onLeading, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onLeading);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await AcquireAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }

            await LeadAsync(onLeading, cancellationToken);

            // Lost the lease or the work ended on its own: pause before competing again, never spin.
            try
            {
                await Task.Delay(Jittered(_options.RetryPeriod), _timeProvider, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }
    }

    /// <summary>One step of the state machine: observe the lease, then create, renew or take it over if allowed.</summary>
    public Task<bool> TryAcquireOrRenewAsync(CancellationToken cancellationToken) =>
        TryAcquireOrRenewAsync(_timeProvider.GetUtcNow() + _options.RenewDeadline, cancellationToken);

    // Every lease call ends by the deadline, answered or not: a server that hangs must not keep a leader
    // leading past its renew deadline, and a retry after the deadline could only renew a lease already lost.
    private async Task<bool> TryAcquireOrRenewAsync(DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        if (deadline <= now)
        {
            return false;
        }

        using var timeout = new CancellationTokenSource(deadline - now, _timeProvider);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        LeaseRecord? current;
        try
        {
            current = await _store.GetAsync(bounded.Token);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning(ex is OperationCanceledException ? null : ex, "reading lease {Lease} failed{Why}", _options.LeaseName, ex is OperationCanceledException ? ": no answer by the renew deadline" : string.Empty);
            return false;
        }

        if (current != _observed)
        {
            _observed = current;
            _observedAt = now;
        }

        var duration = (int)Math.Ceiling(_options.LeaseDuration.TotalSeconds);
        var step = LeaseDecision.Decide(current, Identity, now, _observedAt, _options.LeaseDuration);
        LeaseRecord? written;
        try
        {
            written = step switch
            {
                LeaseStep.Create => await _store.TryCreateAsync(new LeaseRecord(Identity, duration, now, now, 0), bounded.Token),
                LeaseStep.Renew => await _store.TryUpdateAsync(current! with { RenewTime = now, LeaseDurationSeconds = duration }, bounded.Token),
                LeaseStep.TakeOver => await _store.TryUpdateAsync(
                    current! with { HolderIdentity = Identity, LeaseDurationSeconds = duration, AcquireTime = now, RenewTime = now, LeaseTransitions = current.LeaseTransitions + 1 },
                    bounded.Token),
                _ => null,
            };
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning(ex is OperationCanceledException ? null : ex, "writing lease {Lease} failed{Why}", _options.LeaseName, ex is OperationCanceledException ? ": no answer by the renew deadline" : string.Empty);
            return false;
        }

        if (written is null)
        {
            if (step != LeaseStep.Renew)
            {
                SetLeader(false);
            }

            return false;
        }

        // Timed from before the call went out: followers time the lease from when they see the write,
        // which is later, so this leader's renew deadline always passes before they may take over.
        _observed = written;
        _observedAt = now;
        return true;
    }

    private async Task AcquireAsync(CancellationToken cancellationToken)
    {
        while (!await TryAcquireOrRenewAsync(cancellationToken))
        {
            await Task.Delay(Jittered(_options.RetryPeriod), _timeProvider, cancellationToken);
        }

        SetLeader(true);
        _logger.LogInformation("{Identity} became leader of lease {Namespace}/{Lease}", Identity, _options.LeaseNamespace, _options.LeaseName);
    }

    private async Task LeadAsync(Func<CancellationToken, Task> onLeading, CancellationToken cancellationToken)
    {
        using var leading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var work = Task.Run(() => onLeading(leading.Token), CancellationToken.None);
        var lastRenew = _observedAt;
        try
        {
            while (!cancellationToken.IsCancellationRequested && !work.IsCompleted)
            {
                await Task.WhenAny(work, Task.Delay(_options.RetryPeriod, _timeProvider, cancellationToken));
                if (cancellationToken.IsCancellationRequested || work.IsCompleted)
                {
                    break;
                }

                if (await TryAcquireOrRenewAsync(lastRenew + _options.RenewDeadline, cancellationToken))
                {
                    lastRenew = _observedAt;
                    continue;
                }

                // Someone else holds it now, or we could not renew in time: stop leading at once.
                if (_observed?.HolderIdentity != Identity || _timeProvider.GetUtcNow() - lastRenew >= _options.RenewDeadline)
                {
                    _logger.LogWarning("{Identity} lost lease {Lease} (holder now {Holder})", Identity, _options.LeaseName, _observed?.HolderIdentity);
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        SetLeader(false);
        await leading.CancelAsync();
        try
        {
            await work;
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "leading work of {Identity} failed", Identity);
        }

        if (cancellationToken.IsCancellationRequested || work.IsCompleted)
        {
            await ReleaseAsync();
        }
    }

    private async Task ReleaseAsync()
    {
        if (!_options.ReleaseOnCancel || _observed is not { } held || held.HolderIdentity != Identity)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(_options.RetryPeriod, _timeProvider);
            var released = await _store.TryUpdateAsync(held with { HolderIdentity = null, LeaseDurationSeconds = 1, RenewTime = _timeProvider.GetUtcNow() }, timeout.Token);
            if (released is not null)
            {
                _observed = released;
            }
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "releasing lease {Lease} failed; it will expire instead", _options.LeaseName);
        }
    }

    private void SetLeader(bool leading)
    {
        _isLeader = leading;
        _metrics.LeaderStatus.Set(leading ? 1 : 0, _options.LeaseName);
    }

    private static TimeSpan Jittered(TimeSpan period) => period + (period * (Random.Shared.NextDouble() * 0.2));
}
