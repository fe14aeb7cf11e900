using System.Text;
using AiOperator.ModelServer.Protocol;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace AiOperator.ModelServer.Batching;

/// <summary>
/// Pure decisions and data moves of dynamic batching: which requests may share a run, stacking their
/// inputs along the first dimension, and splitting the outputs back by rows.
/// </summary>
internal static class BatchAssembler
{
    /// <summary>Requests with equal keys can be stacked; null when the request cannot join a batch.</summary>
    public static string? Key(InferRequest request)
    {
        if (request.Inputs.Count == 0 || request.Inputs.Any(i => i.Shape.Length == 0 || i.Shape[0] != request.Inputs[0].Shape[0]))
        {
            return null;
        }

        var sb = new StringBuilder();
        foreach (var input in request.Inputs.OrderBy(i => i.Name, StringComparer.Ordinal))
        {
            sb.Append(input.Name).Append(':').Append((int)input.ElementType).Append(':');
            for (var d = 1; d < input.Shape.Length; d++)
            {
                sb.Append(input.Shape[d]).Append(',');
            }

            sb.Append(';');
        }

        sb.Append('|');
        foreach (var output in request.Outputs)
        {
            sb.Append(output.Name).Append(';');
        }

        return sb.ToString();
    }

    public static int Rows(InferRequest request) => request.Inputs.Count == 0 || request.Inputs[0].Shape.Length == 0
        ? 1
        : (int)Math.Min(int.MaxValue, request.Inputs[0].Shape[0]);

    /// <summary>Concatenates each input of the requests (same key) along the first dimension, in request order.</summary>
    public static List<InferenceTensor> Stack(IReadOnlyList<InferRequest> requests)
    {
        var first = requests[0];
        var stacked = new List<InferenceTensor>(first.Inputs.Count);
        foreach (var template in first.Inputs)
        {
            var parts = requests.Select(r => r.Inputs.First(i => i.Name == template.Name)).ToList();
            var shape = (long[])template.Shape.Clone();
            shape[0] = parts.Sum(p => p.Shape[0]);
            if (template.ElementType == TensorElementType.String)
            {
                stacked.Add(InferenceTensor.Text(template.Name, shape, parts.SelectMany(p => p.Strings!).ToArray()));
                continue;
            }

            var tensor = InferenceTensor.RentNumeric(template.Name, template.ElementType, shape, parts.Sum(p => p.ByteLength));
            var offset = 0;
            foreach (var p in parts)
            {
                p.Bytes.CopyTo(tensor.Data.AsSpan(offset));
                offset += p.ByteLength;
            }

            stacked.Add(tensor);
        }

        return stacked;
    }

    /// <summary>
    /// Splits batched outputs into per-request outputs; null when an output's first dimension is not the
    /// batch's row count (the model does not treat dimension 0 as a batch), so the caller runs them one by one.
    /// </summary>
    public static List<List<InferenceTensor>>? Split(IReadOnlyList<InferenceTensor> outputs, IReadOnlyList<int> rows)
    {
        var total = rows.Sum(r => (long)r);
        if (outputs.Any(o => o.Shape.Length == 0 || o.Shape[0] != total))
        {
            return null;
        }

        var result = rows.Select(_ => new List<InferenceTensor>(outputs.Count)).ToList();
        foreach (var output in outputs)
        {
            var rowElements = total == 0 ? 0 : output.ElementCount / total;
            long row = 0;
            for (var r = 0; r < rows.Count; r++)
            {
                var shape = (long[])output.Shape.Clone();
                shape[0] = rows[r];
                if (output.Strings is { } strings)
                {
                    result[r].Add(InferenceTensor.Text(output.Name, shape, strings.AsSpan((int)(row * rowElements), (int)(rows[r] * rowElements)).ToArray()));
                }
                else
                {
                    var rowBytes = total == 0 ? 0 : output.ByteLength / total;
                    var length = (int)(rows[r] * rowBytes);
                    var part = InferenceTensor.RentNumeric(output.Name, output.ElementType, shape, length);
                    output.Bytes.Slice((int)(row * rowBytes), length).CopyTo(part.Data);
                    result[r].Add(part);
                }

                row += rows[r];
            }
        }

        return result;
    }
}
