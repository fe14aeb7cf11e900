namespace AiOperator.LocalCluster.ApiServer.Resources;

internal sealed record PrinterColumn(string Name, string Type, string JsonPath, int Priority = 0, string Description = "", string Format = "");
