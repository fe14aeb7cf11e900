namespace AiOperator.Cli.Tests.Walkthrough;

/// <summary>How the walkthrough test treats one README command.</summary>
internal enum StepKind
{
    /// <summary>The demo: must be the README's first command; its run is CI's (about 3 minutes), here only `aiop demo --help`.</summary>
    Demo,

    /// <summary>`aiop local`: started by the fixture exactly as written; its printed lines are checked.</summary>
    Local,

    /// <summary>Run as written; exit 0 and stdout containing Expect.</summary>
    Run,

    /// <summary>Run as written; a "no" answer: exit 1 and stdout containing Expect (`kubectl auth can-i` denied).</summary>
    Denied,

    /// <summary>`export NAME=VALUE`: evaluated by the shell, kept for the following commands.</summary>
    Export,

    /// <summary>Runs until stopped (`--watch`): its output must show Expect, then it is stopped.</summary>
    Watch,

    /// <summary>Run with `--dry-run=server`: the API server validates it, nothing changes (Why says why).</summary>
    DryRunServer,

    /// <summary>Not run (Why says why); what it names is checked instead.</summary>
    Validated,
}
