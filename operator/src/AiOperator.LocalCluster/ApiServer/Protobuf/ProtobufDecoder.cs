using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Http;

namespace AiOperator.LocalCluster.ApiServer.Protobuf;

// Decodes application/vnd.kubernetes.protobuf request bodies: the "k8s\0" magic, then a
// runtime.Unknown {typeMeta{apiVersion, kind}, raw, contentEncoding, contentType} whose raw bytes
// are the object's message. The result is the JSON object a JSON client would have sent, so
// everything after decoding (defaults, validation, storage) is the JSON path.
internal static class ProtobufDecoder
{
    public const string MediaType = "application/vnd.kubernetes.protobuf";

    private static readonly byte[] Magic = "k8s\0"u8.ToArray();
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static JsonObject Decode(ReadOnlySpan<byte> body)
    {
        if (!body.StartsWith(Magic))
        {
            throw ApiErrors.BadRequest("the protobuf body does not start with the Kubernetes envelope (\"k8s\\x00\" followed by runtime.Unknown)");
        }

        string apiVersion = "", kind = "", encoding = "";
        ReadOnlySpan<byte> raw = default;
        try
        {
            var reader = new ProtoReader(body[Magic.Length..]);
            while (!reader.End)
            {
                var (number, wire) = reader.ReadTag();
                switch (number)
                {
                    case 1 when wire == ProtoReader.LengthDelimited:
                        var typeMeta = new ProtoReader(reader.ReadLengthDelimited());
                        while (!typeMeta.End)
                        {
                            var (n, w) = typeMeta.ReadTag();
                            if (n is 1 or 2 && w == ProtoReader.LengthDelimited)
                            {
                                var text = Utf8(typeMeta.ReadLengthDelimited(), "typeMeta");
                                (apiVersion, kind) = n == 1 ? (text, kind) : (apiVersion, text);
                            }
                            else
                            {
                                typeMeta.SkipIsZero(w);
                            }
                        }

                        break;
                    case 2 when wire == ProtoReader.LengthDelimited:
                        raw = reader.ReadLengthDelimited();
                        break;
                    case 3 when wire == ProtoReader.LengthDelimited:
                        encoding = Utf8(reader.ReadLengthDelimited(), "contentEncoding");
                        break;
                    default:
                        reader.SkipIsZero(wire);
                        break;
                }
            }
        }
        catch (ProtoFormatException ex)
        {
            throw ApiErrors.BadRequest($"the protobuf envelope could not be decoded: {ex.Message}");
        }

        if (encoding.Length > 0)
        {
            throw new ApiException(415, "UnsupportedMediaType", $"protobuf contentEncoding \"{encoding}\" is not supported");
        }

        if (!KubernetesProtoSchema.Kinds.TryGetValue((apiVersion, kind), out var message))
        {
            var known = string.Join(", ", KubernetesProtoSchema.Kinds.Keys.Select(k => $"{k.Kind} ({k.ApiVersion})").Order(StringComparer.Ordinal));
            throw new ApiException(415, "UnsupportedMediaType",
                $"the local API server cannot decode kind \"{kind}\" (apiVersion \"{apiVersion}\") from protobuf; send it as application/json. Kinds it decodes from protobuf: {known}");
        }

        var result = new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind };
        try
        {
            DecodeInto(result, raw, message, kind);
        }
        catch (ProtoFormatException ex)
        {
            throw ApiErrors.BadRequest($"the protobuf body of {kind} could not be decoded: {ex.Message}");
        }

        return result;
    }

    private static void DecodeInto(JsonObject target, ReadOnlySpan<byte> data, ProtoMessage message, string path)
    {
        var reader = new ProtoReader(data);
        while (!reader.End)
        {
            var (number, wire) = reader.ReadTag();
            if (!message.Fields.TryGetValue(number, out var field))
            {
                if (!reader.SkipIsZero(wire))
                {
                    throw new ApiException(415, "UnsupportedMediaType",
                        $"protobuf field {number} of {message.Name} (in {path}) is not decoded by the local API server; send this object as application/json");
                }

                continue;
            }

            var fieldPath = field.Inline ? path : $"{path}.{field.JsonName}";
            if (field.Kind == ProtoKind.Ignored)
            {
                reader.SkipIsZero(wire);
                continue;
            }

            if (field.MapValue is { } valueKind)
            {
                Expect(wire, ProtoReader.LengthDelimited, fieldPath);
                var (key, value) = MapEntry(reader.ReadLengthDelimited(), valueKind, fieldPath);
                if (target[field.JsonName] is not JsonObject map)
                {
                    map = new JsonObject();
                    target[field.JsonName] = map;
                }

                map[key] = value;
                continue;
            }

            var node = Value(ref reader, wire, field, fieldPath);
            if (field.Repeated)
            {
                if (target[field.JsonName] is not JsonArray array)
                {
                    array = [];
                    target[field.JsonName] = array;
                }

                array.Add(node ?? JsonValue.Create(""));
            }
            else if (field.Inline && node is JsonObject inline)
            {
                foreach (var (name, value) in inline.ToList())
                {
                    inline.Remove(name);
                    target[name] = value;
                }
            }
            else if (node is not null)
            {
                target[field.JsonName] = node;
            }
            else
            {
                // A later zero value overrides an earlier one, as protobuf's last-wins rule says.
                target.Remove(field.JsonName);
            }
        }
    }

    // The JSON value of one field occurrence; null when it is a zero value that JSON would omit.
    private static JsonNode? Value(ref ProtoReader reader, int wire, ProtoField field, string path)
    {
        var keepZero = field.Present || field.Repeated;
        switch (field.Kind)
        {
            case ProtoKind.String:
                Expect(wire, ProtoReader.LengthDelimited, path);
                var text = Utf8(reader.ReadLengthDelimited(), path);
                return text.Length > 0 || keepZero ? JsonValue.Create(text) : null;
            case ProtoKind.Bytes:
                Expect(wire, ProtoReader.LengthDelimited, path);
                return JsonValue.Create(Convert.ToBase64String(reader.ReadLengthDelimited()));
            case ProtoKind.Bool:
                Expect(wire, ProtoReader.Varint, path);
                var flag = reader.ReadVarint() != 0;
                return flag || keepZero ? JsonValue.Create(flag) : null;
            case ProtoKind.Int32:
                Expect(wire, ProtoReader.Varint, path);
                var i32 = unchecked((int)reader.ReadVarint());
                return i32 != 0 || keepZero ? JsonValue.Create(i32) : null;
            case ProtoKind.Int64:
                Expect(wire, ProtoReader.Varint, path);
                var i64 = unchecked((long)reader.ReadVarint());
                return i64 != 0 || keepZero ? JsonValue.Create(i64) : null;
            case ProtoKind.Time:
                Expect(wire, ProtoReader.LengthDelimited, path);
                return Time(reader.ReadLengthDelimited(), path);
            case ProtoKind.IntOrString:
                Expect(wire, ProtoReader.LengthDelimited, path);
                var ios = IntOrString(reader.ReadLengthDelimited(), path);
                return ios is JsonValue v && v.TryGetValue<int>(out var asInt) && asInt == 0 && !keepZero ? null : ios;
            case ProtoKind.Quantity:
                Expect(wire, ProtoReader.LengthDelimited, path);
                var quantity = Quantity(reader.ReadLengthDelimited(), path);
                return quantity is "" or "0" && !keepZero ? null : JsonValue.Create(quantity);
            case ProtoKind.Message:
                Expect(wire, ProtoReader.LengthDelimited, path);
                var nested = new JsonObject();
                DecodeInto(nested, reader.ReadLengthDelimited(), field.Message!(), path);
                return nested;
            default:
                throw new ProtoFormatException($"{path}: unsupported field kind {field.Kind}");
        }
    }

    private static (string Key, JsonNode? Value) MapEntry(ReadOnlySpan<byte> entry, ProtoKind valueKind, string path)
    {
        var reader = new ProtoReader(entry);
        var key = "";
        JsonNode? value = valueKind == ProtoKind.Quantity ? JsonValue.Create("0") : JsonValue.Create("");
        while (!reader.End)
        {
            var (number, wire) = reader.ReadTag();
            if (number == 1)
            {
                Expect(wire, ProtoReader.LengthDelimited, path);
                key = Utf8(reader.ReadLengthDelimited(), path);
            }
            else if (number == 2)
            {
                Expect(wire, ProtoReader.LengthDelimited, path);
                var bytes = reader.ReadLengthDelimited();
                value = valueKind switch
                {
                    ProtoKind.String => JsonValue.Create(Utf8(bytes, $"{path}[{key}]")),
                    ProtoKind.Bytes => JsonValue.Create(Convert.ToBase64String(bytes)),
                    ProtoKind.Quantity => JsonValue.Create(Quantity(bytes, path)),
                    _ => throw new ProtoFormatException($"{path}: unsupported map value kind {valueKind}"),
                };
            }
            else
            {
                reader.SkipIsZero(wire);
            }
        }

        return (key, value);
    }

    // metav1.Time {seconds = 1, nanos = 2}: JSON is RFC 3339 at second precision; zero is omitted.
    private static JsonValue? Time(ReadOnlySpan<byte> data, string path)
    {
        var reader = new ProtoReader(data);
        long seconds = 0;
        while (!reader.End)
        {
            var (number, wire) = reader.ReadTag();
            if (number == 1)
            {
                Expect(wire, ProtoReader.Varint, path);
                seconds = unchecked((long)reader.ReadVarint());
            }
            else
            {
                reader.SkipIsZero(wire);
            }
        }

        if (seconds == 0)
        {
            return null;
        }

        if (seconds < -62135596800 || seconds > 253402300799)
        {
            throw new ProtoFormatException($"{path}: time {seconds} is out of range");
        }

        return JsonValue.Create(DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
    }

    // intstr.IntOrString {type = 1 (0 int, 1 string), intVal = 2, strVal = 3}.
    private static JsonValue IntOrString(ReadOnlySpan<byte> data, string path)
    {
        var reader = new ProtoReader(data);
        long type = 0;
        var intVal = 0;
        var strVal = "";
        while (!reader.End)
        {
            var (number, wire) = reader.ReadTag();
            switch (number)
            {
                case 1:
                    Expect(wire, ProtoReader.Varint, path);
                    type = unchecked((long)reader.ReadVarint());
                    break;
                case 2:
                    Expect(wire, ProtoReader.Varint, path);
                    intVal = unchecked((int)reader.ReadVarint());
                    break;
                case 3:
                    Expect(wire, ProtoReader.LengthDelimited, path);
                    strVal = Utf8(reader.ReadLengthDelimited(), path);
                    break;
                default:
                    reader.SkipIsZero(wire);
                    break;
            }
        }

        return type == 1 ? JsonValue.Create(strVal) : JsonValue.Create(intVal);
    }

    // resource.Quantity {string = 1}.
    private static string Quantity(ReadOnlySpan<byte> data, string path)
    {
        var reader = new ProtoReader(data);
        var text = "";
        while (!reader.End)
        {
            var (number, wire) = reader.ReadTag();
            if (number == 1)
            {
                Expect(wire, ProtoReader.LengthDelimited, path);
                text = Utf8(reader.ReadLengthDelimited(), path);
            }
            else
            {
                reader.SkipIsZero(wire);
            }
        }

        return text;
    }

    private static void Expect(int wire, int expected, string path)
    {
        if (wire != expected)
        {
            throw new ProtoFormatException($"{path}: wire type {wire}, expected {expected}");
        }
    }

    private static string Utf8(ReadOnlySpan<byte> bytes, string path)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new ProtoFormatException($"{path}: string is not valid UTF-8");
        }
    }
}
