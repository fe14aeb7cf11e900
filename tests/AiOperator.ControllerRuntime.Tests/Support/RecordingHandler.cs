using System.Collections.Concurrent;

namespace AiOperator.ControllerRuntime.Tests.Support;

// Sees every request URI the client sends, query string included.
internal sealed class RecordingHandler : DelegatingHandler
{
    public ConcurrentQueue<Uri> Requests { get; } = new();

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Enqueue(request.RequestUri!);
        return base.SendAsync(request, cancellationToken);
    }
}
