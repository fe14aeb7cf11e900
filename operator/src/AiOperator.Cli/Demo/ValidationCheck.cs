using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using AiOperator.Trainer.Data;

namespace AiOperator.Cli.Demo;

/// <summary>
/// Classifies the trainer's validation set through the model's Service with one OIP request and compares
/// the answers with the labels: the accuracy served must be the accuracy the TrainingJob reported.
/// </summary>
internal static class ValidationCheck
{
    public static byte[] Body(int seed, int repeat = 1)
    {
        var samples = Enumerable.Repeat(TwoBlobs.Generate(seed).Validation, repeat).SelectMany(s => s).ToList();
        var data = string.Join(",", samples.SelectMany(s => new[] { s.X0, s.X1 }).Select(v => ((float)v).ToString("R", CultureInfo.InvariantCulture)));
        return Encoding.UTF8.GetBytes($$"""{"inputs":[{"name":"input","shape":[{{samples.Count}},2],"datatype":"FP32","data":[{{data}}]}]}""");
    }

    public static async Task<double> AccuracyAsync(HttpClient http, Uri inferUrl, int seed, CancellationToken ct)
    {
        var validation = TwoBlobs.Generate(seed).Validation;
        using var content = new ByteArrayContent(Body(seed));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var response = await http.PostAsync(inferUrl, content, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new DemoFailure($"/infer answered {(int)response.StatusCode}: {text}");
        }

        var probabilities = JsonNode.Parse(text)?["outputs"]?[0]?["data"]?.AsArray().Select(v => v!.GetValue<double>()).ToArray()
            ?? throw new DemoFailure($"/infer answer has no outputs[0].data: {text}");
        if (probabilities.Length != validation.Count * 2)
        {
            throw new DemoFailure($"/infer returned {probabilities.Length} probabilities for {validation.Count} samples of 2 classes");
        }

        var correct = validation.Where((s, i) => (probabilities[(2 * i) + 1] > probabilities[2 * i] ? 1 : 0) == s.Label).Count();
        return (double)correct / validation.Count;
    }
}
