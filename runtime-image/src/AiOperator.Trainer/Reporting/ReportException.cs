namespace AiOperator.Trainer.Reporting;

/// <summary>The output cannot be reported: the message names the file and what is wrong with it.</summary>
internal sealed class ReportException(string message) : Exception(message);
