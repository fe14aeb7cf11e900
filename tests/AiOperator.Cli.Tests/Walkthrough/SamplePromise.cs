using System.Text.RegularExpressions;

namespace AiOperator.Cli.Tests.Walkthrough;

/// <summary>
/// What a sample's comment promises on `aiop local --samples`: "# On aiop local --samples: Ready, 2/2 ..."
/// or "...: Succeeded ...", read from the file so the comment and the test cannot drift apart.
/// </summary>
internal sealed partial record SamplePromise(string File, string Kind, string Namespace, string Name, string State, string? Ready)
{
    public static IReadOnlyList<SamplePromise> Read(string folder)
    {
        var promises = new List<SamplePromise>();
        foreach (var file in Directory.GetFiles(folder, "aioperator_*.yaml").Order(StringComparer.Ordinal))
        {
            var text = System.IO.File.ReadAllText(file);
            var name = Path.GetFileName(file);
            var promise = Promise().Match(text);
            Assert.True(promise.Success, $"{name}: no '# On aiop local --samples: Ready|Succeeded' comment saying what it reaches");
            promises.Add(new SamplePromise(
                name,
                Field(text, "kind", name),
                Field(text, "  namespace", name),
                Field(text, "  name", name),
                promise.Groups["state"].Value,
                promise.Groups["ready"].Success ? promise.Groups["ready"].Value : null));
        }

        return promises;
    }

    public string Resource => Kind == "TrainingJob" ? $"tj/{Name}" : $"mdep/{Name}";

    private static string Field(string yaml, string key, string file) =>
        Regex.Match(yaml, $"^{key}: (?<v>\\S+)\\s*$", RegexOptions.Multiline) is { Success: true } m
            ? m.Groups["v"].Value
            : throw new InvalidOperationException($"{file}: no '{key.Trim()}:'");

    [GeneratedRegex(@"^# On aiop local --samples: (?<state>Ready|Succeeded)(, (?<ready>\d+/\d+))?", RegexOptions.Multiline)]
    private static partial Regex Promise();
}
