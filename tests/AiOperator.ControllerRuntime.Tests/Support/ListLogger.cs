using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AiOperator.ControllerRuntime.Tests.Support;

// Keeps log lines so a failing assertion can show what the component saw.
internal sealed class ListLogger : ILogger, ILoggerFactory
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        Lines.Enqueue($"{logLevel}: {formatter(state, exception)} {exception?.GetType().Name} {exception?.Message}");
    }

    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    public override string ToString() => string.Join('\n', Lines);
}
