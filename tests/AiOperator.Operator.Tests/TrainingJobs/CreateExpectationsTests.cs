using AiOperator.Operator.Status;
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

    [Fact]
    public void A_refused_create_is_told_for_its_gang_only_and_forgotten_with_the_job()
    {
        var expectations = new CreateExpectations(new FakeTimeProvider());
        var refusal = new GangCreateRefusal(2, "worker pod ft-worker-0", new ChildWriteFailure("WriteForbidden", "no", false));
        expectations.Refused("uid", refusal);
        Assert.Equal(refusal, expectations.RefusalOf("uid", 2));
        Assert.Null(expectations.RefusalOf("uid", 1));
        Assert.Null(expectations.RefusalOf("other", 2));
        Assert.Null(expectations.RefusalOf("uid", 3));
        Assert.Null(expectations.RefusalOf("uid", 2));

        expectations.Refused("uid", refusal);
        expectations.Forget("uid");
        Assert.Null(expectations.RefusalOf("uid", 2));
    }
}
