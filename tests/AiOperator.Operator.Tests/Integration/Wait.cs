using AiOperator.Testing;

namespace AiOperator.Operator.Tests.Integration;

/// <summary>The integration tests' name for <see cref="Eventually"/> (timeout before what), polling the API server at 100 ms.</summary>
internal static class Wait
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    public static Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) => Eventually.TrueAsync(condition, what, timeout, Poll);

    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what) => Eventually.TrueAsync(condition, what, timeout, Poll);
}
