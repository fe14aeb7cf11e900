using System.Text;
using System.Text.RegularExpressions;

namespace AiOperator.Cli.Tests.Walkthrough;

/// <summary>
/// The commands of a README's ```sh blocks, one per shell command: `\` continuations joined, a here-document
/// kept with its command, comment lines dropped and trailing `# comments` removed.
/// </summary>
internal static partial class ReadmeCommands
{
    public static IReadOnlyList<string> Parse(string markdown)
    {
        var commands = new List<string>();
        var inBlock = false;
        var current = new StringBuilder();
        string? heredocEnd = null;
        foreach (var raw in markdown.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (!inBlock)
            {
                inBlock = line.Trim() is "```sh" or "```bash";
                continue;
            }

            if (heredocEnd is not null)
            {
                current.Append('\n').Append(line);
                if (line == heredocEnd)
                {
                    heredocEnd = null;
                    commands.Add(current.ToString());
                    current.Clear();
                }

                continue;
            }

            if (line.Trim() == "```")
            {
                Assert.True(current.Length == 0, $"a README code block ends inside a command: {current}");
                inBlock = false;
                continue;
            }

            if (line.TrimStart().StartsWith('#') || (current.Length == 0 && string.IsNullOrWhiteSpace(line)))
            {
                continue;
            }

            var text = TrailingComment().Replace(line, "");
            if (text.EndsWith('\\'))
            {
                current.Append(text[..^1].TrimEnd()).Append(' ');
                continue;
            }

            current.Append(text.Trim());
            if (Heredoc().Match(text) is { Success: true } heredoc)
            {
                heredocEnd = heredoc.Groups["end"].Value;
                continue;
            }

            commands.Add(current.ToString().Trim());
            current.Clear();
        }

        Assert.False(inBlock, "a README code block is not closed");
        return commands;
    }

    // "  # ..." after a command; a '#' inside a word or a quoted string (`'#!/bin/sh'`) is not preceded by blanks.
    [GeneratedRegex(@"\s+#\s.*$")]
    private static partial Regex TrailingComment();

    [GeneratedRegex(@"<<-?\s*'?(?<end>[A-Za-z_]+)'?\s*$")]
    private static partial Regex Heredoc();
}
