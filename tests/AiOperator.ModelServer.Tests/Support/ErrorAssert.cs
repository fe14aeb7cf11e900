using System.Net;
using System.Text.Json.Nodes;
using Xunit;

namespace AiOperator.ModelServer.Tests.Support;

/// <summary>Checks Triton's error shape: the status code and {"error": "..."} naming what was wrong.</summary>
internal static class ErrorAssert
{
    public static async Task<string> IsErrorAsync(HttpResponseMessage response, HttpStatusCode status, string? contains = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = JsonNode.Parse(body)!["error"]!.GetValue<string>();
        if (contains is not null)
        {
            Assert.Contains(contains, error, StringComparison.Ordinal);
        }

        return error;
    }
}
