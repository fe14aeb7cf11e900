using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace AiOperator.ModelServer.Tests.Support;

/// <summary>Builds OIP v2 infer requests the way KServe/Triton clients do, and reads the answers.</summary>
internal static class OipClient
{
    public static HttpContent Request(IReadOnlyList<TestTensor> inputs, bool binaryInputs, bool binaryOutputs, string? id = null, string[]? outputs = null)
    {
        var root = new JsonObject();
        if (id is not null)
        {
            root["id"] = id;
        }

        var binary = new MemoryStream();
        var inputArray = new JsonArray();
        foreach (var t in inputs)
        {
            var node = new JsonObject
            {
                ["name"] = t.Name,
                ["shape"] = new JsonArray(t.Shape.Select(d => (JsonNode)JsonValue.Create(d)).ToArray()),
                ["datatype"] = t.Datatype,
            };
            if (binaryInputs)
            {
                var bytes = t.Binary();
                binary.Write(bytes);
                node["parameters"] = new JsonObject { ["binary_data_size"] = bytes.Length };
            }
            else
            {
                node["data"] = t.JsonData();
            }

            inputArray.Add(node);
        }

        root["inputs"] = inputArray;
        if (outputs is not null)
        {
            root["outputs"] = new JsonArray(outputs.Select(o => (JsonNode)new JsonObject
            {
                ["name"] = o,
                ["parameters"] = new JsonObject { ["binary_data"] = binaryOutputs },
            }).ToArray());
        }
        else if (binaryOutputs)
        {
            root["parameters"] = new JsonObject { ["binary_data_output"] = true };
        }

        var json = Encoding.UTF8.GetBytes(root.ToJsonString());
        if (binary.Length == 0)
        {
            var content = new ByteArrayContent(json);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            return content;
        }

        var body = new byte[json.Length + binary.Length];
        json.CopyTo(body, 0);
        binary.ToArray().CopyTo(body, json.Length);
        var binaryContent = new ByteArrayContent(body);
        binaryContent.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        binaryContent.Headers.Add("Inference-Header-Content-Length", json.Length.ToString(CultureInfo.InvariantCulture));
        return binaryContent;
    }

    public static async Task<(JsonObject Header, List<TestTensor> Outputs)> ReadAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsByteArrayAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new Xunit.Sdk.XunitException($"HTTP {(int)response.StatusCode}: {Encoding.UTF8.GetString(body)}");
        }

        var jsonLength = response.Headers.TryGetValues("Inference-Header-Content-Length", out var values)
            ? int.Parse(values.First(), CultureInfo.InvariantCulture)
            : body.Length;
        var header = JsonNode.Parse(body.AsSpan(0, jsonLength))!.AsObject();
        var offset = jsonLength;
        var outputs = new List<TestTensor>();
        foreach (var o in header["outputs"]!.AsArray())
        {
            var name = o!["name"]!.GetValue<string>();
            var datatype = o["datatype"]!.GetValue<string>();
            var shape = o["shape"]!.AsArray().Select(d => d!.GetValue<long>()).ToArray();
            if (o["parameters"]?["binary_data_size"] is { } size)
            {
                var n = size.GetValue<int>();
                outputs.Add(TestTensor.FromBinary(name, datatype, shape, body.AsSpan(offset, n)));
                offset += n;
            }
            else
            {
                outputs.Add(TestTensor.FromJson(name, datatype, shape, o["data"]!.AsArray()));
            }
        }

        Xunit.Assert.Equal(body.Length, offset);
        return (header, outputs);
    }

    public static async Task<List<TestTensor>> InferAsync(HttpClient client, string model, IReadOnlyList<TestTensor> inputs, bool binaryInputs = false, bool binaryOutputs = false, string[]? outputs = null)
    {
        using var response = await client.PostAsync($"/v2/models/{model}/infer", Request(inputs, binaryInputs, binaryOutputs, outputs: outputs));
        return (await ReadAsync(response)).Outputs;
    }
}
