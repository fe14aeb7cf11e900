using AiOperator.ModelServer.Model;
using Xunit;

namespace AiOperator.ModelServer.Tests.Model;

public sealed class IntraOpThreadChoiceTests
{
    private static readonly TimeSpan Tiny = TimeSpan.FromMicroseconds(40);
    private static readonly TimeSpan Large = TimeSpan.FromMilliseconds(60);

    [Fact]
    public void A_small_model_on_the_cpu_keeps_one_thread() =>
        Assert.Equal(1, IntraOpThreadChoice.For(4, given: false, "CPU", Tiny, instances: 1).Threads);

    [Fact]
    public void A_large_model_run_one_at_a_time_keeps_every_thread() =>
        Assert.Equal((4, null), IntraOpThreadChoice.For(4, given: false, "CPU", Large, instances: 1));

    [Theory]
    [InlineData(4, 2, 2)]
    [InlineData(2, 2, 1)]
    [InlineData(5, 2, 2)]   // never more threads in all than cores
    [InlineData(2, 3, 1)]   // never fewer than one
    public void Concurrent_runs_of_a_large_model_share_the_cores(int threads, int instances, int expected)
    {
        var (chosen, why) = IntraOpThreadChoice.For(threads, given: false, "CPU", Large, instances);
        Assert.Equal(expected, chosen);
        Assert.Contains("share", why, StringComparison.Ordinal);
    }

    [Fact]
    public void A_count_given_on_the_command_line_is_kept()
    {
        Assert.Equal((4, null), IntraOpThreadChoice.For(4, given: true, "CPU", Tiny, instances: 1));
        Assert.Equal((4, null), IntraOpThreadChoice.For(4, given: true, "CPU", Large, instances: 2));
    }

    [Fact]
    public void A_gpu_session_is_left_alone() =>
        Assert.Equal((4, null), IntraOpThreadChoice.For(4, given: false, "CUDA", Large, instances: 2));
}
