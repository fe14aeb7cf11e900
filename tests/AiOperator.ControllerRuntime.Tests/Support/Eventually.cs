namespace AiOperator.ControllerRuntime.Tests.Support;

// Waits for a condition with a deadline (never a fixed sleep); the poll interval only bounds CPU use.
internal static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out waiting for: {what}");
            }

            await Task.Delay(20);
        }
    }

    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out waiting for: {what}");
            }

            await Task.Delay(20);
        }
    }

    // Retries an action that fails until something else is in place (e.g. a CRD being served).
    public static async Task<T> ValueAsync<T>(Func<Task<T>> action, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            try
            {
                return await action();
            }
            catch (Exception e) when (DateTime.UtcNow <= deadline && e is not OperationCanceledException)
            {
                await Task.Delay(20);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Assert.Fail($"timed out waiting for: {what} ({e.Message})");
                throw;
            }
        }
    }
}
