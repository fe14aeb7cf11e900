using System.CommandLine;
using System.Text.Json.Nodes;
using AiOperator.Api.V1Alpha1;
using k8s.Models;
using Spectre.Console;

namespace AiOperator.Cli.Admin;

/// <summary>
/// `aiop promote|abort|rollback|pause|resume NAME`: each checks what it can against the object's status,
/// then writes only what a user could write by hand (an annotation the operator acts on, or spec.paused).
/// </summary>
internal static class RolloutCommands
{
    public static IEnumerable<Command> Create(IAnsiConsole console, TextWriter error)
    {
        var full = new Option<bool>("--full") { Description = "Skip every remaining step, not just the current pause" };
        yield return Action(console, error, "promote", "Advance a canary past its current pause (--full: promote it now)", [full],
            (md, result) => (RolloutIntent.Promote(md, result.GetValue(full)), result.GetValue(full) ? "promotion to full requested" : "promotion past the current step requested"));
        yield return Action(console, error, "abort", "Roll a running canary back now, as a failed analysis would", [],
            (md, _) => (RolloutIntent.Abort(md), "abort requested"));
        var to = new Option<string>("--to") { Description = "A revision from status.revisions", Required = true };
        yield return Action(console, error, "rollback", "Roll back to a revision still in the history", [to],
            (md, result) => (RolloutIntent.RollbackTo(md, result.GetValue(to)!), $"rollback to {result.GetValue(to)} requested"));
        yield return Action(console, error, "pause", "Freeze rollout and autoscaling decisions (spec.paused: true)", [],
            (_, _) => (RolloutIntent.Pause(true), "paused"));
        yield return Action(console, error, "resume", "Unfreeze rollout and autoscaling decisions (spec.paused: false)", [],
            (_, _) => (RolloutIntent.Pause(false), "resumed"));
    }

    private static Command Action(IAnsiConsole console, TextWriter error, string name, string description, Option[] options,
        Func<ModelDeployment, ParseResult, (JsonObject Patch, string Done)> intent)
    {
        var flags = new ClusterFlags();
        var target = new Argument<string>("NAME") { Description = "ModelDeployment name" };
        var command = new Command(name, description) { target };
        foreach (var option in options)
        {
            command.Options.Add(option);
        }

        flags.AddTo(command);
        command.SetAction(async (result, ct) => await AdminAction.RunAsync(console, error, async () =>
        {
            using var connection = flags.Connect(result);
            var mdName = result.GetValue(target)!;
            var md = await GetCommand.GetAsync<ModelDeployment>(connection.ModelDeployments, connection.Namespace, mdName, "ModelDeployment", ct);
            var (patch, done) = intent(md, result);
            await connection.ModelDeployments.PatchNamespacedAsync<ModelDeployment>(
                new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), connection.Namespace, mdName, ct);
            console.MarkupLine($"modeldeployment.aioperator.dev/{Markup.Escape(mdName)} {Markup.Escape(done)}");
        }));
        return command;
    }
}
