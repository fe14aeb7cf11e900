namespace AiOperator.Cli.Tests.Walkthrough;

public sealed class ReadmeCommandsTests
{
    [Fact]
    public void Commands_are_split_with_continuations_heredocs_and_comments_handled()
    {
        const string markdown = """
            Text with `inline` code.

            ```sh
            # a comment line
            export A=$PWD/x
            helm install a b \
              --set c=d          # trailing comment
            printf '#!/bin/sh\n' > f
            kubectl apply -f - <<'YAML'
            kind: Namespace
            # not a comment: YAML
            YAML
            ```

            ```json
            { "ignored": true }
            ```
            """;

        var commands = ReadmeCommands.Parse(markdown);

        Assert.Equal(
            ["export A=$PWD/x", "helm install a b --set c=d", "printf '#!/bin/sh\\n' > f", "kubectl apply -f - <<'YAML'\nkind: Namespace\n# not a comment: YAML\nYAML"],
            commands);
    }

    [Fact]
    public void An_unclosed_block_fails()
    {
        Assert.ThrowsAny<Exception>(() => ReadmeCommands.Parse("```sh\nls\n"));
    }
}
