using AiOperator.ControllerRuntime.LeaderElection;

namespace AiOperator.ControllerRuntime.Tests.LeaderElection;

public sealed class LeaseDecisionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(15);

    [Fact]
    public void No_lease_means_create() =>
        Assert.Equal(LeaseStep.Create, LeaseDecision.Decide(null, "me", T0, T0, Duration));

    [Fact]
    public void Own_lease_is_renewed() =>
        Assert.Equal(LeaseStep.Renew, LeaseDecision.Decide(Lease("me"), "me", T0, T0, Duration));

    [Fact]
    public void Released_lease_is_taken_at_once() =>
        Assert.Equal(LeaseStep.TakeOver, LeaseDecision.Decide(Lease(null), "me", T0, T0, Duration));

    [Fact]
    public void Another_holder_is_followed_until_the_lease_expires_by_our_own_clock()
    {
        // The holder's renewTime is far in the past, but we only just saw the record change: still valid.
        var lease = Lease("other") with { RenewTime = T0.AddHours(-3) };

        Assert.Equal(LeaseStep.Follow, LeaseDecision.Decide(lease, "me", T0.AddSeconds(14), T0, Duration));
        Assert.Equal(LeaseStep.TakeOver, LeaseDecision.Decide(lease, "me", T0.AddSeconds(15), T0, Duration));
    }

    [Fact]
    public void The_lease_own_duration_wins_over_the_default()
    {
        var lease = Lease("other") with { LeaseDurationSeconds = 60 };

        Assert.Equal(LeaseStep.Follow, LeaseDecision.Decide(lease, "me", T0.AddSeconds(30), T0, Duration));
    }

    private static LeaseRecord Lease(string? holder) => new(holder, 15, T0, T0, 0, "1");
}
