using System.Text;
using System.Text.Json;

namespace AiOperator.LocalCluster.ApiServer.Schema;

// System.Text.Json keeps the last of two equal keys silently; Strict validation needs to see them,
// so the raw body is scanned once with a reader. Every write runs this, so the common case (no
// duplicate) allocates almost nothing: names are compared as slices of the body, a set is made only
// for an object with many names, and a field path is spelled out only for a duplicate.
internal static class DuplicateFieldScanner
{
    // Past this many names an object's names go into a set; below it a linear scan is cheaper.
    private const int LinearLimit = 16;

    public static IReadOnlyList<string> Scan(ReadOnlySpan<byte> json)
    {
        List<string>? duplicates = null;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 256 });
        var frames = new List<Frame>();
        var depth = 0;
        var names = new List<Name>();
        Name pending = default;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        if (depth == frames.Count)
                        {
                            frames.Add(new Frame());
                        }

                        frames[depth++].Reset(reader.TokenType == JsonTokenType.StartArray, pending, names.Count);
                        pending = default;
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        var closed = frames[--depth];
                        names.RemoveRange(closed.NamesStart, names.Count - closed.NamesStart);
                        Advance(frames, depth);
                        break;
                    case JsonTokenType.PropertyName:
                        var name = reader.ValueIsEscaped
                            ? new Name(0, 0, reader.GetString())
                            : new Name((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length, null);
                        if (!Add(frames[depth - 1], names, name, json))
                        {
                            (duplicates ??= []).Add(PathOf(frames, depth, name, json));
                        }

                        pending = name;
                        break;
                    default:
                        pending = default;
                        Advance(frames, depth);
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // Malformed JSON is reported by the parser that runs next, with its own message.
        }

        return duplicates ?? (IReadOnlyList<string>)[];
    }

    // False when the object already has this name.
    private static bool Add(Frame frame, List<Name> names, Name name, ReadOnlySpan<byte> json)
    {
        if (frame.Set is not null)
        {
            return frame.Set.Add(name.Text(json));
        }

        for (var i = frame.NamesStart; i < names.Count; i++)
        {
            if (names[i].SameAs(name, json))
            {
                return false;
            }
        }

        names.Add(name);
        if (names.Count - frame.NamesStart > LinearLimit)
        {
            frame.Set = new HashSet<string>(StringComparer.Ordinal);
            for (var i = frame.NamesStart; i < names.Count; i++)
            {
                frame.Set.Add(names[i].Text(json));
            }
        }

        return true;
    }

    private static void Advance(List<Frame> frames, int depth)
    {
        if (depth > 0 && frames[depth - 1].IsArray)
        {
            frames[depth - 1].Index++;
        }
    }

    // "a.b[2].c": the names and indexes from the root to the duplicate.
    private static string PathOf(List<Frame> frames, int depth, Name name, ReadOnlySpan<byte> json)
    {
        var path = new StringBuilder();
        for (var i = 1; i < depth; i++)
        {
            if (frames[i - 1].IsArray)
            {
                path.Append('[').Append(frames[i - 1].Index).Append(']');
            }
            else
            {
                path.Append(path.Length == 0 ? "" : ".").Append(frames[i].Key.Text(json));
            }
        }

        return path.Length == 0 ? name.Text(json) : path.Append('.').Append(name.Text(json)).ToString();
    }

    // A property name: a slice of the body, or its unescaped text when the body escapes it.
    private readonly record struct Name(int Start, int Length, string? Escaped)
    {
        public string Text(ReadOnlySpan<byte> json) => Escaped ?? Encoding.UTF8.GetString(json.Slice(Start, Length));

        public bool SameAs(Name other, ReadOnlySpan<byte> json) =>
            Escaped is null && other.Escaped is null
                ? json.Slice(Start, Length).SequenceEqual(json.Slice(other.Start, other.Length))
                : Text(json) == other.Text(json);
    }

    // One open object or array; instances are reused by depth.
    private sealed class Frame
    {
        public bool IsArray { get; private set; }

        public int Index { get; set; }

        public int NamesStart { get; private set; }

        // The name this frame sits under in its parent object.
        public Name Key { get; private set; }

        public HashSet<string>? Set { get; set; }

        public void Reset(bool isArray, Name key, int namesStart)
        {
            IsArray = isArray;
            Index = 0;
            NamesStart = namesStart;
            Key = key;
            Set = null;
        }
    }
}
