using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Json;
using AiOperator.LocalCluster.ApiServer.Schema;

namespace AiOperator.LocalCluster.ApiServer.Storage;

// What kube-apiserver's ValidateService refuses in a Service's type and ports (after defaulting,
// so protocol and targetPort are set): port numbers in range, port names that can be told apart.
internal static class ServiceValidation
{
    public static void Check(JsonObject? spec, List<FieldError> errors)
    {
        var type = spec.Str("type") ?? "";
        if (type is not ("ClusterIP" or "NodePort" or "LoadBalancer" or "ExternalName"))
        {
            errors.Add(FieldError.NotSupported("spec.type", PodSpecValidation.Quote(type), ["\"ClusterIP\"", "\"ExternalName\"", "\"LoadBalancer\"", "\"NodePort\""]));
        }

        if (type == "ExternalName" && string.IsNullOrEmpty(spec.Str("externalName")))
        {
            errors.Add(FieldError.Required("spec.externalName"));
        }

        var ports = spec.Arr("ports") ?? [];
        var headless = spec.Str("clusterIP") == "None";
        if (ports.Count == 0 && !headless && type != "ExternalName")
        {
            errors.Add(FieldError.Required("spec.ports"));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ports.Count; i++)
        {
            Port(ports[i], $"spec.ports[{i}]", ports.Count > 1, names, errors);
            if (type == "ClusterIP" && (ports[i].Long("nodePort") ?? 0) != 0)
            {
                errors.Add(FieldError.Forbidden($"spec.ports[{i}].nodePort", "may not be used when `type` is 'ClusterIP'"));
            }
        }
    }

    private static void Port(JsonNode? port, string at, bool requireName, HashSet<string> names, List<FieldError> errors)
    {
        var name = port.Str("name") ?? "";
        if (requireName && name.Length == 0)
        {
            errors.Add(FieldError.Required($"{at}.name"));
        }
        else if (name.Length > 0)
        {
            errors.AddRange(Dns1123.LabelErrors(name).Select(message => FieldError.Invalid($"{at}.name", PodSpecValidation.Quote(name), message)));
            if (!names.Add(name))
            {
                errors.Add(FieldError.Duplicate($"{at}.name", PodSpecValidation.Quote(name)));
            }
        }

        PodSpecValidation.PortNumber(port.Long("port"), $"{at}.port", errors);
        if (port.Str("protocol") is { } protocol and not ("TCP" or "UDP" or "SCTP"))
        {
            errors.Add(FieldError.NotSupported($"{at}.protocol", PodSpecValidation.Quote(protocol), ["\"SCTP\"", "\"TCP\"", "\"UDP\""]));
        }

        // ValidatePortNumOrName: a number is a port, a string an IANA service name.
        switch (port?["targetPort"])
        {
            case JsonValue target when JsonTree.AsLong(target) is { } number:
                PodSpecValidation.PortNumber(number, $"{at}.targetPort", errors);
                break;
            case JsonValue target when JsonTree.AsString(target) is { } text:
                errors.AddRange(Dns1123.PortNameErrors(text).Select(message => FieldError.Invalid($"{at}.targetPort", PodSpecValidation.Quote(text), message)));
                break;
        }

        if (port.Long("nodePort") is { } nodePort and not 0)
        {
            PodSpecValidation.PortNumber(nodePort, $"{at}.nodePort", errors);
        }
    }
}
