using AiOperator.Operator.TrainingJobs;
using Microsoft.Extensions.Time.Testing;

namespace AiOperator.Operator.Tests.TrainingJobs;

public sealed class CreateExpectationsTests
{
    [Fact]
    public void Created_ranks_are_in_flight_until_observed_or_the_window_ends()
    {
        var time = new FakeTimeProvider();
        var expectations = new CreateExpectations(time);
        expectations.Created("uid", 1, 0);
        expectations.Created("uid", 1, 1);
        Assert.Equal([0, 1], expectations.InFlight("uid", 1, []).Order());
        Assert.Equal([1], expectations.InFlight("uid", 1, [0]));
        time.Advance(TimeSpan.FromSeconds(31));
        Assert.Empty(expectations.InFlight("uid", 1, []));
    }

    [Fact]
    public void Another_gang_or_job_has_nothing_in_flight()
    {
        var expectations = new CreateExpectations(new FakeTimeProvider());
        expectations.Created("uid", 1, 0);
        Assert.Empty(expectations.InFlight("other", 1, []));
        expectations.Created("uid", 2, 1);
        Assert.Equal([1], expectations.InFlight("uid", 2, []));
        Assert.Empty(expectations.InFlight("uid", 1, []));
    }
}
