using System.Globalization;
using k8s.Models;

namespace AiOperator.Cli.Admin;

/// <summary>One pod as the views show it: name, readiness, phase and why it is not running.</summary>
internal static class PodLine
{
    public static bool IsReady(V1Pod pod) =>
        pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    public static string Describe(V1Pod pod)
    {
        var ready = IsReady(pod) ? "[green]ready[/]" : "[yellow]not ready[/]";
        var phase = pod.Status?.Phase ?? "Pending";
        var restarts = pod.Status?.ContainerStatuses?.Sum(c => c.RestartCount) ?? 0;
        var waiting = pod.Status?.ContainerStatuses?.Select(c => c.State?.Waiting?.Reason ?? c.State?.Terminated?.Reason).FirstOrDefault(r => r is not null);
        var unscheduled = pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled" && c.Status == "False")?.Message;
        var detail = waiting ?? unscheduled;
        return string.Create(CultureInfo.InvariantCulture,
            $"pod {Markup(pod.Metadata.Name)}  {ready}  {phase}{(restarts > 0 ? $"  restarts {restarts}" : "")}{(detail is null ? "" : $"  ({Markup(detail)})")}");
    }

    public static string Markup(string? text) => Spectre.Console.Markup.Escape(text ?? "");
}
