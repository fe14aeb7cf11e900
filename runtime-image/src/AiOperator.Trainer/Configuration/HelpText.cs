namespace AiOperator.Trainer.Configuration;

/// <summary>What --help prints: every flag, the variable that can carry it, and the gang variables read.</summary>
internal static class HelpText
{
    public const string Text = """
        aiop-trainer: the example TrainingJob workload. Trains a 2-5-2 ReLU/softmax network on a generated,
        seeded 2-class data set (100 samples: 80 train, 20 validation), data-parallel across the gang, and
        writes the model as ONNX with validation.json and metrics.json beside it.

        Options (flag, or the variable in brackets; flags win):
          --epochs N                       passes over the training set (AIOP_EPOCHS; default 100)
          --seed N                         data set, initial weights and shuffling (AIOP_SEED; default 1)
          --learning-rate X                Adam step size (AIOP_LEARNING_RATE; default 0.001)
          --weight-decay X                 L2 penalty added to the gradient (AIOP_WEIGHT_DECAY; default 0.01)
          --checkpoint-interval N          optimizer steps between checkpoints (AIOP_CHECKPOINT_INTERVAL; default 50)
          --checkpoint-dir DIR             where rank 0 keeps the checkpoint and resumes from (CHECKPOINT_DIR; none: no checkpoints)
          --output-path FILE               the ONNX model rank 0 writes; validation.json and metrics.json go beside it
                                           (OUTPUT_PATH; required on rank 0)
          --termination-message-path FILE  rank 0's JSON report, or a failure's reason (AIOP_TERMINATION_LOG, else
                                           TERMINATION_MESSAGE_PATH; default /dev/termination-log when it exists)
          --rendezvous-timeout-seconds N   how long ranks wait for each other at start (AIOP_RENDEZVOUS_TIMEOUT_SECONDS; default 300)
          --peer-timeout-seconds N         a silent peer counts as lost after this (AIOP_PEER_TIMEOUT_SECONDS; default 60)
          --step-delay-ms N                pause after each step, for demos that interrupt a run (AIOP_STEP_DELAY_MS; default 0)
          --help                           this text

        Gang (set by the TrainingJob controller, torchrun-style):
          WORLD_SIZE, LOCAL_WORLD_SIZE     one process per pod: the gang has WORLD_SIZE / LOCAL_WORLD_SIZE ranks (default 1 / 1)
          NODE_RANK (else RANK)            this pod's rank; rank 0 listens for the others
          MASTER_ADDR, MASTER_PORT         rank 0's address (required with more than one rank) and port (default 29500);
                                           rank 0 listens on MASTER_ADDR if it is an IP address, else on AIOP_POD_IP
                                           if set, else on all interfaces

        Exit codes: 0 done; 1 a file could not be read or written (or a bug); 2 bad options, environment or checkpoint;
        200 the gang broke (a peer was lost or never came), so the whole gang should be restarted.

        aiop-trainer report --output FILE: reports a finished model (sha256, metrics.json) in the termination message,
        for the TrainingJob's output reader pod; see report --help.
        """;
}
