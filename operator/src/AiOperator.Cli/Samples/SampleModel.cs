namespace AiOperator.Cli.Samples;

/// <summary>One model file of config/samples: its path under the pvcs root (namespace/claim/path) and its writer (target, ResNet18 source).</summary>
internal sealed record SampleModel(string RelativePath, Action<string, string> Write);
