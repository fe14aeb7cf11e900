using System.Text.Json;

namespace AiOperator.LocalCluster.ApiServer.Schema;

// System.Text.Json keeps the last of two equal keys silently; Strict validation needs to see them,
// so the raw body is scanned once with a reader.
internal static class DuplicateFieldScanner
{
    public static IReadOnlyList<string> Scan(ReadOnlySpan<byte> json)
    {
        var duplicates = new List<string>();
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 256 });
        var frames = new Stack<Frame>();
        string? pendingName = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        frames.Push(new Frame(ChildPath(frames, pendingName), new HashSet<string>(StringComparer.Ordinal), false));
                        pendingName = null;
                        break;
                    case JsonTokenType.StartArray:
                        frames.Push(new Frame(ChildPath(frames, pendingName), null, true));
                        pendingName = null;
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        frames.Pop();
                        Advance(frames);
                        break;
                    case JsonTokenType.PropertyName:
                        var name = reader.GetString() ?? "";
                        var frame = frames.Peek();
                        if (!frame.Keys!.Add(name))
                        {
                            duplicates.Add(frame.Path.Length == 0 ? name : $"{frame.Path}.{name}");
                        }

                        pendingName = name;
                        break;
                    default:
                        pendingName = null;
                        Advance(frames);
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // Malformed JSON is reported by the parser that runs next, with its own message.
        }

        return duplicates;
    }

    private static string ChildPath(Stack<Frame> frames, string? pendingName)
    {
        if (frames.Count == 0)
        {
            return "";
        }

        var parent = frames.Peek();
        if (parent.IsArray)
        {
            return $"{parent.Path}[{parent.Index}]";
        }

        return parent.Path.Length == 0 ? pendingName ?? "" : $"{parent.Path}.{pendingName}";
    }

    private static void Advance(Stack<Frame> frames)
    {
        if (frames.Count > 0 && frames.Peek().IsArray)
        {
            frames.Peek().Index++;
        }
    }

    private sealed class Frame(string path, HashSet<string>? keys, bool isArray)
    {
        public string Path { get; } = path;

        public HashSet<string>? Keys { get; } = keys;

        public bool IsArray { get; } = isArray;

        public int Index { get; set; }
    }
}
