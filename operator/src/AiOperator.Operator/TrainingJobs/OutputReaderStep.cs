namespace AiOperator.Operator.TrainingJobs;

/// <summary>What to do about the output reader while every worker has exited 0 and rank 0 reported nothing.</summary>
internal enum OutputReaderStep
{
    /// <summary>No reader pod yet: create it.</summary>
    Create,

    /// <summary>The reader is pending or running (or being deleted before a read): wait for it.</summary>
    Wait,

    /// <summary>The reader reported: keep the report in status and delete the pod.</summary>
    Record,

    /// <summary>The report is in status and the pod is being deleted: wait until it is gone.</summary>
    WaitGone,

    /// <summary>The report is in status and the pod is gone: the job succeeded.</summary>
    Succeed,

    /// <summary>The reader failed, reported garbage or did not finish in time: the job failed.</summary>
    Fail,
}
