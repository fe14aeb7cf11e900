using System.CommandLine;
using AiOperator.Api.Crds;

namespace AiOperator.Cli.Commands;

/// <summary><c>aiop crds</c>: writes the CRD manifests generated from the API types.</summary>
internal static class CrdsCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--output", "-o")
        {
            Description = "Folder to write the CRD YAML files into",
            DefaultValueFactory = _ => "crds",
        };
        var copyTo = new Option<string[]>("--copy-to")
        {
            Description = "More folders that carry identical copies (config/crd/bases, charts/ai-operator/crds)",
            AllowMultipleArgumentsPerToken = true,
        };

        var reference = new Option<string>("--api-reference")
        {
            Description = "The API reference whose field tables are regenerated too (skipped when the file does not exist)",
            DefaultValueFactory = _ => Path.Combine("docs", "api.md"),
        };

        var command = new Command("crds", "Generate the CustomResourceDefinitions (and the API reference's field tables) from the C# API types") { output, copyTo, reference };
        command.SetAction(result =>
        {
            var folders = new List<string> { result.GetValue(output)! };
            folders.AddRange(result.GetValue(copyTo) ?? []);
            foreach (var file in CrdGenerator.WriteAll(folders))
            {
                Console.WriteLine($"wrote {file}");
            }

            if (result.GetValue(reference) is { } doc && File.Exists(doc))
            {
                File.WriteAllText(doc, ApiReference.Update(File.ReadAllText(doc)));
                Console.WriteLine($"wrote {doc}");
            }

            return 0;
        });
        return command;
    }
}
