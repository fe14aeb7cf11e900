using System.Globalization;
using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Json;
using AiOperator.LocalCluster.ApiServer.Schema;

namespace AiOperator.LocalCluster.ApiServer.Storage;

// What kube-apiserver's validateProbe and validateHandler (k8s.io/kubernetes/pkg/apis/core/validation) refuse in
// a container's liveness, readiness and startup probes: exactly one handler, each handler's own required fields
// and ports, no negative timings, a success threshold of 1 where only 1 makes sense. Runs after defaulting.
internal static class ProbeValidation
{
    private static readonly string[] Handlers = ["exec", "httpGet", "tcpSocket", "grpc"];
    private static readonly string[] Timings = ["initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"];

    public static void Check(JsonObject? container, string at, List<FieldError> errors)
    {
        foreach (var kind in new[] { "livenessProbe", "readinessProbe", "startupProbe" })
        {
            if (container.Obj(kind) is not { } probe)
            {
                continue;
            }

            var path = $"{at}.{kind}";
            Handler(probe, path, errors);
            foreach (var timing in Timings)
            {
                if (probe.Long(timing) is < 0 and var value)
                {
                    errors.Add(FieldError.Invalid($"{path}.{timing}", value.ToString(CultureInfo.InvariantCulture), "must be greater than or equal to 0"));
                }
            }

            if (probe.Long("terminationGracePeriodSeconds") is { } grace)
            {
                if (kind == "readinessProbe")
                {
                    errors.Add(FieldError.Invalid($"{path}.terminationGracePeriodSeconds", grace.ToString(CultureInfo.InvariantCulture), "must not be set for readinessProbes"));
                }
                else if (grace <= 0)
                {
                    errors.Add(FieldError.Invalid($"{path}.terminationGracePeriodSeconds", grace.ToString(CultureInfo.InvariantCulture), "must be greater than 0"));
                }
            }

            // A liveness or startup probe acts on the first success; only readiness may ask for several in a row.
            if (kind != "readinessProbe" && probe.Long("successThreshold") is { } success && success != 1)
            {
                errors.Add(FieldError.Invalid($"{path}.successThreshold", success.ToString(CultureInfo.InvariantCulture), "must be 1"));
            }
        }
    }

    private static void Handler(JsonObject probe, string at, List<FieldError> errors)
    {
        var count = 0;
        foreach (var kind in Handlers)
        {
            if (probe[kind] is not JsonObject handler)
            {
                continue;
            }

            var path = $"{at}.{kind}";
            if (count++ > 0)
            {
                errors.Add(FieldError.Forbidden(path, "may not specify more than 1 handler type"));
                continue;
            }

            switch (kind)
            {
                case "exec" when handler.Arr("command") is null or { Count: 0 }:
                    errors.Add(FieldError.Required($"{path}.command"));
                    break;
                case "httpGet":
                    if (string.IsNullOrEmpty(handler.Str("path")))
                    {
                        errors.Add(FieldError.Required($"{path}.path"));
                    }

                    PortNumberOrName(handler["port"], $"{path}.port", errors);
                    if (handler.Str("scheme") is { } scheme && scheme is not ("HTTP" or "HTTPS"))
                    {
                        errors.Add(FieldError.NotSupported($"{path}.scheme", PodSpecValidation.Quote(scheme), ["\"HTTP\"", "\"HTTPS\""]));
                    }

                    break;
                case "tcpSocket":
                    PortNumberOrName(handler["port"], $"{path}.port", errors);
                    break;
                case "grpc":
                    PodSpecValidation.PortNumber(handler.Long("port"), $"{path}.port", errors);
                    break;
            }
        }

        if (count == 0)
        {
            errors.Add(FieldError.Required(at, "must specify a handler type"));
        }
    }

    // ValidatePortNumOrName: a number in 1-65535 or an IANA service name (what a container port may be named).
    private static void PortNumberOrName(JsonNode? port, string at, List<FieldError> errors)
    {
        if (port is JsonValue value && value.TryGetValue<string>(out var name))
        {
            if (name.Length == 0)
            {
                errors.Add(FieldError.Required(at));
                return;
            }

            errors.AddRange(Dns1123.PortNameErrors(name).Select(message => FieldError.Invalid(at, PodSpecValidation.Quote(name), message)));
            return;
        }

        PodSpecValidation.PortNumber(JsonTree.AsLong(port), at, errors);
    }
}
