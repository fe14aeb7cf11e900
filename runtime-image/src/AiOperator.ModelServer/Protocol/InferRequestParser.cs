using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using AiOperator.ModelServer.Model;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace AiOperator.ModelServer.Protocol;

/// <summary>
/// Parses an OIP v2 infer request (JSON, optionally followed by the binary tensor section) against the
/// model's signature. Every refusal is a 400 naming the part of the request at fault.
/// </summary>
internal static class InferRequestParser
{
    /// <summary>Deep enough for rank-32 nested data, shallow enough to refuse stack-eating input.</summary>
    public const int MaxJsonDepth = 40;

    public static InferRequest Parse(ReadOnlyMemory<byte> body, int? jsonLength, ModelSignature signature, string modelName)
    {
        if (jsonLength is { } n && (n < 0 || n > body.Length))
        {
            throw InferenceException.BadRequest($"Inference-Header-Content-Length {n} is outside the request body of {body.Length} bytes");
        }

        var json = jsonLength is { } len ? body[..len] : body;
        var binary = jsonLength is { } l ? body[l..] : ReadOnlyMemory<byte>.Empty;

        // Numeric data arrays are read from the bytes directly; JsonDocument gets the rest.
        var numeric = NumericDataArrays.Find(json, MaxJsonDepth);
        if (numeric is null)
        {
            return Parse(json, null, binary, signature, modelName);
        }

        var (buffer, length) = numeric.Envelope();
        try
        {
            return Parse(buffer.AsMemory(0, length), numeric, binary, signature, modelName);
        }
        catch (InferenceException) when (!numeric.AllGrammatical())
        {
            // A flat array was only scanned and is not JSON: System.Text.Json reads the whole request and
            // says where, as it does for any other request that is not JSON.
            return Parse(json, null, binary, signature, modelName);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static InferRequest Parse(ReadOnlyMemory<byte> json, NumericDataArrays? numeric, ReadOnlyMemory<byte> binary, ModelSignature signature, string modelName)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = MaxJsonDepth });
        }
        catch (JsonException ex)
        {
            throw InferenceException.BadRequest($"request body is not valid JSON: {ex.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw InferenceException.BadRequest("request body must be a JSON object");
            }

            string? id = null;
            if (root.TryGetProperty("id", out var idElement))
            {
                id = idElement.ValueKind == JsonValueKind.String
                    ? idElement.GetString()
                    : throw InferenceException.BadRequest("'id' must be a string");
            }

            var defaultBinary = false;
            if (root.TryGetProperty("parameters", out var parameters))
            {
                RequireObject(parameters, "parameters");
                defaultBinary = OptionalBool(parameters, "binary_data_output", "parameters.binary_data_output");
                if (parameters.TryGetProperty("classification", out _))
                {
                    throw InferenceException.BadRequest("parameters.classification: the classification extension is not supported");
                }
            }

            var inputs = ParseInputs(root, numeric, binary, signature, modelName);
            try
            {
                var outputs = ParseOutputs(root, signature, modelName, defaultBinary);
                return new InferRequest(id, inputs, outputs);
            }
            catch
            {
                foreach (var t in inputs)
                {
                    t.Dispose();
                }

                throw;
            }
        }
    }

    private static List<InferenceTensor> ParseInputs(JsonElement root, NumericDataArrays? numeric, ReadOnlyMemory<byte> binary, ModelSignature signature, string modelName)
    {
        if (!root.TryGetProperty("inputs", out var inputsElement) || inputsElement.ValueKind != JsonValueKind.Array)
        {
            throw InferenceException.BadRequest("'inputs' must be an array of tensors");
        }

        var result = new List<InferenceTensor>();
        try
        {
            var offset = 0;
            var index = -1;
            foreach (var input in inputsElement.EnumerateArray())
            {
                index++;
                RequireObject(input, "inputs[]");
                var name = RequiredString(input, "name", "inputs[].name");
                var spec = signature.FindInput(name)
                    ?? throw InferenceException.BadRequest($"unexpected inference input '{Shown(name)}' for model '{modelName}'");
                if (Contains(result, name))
                {
                    throw InferenceException.BadRequest($"input '{name}' appears more than once");
                }

                // Checked inline: the field's name for the error is only formatted when there is an error.
                var datatype = input.TryGetProperty("datatype", out var datatypeElement) && datatypeElement.ValueKind == JsonValueKind.String
                    ? datatypeElement.GetString()!
                    : throw InferenceException.BadRequest($"'inputs['{name}'].datatype' must be a string");
                if (!OipDatatype.TryParse(datatype, out var type))
                {
                    throw InferenceException.BadRequest($"input '{name}': unknown datatype '{Shown(datatype)}'");
                }

                if (type != spec.ElementType)
                {
                    throw InferenceException.BadRequest(
                        $"input '{name}' data-type is '{datatype}', but model '{modelName}' expects '{OipDatatype.Name(spec.ElementType)}'");
                }

                var shape = ParseShape(input, name, spec);
                var count = ElementCount(shape, name);

                int? binarySize = null;
                if (input.TryGetProperty("parameters", out var p))
                {
                    RequireObject(p, $"inputs['{name}'].parameters");
                    if (p.TryGetProperty("shared_memory_region", out _))
                    {
                        throw InferenceException.BadRequest($"input '{name}': shared memory is not supported");
                    }

                    if (p.TryGetProperty("binary_data_size", out var sizeElement))
                    {
                        if (!sizeElement.TryGetInt32(out var size) || size < 0)
                        {
                            throw InferenceException.BadRequest($"inputs['{name}'].parameters.binary_data_size must be a non-negative integer");
                        }

                        binarySize = size;
                    }
                }

                var hasData = input.TryGetProperty("data", out var data);
                if (binarySize is { } bs)
                {
                    if (hasData)
                    {
                        throw InferenceException.BadRequest($"input '{name}' has both 'data' and binary_data_size");
                    }

                    if (offset + (long)bs > binary.Length)
                    {
                        throw InferenceException.BadRequest($"input '{name}': binary_data_size {bs} goes past the end of the binary section");
                    }

                    result.Add(FromBinary(name, type, shape, count, binary.Span.Slice(offset, bs)));
                    offset += bs;
                }
                else if (hasData)
                {
                    result.Add(numeric?.For(index) is { } numbers
                        ? FromNumbers(name, type, shape, count, numbers.Array.Span, numbers.Count, numbers.Checked)
                        : FromJson(name, type, shape, count, data));
                }
                else
                {
                    throw InferenceException.BadRequest($"input '{name}' has neither 'data' nor parameters.binary_data_size");
                }
            }

            if (offset != binary.Length)
            {
                throw InferenceException.BadRequest($"the binary section has {binary.Length - offset} bytes that no input claims");
            }

            foreach (var spec in signature.Inputs)
            {
                if (!Contains(result, spec.Name))
                {
                    throw InferenceException.BadRequest($"expected input '{spec.Name}' for model '{modelName}' is missing");
                }
            }

            return result;
        }
        catch
        {
            foreach (var t in result)
            {
                t.Dispose();
            }

            throw;
        }
    }

    private static bool Contains(List<InferenceTensor> tensors, string name)
    {
        foreach (var t in tensors)
        {
            if (t.Name == name)
            {
                return true;
            }
        }

        return false;
    }

    private static long[] ParseShape(JsonElement input, string name, TensorSpec spec)
    {
        if (!input.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
        {
            throw InferenceException.BadRequest($"input '{name}': 'shape' must be an array of integers");
        }

        var rank = shapeElement.GetArrayLength();
        if (rank != spec.Dims.Length)
        {
            throw InferenceException.BadRequest(
                $"input '{name}': shape has {rank} dimensions, but the model expects {spec.Dims.Length} {FormatDims(spec.Dims)}");
        }

        var shape = new long[rank];
        var i = 0;
        foreach (var d in shapeElement.EnumerateArray())
        {
            if (!d.TryGetInt64(out var dim) || dim < 0)
            {
                throw InferenceException.BadRequest($"input '{name}': shape[{i}] must be a non-negative integer");
            }

            if (spec.Dims[i] >= 0 && spec.Dims[i] != dim)
            {
                throw InferenceException.BadRequest(
                    $"input '{name}': shape[{i}] is {dim}, but the model expects {spec.Dims[i]} {FormatDims(spec.Dims)}");
            }

            shape[i++] = dim;
        }

        return shape;
    }

    internal static long ElementCount(long[] shape, string name)
    {
        try
        {
            long count = 1;
            foreach (var d in shape)
            {
                count = checked(count * d);
            }

            // The largest tensor a 2 GiB request could carry; anything larger is a malformed shape.
            return count > int.MaxValue ? throw new OverflowException() : count;
        }
        catch (OverflowException)
        {
            throw InferenceException.BadRequest($"input '{name}': shape {FormatDims(shape)} overflows the largest tensor size");
        }
    }

    /// <summary>A tensor from its binary form; <paramref name="sizeName"/> names where the byte count came from in errors.</summary>
    internal static InferenceTensor FromBinary(string name, TensorElementType type, long[] shape, long count, ReadOnlySpan<byte> bytes, string sizeName = "binary_data_size")
    {
        if (type == TensorElementType.String)
        {
            // Each element carries at least its 4-byte length: check the shape against the bytes present
            // before allocating one array slot per declared element.
            if (count > bytes.Length / 4)
            {
                throw InferenceException.BadRequest(
                    $"input '{name}': shape {FormatDims(shape)} needs {count} BYTES elements (4 bytes each at least), but {sizeName} is {bytes.Length}");
            }

            var elements = new byte[count][];
            var pos = 0;
            for (var i = 0; i < count; i++)
            {
                if (bytes.Length - pos < 4)
                {
                    throw InferenceException.BadRequest($"input '{name}': binary BYTES data ends before element {i}");
                }

                var len = BinaryPrimitives.ReadUInt32LittleEndian(bytes[pos..]);
                pos += 4;
                if (len > (uint)(bytes.Length - pos))
                {
                    throw InferenceException.BadRequest($"input '{name}': BYTES element {i} claims {len} bytes past the end of its data");
                }

                elements[i] = bytes.Slice(pos, (int)len).ToArray();
                pos += (int)len;
            }

            if (pos != bytes.Length)
            {
                throw InferenceException.BadRequest($"input '{name}': binary BYTES data holds more than {count} elements");
            }

            return InferenceTensor.Text(name, shape, elements);
        }

        var expected = count * OipDatatype.ElementSize(type);
        if (expected != bytes.Length)
        {
            throw InferenceException.BadRequest(
                $"input '{name}': shape {FormatDims(shape)} needs {expected} bytes of {OipDatatype.Name(type)}, but {sizeName} is {bytes.Length}");
        }

        var tensor = InferenceTensor.RentNumeric(name, type, shape, bytes.Length);
        bytes.CopyTo(tensor.Data);
        if (type == TensorElementType.Bool)
        {
            foreach (var b in tensor.Bytes)
            {
                if (b > 1)
                {
                    tensor.Dispose();
                    throw InferenceException.BadRequest($"input '{name}': BOOL bytes must be 0 or 1");
                }
            }
        }

        return tensor;
    }

    // The data array NumericDataArrays found: the same checks and messages as FromJson.
    // An array not yet checked (a flat one) is checked as it is converted; when it is not JSON the request
    // is refused here and Parse hands it whole to System.Text.Json.
    private static InferenceTensor FromNumbers(string name, TensorElementType type, long[] shape, long count, ReadOnlySpan<byte> array, long found, bool grammarChecked)
    {
        if (found != count)
        {
            throw InferenceException.BadRequest(
                $"input '{name}': shape {FormatDims(shape)} needs {count} elements, but 'data' has {found}");
        }

        if (type == TensorElementType.String)
        {
            return count == 0
                ? InferenceTensor.Text(name, shape, [])
                : throw InferenceException.BadRequest($"input '{name}': BYTES element 0 must be a string");
        }

        var size = OipDatatype.ElementSize(type);
        var tensor = InferenceTensor.RentNumeric(name, type, shape, checked((int)(count * size)));
        try
        {
            long invalid;
            if (grammarChecked)
            {
                invalid = JsonNumberArray.Write(array, type, size, tensor.Data.AsSpan());
            }
            else if (!JsonNumberArray.TryWriteChecked(array, type, size, tensor.Data.AsSpan(0, tensor.ByteLength), out invalid))
            {
                throw InferenceException.BadRequest($"input '{name}': 'data' is not a JSON array of numbers");
            }

            return invalid < 0
                ? tensor
                : throw InferenceException.BadRequest($"input '{name}': element {invalid} is not a valid {OipDatatype.Name(type)} value");
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }

    private static InferenceTensor FromJson(string name, TensorElementType type, long[] shape, long count, JsonElement data)
    {
        if (data.ValueKind != JsonValueKind.Array)
        {
            throw InferenceException.BadRequest($"input '{name}': 'data' must be an array");
        }

        var nested = false;
        var found = CountLeaves(data, ref nested);
        if (found != count)
        {
            throw InferenceException.BadRequest(
                $"input '{name}': shape {FormatDims(shape)} needs {count} elements, but 'data' has {found}");
        }

        if (type == TensorElementType.String)
        {
            var elements = new byte[count][];
            var k = 0;
            foreach (var leaf in Leaves(data))
            {
                elements[k] = leaf.ValueKind == JsonValueKind.String
                    ? Encoding.UTF8.GetBytes(leaf.GetString()!)
                    : throw InferenceException.BadRequest($"input '{name}': BYTES element {k} must be a string");
                k++;
            }

            return InferenceTensor.Text(name, shape, elements);
        }

        var size = OipDatatype.ElementSize(type);
        var tensor = InferenceTensor.RentNumeric(name, type, shape, checked((int)(count * size)));
        try
        {
            var span = tensor.Data.AsSpan();
            var index = 0;
            if (!nested)
            {
                // The common flat array: walked directly, without the nested walk's enumerator objects.
                foreach (var leaf in data.EnumerateArray())
                {
                    if (!TryWrite(type, leaf, span.Slice(index * size, size)))
                    {
                        throw InferenceException.BadRequest(
                            $"input '{name}': element {index} is not a valid {OipDatatype.Name(type)} value");
                    }

                    index++;
                }

                return tensor;
            }

            foreach (var leaf in Leaves(data))
            {
                if (!TryWrite(type, leaf, span.Slice(index * size, size)))
                {
                    throw InferenceException.BadRequest(
                        $"input '{name}': element {index} is not a valid {OipDatatype.Name(type)} value");
                }

                index++;
            }

            return tensor;
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }

    private static long CountLeaves(JsonElement array, ref bool nested)
    {
        long n = 0;
        foreach (var e in array.EnumerateArray())
        {
            if (e.ValueKind == JsonValueKind.Array)
            {
                nested = true;
                n += CountLeaves(e, ref nested);
            }
            else
            {
                n++;
            }
        }

        return n;
    }

    private static IEnumerable<JsonElement> Leaves(JsonElement array)
    {
        foreach (var e in array.EnumerateArray())
        {
            if (e.ValueKind == JsonValueKind.Array)
            {
                foreach (var inner in Leaves(e))
                {
                    yield return inner;
                }
            }
            else
            {
                yield return e;
            }
        }
    }

    private static bool TryWrite(TensorElementType type, JsonElement v, Span<byte> dst) => v.ValueKind switch
    {
        JsonValueKind.Number => JsonNumber.TryWrite(type, JsonMarshal.GetRawUtf8Value(v), dst),
        JsonValueKind.True or JsonValueKind.False => type == TensorElementType.Bool && Put(dst, v.ValueKind == JsonValueKind.True ? (byte)1 : (byte)0),
        JsonValueKind.String => TryWriteNonFinite(type, v.GetString(), dst),
        _ => false,
    };

    // Non-finite values have no JSON number form; they travel as the strings JavaScript uses.
    private static bool TryWriteNonFinite(TensorElementType type, string? s, Span<byte> dst) => NonFinite(s, out var d) && type switch
    {
        TensorElementType.Float => BinaryPrimitives.TryWriteSingleLittleEndian(dst, (float)d),
        TensorElementType.Double => BinaryPrimitives.TryWriteDoubleLittleEndian(dst, d),
        TensorElementType.Float16 => BinaryPrimitives.TryWriteHalfLittleEndian(dst, (Half)d),
        TensorElementType.BFloat16 => BinaryPrimitives.TryWriteUInt16LittleEndian(dst, BFloat16Bits.FromSingle((float)d)),
        _ => false,
    };

    private static bool NonFinite(string? s, out double value)
    {
        value = s switch
        {
            "NaN" => double.NaN,
            "Infinity" or "inf" => double.PositiveInfinity,
            "-Infinity" or "-inf" => double.NegativeInfinity,
            _ => 0,
        };
        return !double.IsFinite(value);
    }

    private static bool Put(Span<byte> dst, byte value)
    {
        dst[0] = value;
        return true;
    }

    private static List<RequestedOutput> ParseOutputs(JsonElement root, ModelSignature signature, string modelName, bool defaultBinary)
    {
        if (!root.TryGetProperty("outputs", out var outputsElement))
        {
            var all = new List<RequestedOutput>(signature.Outputs.Count);
            foreach (var o in signature.Outputs)
            {
                all.Add(new RequestedOutput(o.Name, defaultBinary));
            }

            return all;
        }

        if (outputsElement.ValueKind != JsonValueKind.Array)
        {
            throw InferenceException.BadRequest("'outputs' must be an array");
        }

        var result = new List<RequestedOutput>();
        foreach (var output in outputsElement.EnumerateArray())
        {
            RequireObject(output, "outputs[]");
            var name = RequiredString(output, "name", "outputs[].name");
            if (signature.FindOutput(name) is null)
            {
                throw InferenceException.BadRequest($"unexpected inference output '{Shown(name)}' for model '{modelName}'");
            }

            if (result.Any(r => r.Name == name))
            {
                throw InferenceException.BadRequest($"output '{name}' is requested more than once");
            }

            var binary = defaultBinary;
            if (output.TryGetProperty("parameters", out var p))
            {
                RequireObject(p, $"outputs['{name}'].parameters");
                if (p.TryGetProperty("classification", out _))
                {
                    throw InferenceException.BadRequest($"outputs['{name}'].parameters.classification: the classification extension is not supported");
                }

                if (p.TryGetProperty("shared_memory_region", out _))
                {
                    throw InferenceException.BadRequest($"output '{name}': shared memory is not supported");
                }

                if (p.TryGetProperty("binary_data", out _))
                {
                    binary = OptionalBool(p, "binary_data", $"outputs['{name}'].parameters.binary_data");
                }
            }

            result.Add(new RequestedOutput(name, binary));
        }

        return result;
    }

    private static void RequireObject(JsonElement e, string what)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw InferenceException.BadRequest($"'{what}' must be a JSON object");
        }
    }

    private static string RequiredString(JsonElement e, string property, string what) =>
        e.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()!
            : throw InferenceException.BadRequest($"'{what}' must be a string");

    private static bool OptionalBool(JsonElement e, string property, string what)
    {
        if (!e.TryGetProperty(property, out var v))
        {
            return false;
        }

        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw InferenceException.BadRequest($"'{what}' must be true or false"),
        };
    }

    // Names are echoed in errors; cap them so an error never carries a large chunk of the request.
    internal static string Shown(string s) => s.Length > 64 ? s[..64] + "…" : s;

    public static string FormatDims(IEnumerable<long> dims) =>
        "[" + string.Join(",", dims.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";
}
