using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Schema;
using AiOperator.LocalCluster.ApiServer.Storage;

namespace AiOperator.LocalCluster.Tests.ApiServer.Storage;

// A built-in object defaulted then validated, as a write prepares it: the error lines kube would print.
public static class ValidationErrors
{
    public static List<string> Of(string storeKey, string json)
    {
        var obj = JsonNode.Parse(json)!.AsObject();
        BuiltinDefaults.Apply(storeKey, obj);
        var errors = new List<FieldError>();
        BuiltinValidation.Check(storeKey, obj, errors);
        return errors.Select(e => e.ToString()).ToList();
    }
}
