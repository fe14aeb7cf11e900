using AiOperator.ModelServer.Model;
using Xunit;

namespace AiOperator.ModelServer.Tests.Model;

public sealed class IntraOpThreadChoiceTests
{
    private static readonly TimeSpan Tiny = TimeSpan.FromMicroseconds(40);
    private static readonly TimeSpan Large = TimeSpan.FromMilliseconds(60);

    [Fact]
    public void A_small_model_on_the_cpu_keeps_one_thread() =>
        Assert.Equal(1, IntraOpThreadChoice.For(4, given: false, "CPU", Tiny));

    [Fact]
    public void A_large_model_keeps_every_thread() =>
        Assert.Equal(4, IntraOpThreadChoice.For(4, given: false, "CPU", Large));

    [Fact]
    public void A_count_given_on_the_command_line_is_kept() =>
        Assert.Equal(4, IntraOpThreadChoice.For(4, given: true, "CPU", Tiny));

    [Fact]
    public void A_gpu_session_is_left_alone() =>
        Assert.Equal(4, IntraOpThreadChoice.For(4, given: false, "CUDA", Tiny));
}
