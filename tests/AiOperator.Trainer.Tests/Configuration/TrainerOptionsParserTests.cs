using AiOperator.Trainer.Configuration;
using Xunit;

namespace AiOperator.Trainer.Tests.Configuration;

public sealed class TrainerOptionsParserTests
{
    private static readonly Dictionary<string, string> Rank0 = new() { ["OUTPUT_PATH"] = "/models/m.onnx" };

    [Fact]
    public void Defaults_are_the_documented_ones()
    {
        var o = TrainerOptionsParser.Parse([], Rank0);

        Assert.Equal(100, o.Epochs);
        Assert.Equal(1, o.Seed);
        Assert.Equal(0.001, o.LearningRate);
        Assert.Equal(0.01, o.WeightDecay);
        Assert.Equal(50, o.CheckpointInterval);
        Assert.Equal((1, 0), (o.Ranks, o.Rank));
        Assert.Equal(29500, o.MasterPort);
        Assert.Null(o.CheckpointDirectory);
        Assert.Equal("/dev/termination-log", o.TerminationMessagePath);
        Assert.False(o.TerminationMessagePathExplicit);
    }

    [Fact]
    public void The_gang_comes_from_the_torchrun_variables_the_controller_injects()
    {
        var o = TrainerOptionsParser.Parse([], new Dictionary<string, string>
        {
            ["WORLD_SIZE"] = "4", ["RANK"] = "3", ["MASTER_ADDR"] = "job-worker-0.job-workers", ["MASTER_PORT"] = "29400",
            ["CHECKPOINT_DIR"] = "/checkpoints", ["OUTPUT_PATH"] = "/models/m.onnx", ["AIOP_TERMINATION_LOG"] = "/tmp/t",
        });

        Assert.Equal((4, 3), (o.Ranks, o.Rank));
        Assert.Equal(("job-worker-0.job-workers", 29400), (o.MasterAddress, o.MasterPort));
        Assert.Equal("/checkpoints", o.CheckpointDirectory);
        Assert.Equal("/tmp/t", o.TerminationMessagePath);
        Assert.True(o.TerminationMessagePathExplicit);
    }

    [Fact]
    public void With_several_gpus_per_pod_the_pod_is_one_rank_and_node_rank_names_it()
    {
        // API.md: WORLD_SIZE = workers x LOCAL_WORLD_SIZE, NODE_RANK = RANK = worker index.
        var o = TrainerOptionsParser.Parse([], new Dictionary<string, string>
        {
            ["WORLD_SIZE"] = "16", ["LOCAL_WORLD_SIZE"] = "8", ["NODE_RANK"] = "1", ["RANK"] = "1", ["MASTER_ADDR"] = "m",
        });

        Assert.Equal((2, 1), (o.Ranks, o.Rank));
    }

    [Fact]
    public void The_local_kubelets_termination_log_wins_over_the_generic_variable()
    {
        var o = TrainerOptionsParser.Parse([], new Dictionary<string, string>(Rank0) { ["TERMINATION_MESSAGE_PATH"] = "/dev/termination-log", ["AIOP_TERMINATION_LOG"] = "/state/pod/termination-log" });

        Assert.Equal("/state/pod/termination-log", o.TerminationMessagePath);
    }

    [Fact]
    public void The_pod_address_of_process_pods_is_read_and_checked()
    {
        Assert.Equal("127.3.0.4", TrainerOptionsParser.Parse([], new Dictionary<string, string>(Rank0) { ["AIOP_POD_IP"] = "127.3.0.4" }).PodAddress);
        Assert.Equal("AIOP_POD_IP 'pod' is invalid: expected an IP address",
            Assert.Throws<OptionsException>(() => TrainerOptionsParser.Parse([], new Dictionary<string, string>(Rank0) { ["AIOP_POD_IP"] = "pod" })).Message);
    }

    [Fact]
    public void Flags_win_over_variables()
    {
        var o = TrainerOptionsParser.Parse(["--epochs", "7", "--seed=9", "--learning-rate", "0.01", "--output-path", "/a.onnx", "--termination-message-path", "/t"],
            new Dictionary<string, string> { ["AIOP_EPOCHS"] = "3", ["AIOP_CHECKPOINT_INTERVAL"] = "5", ["OUTPUT_PATH"] = "/b.onnx", ["TERMINATION_MESSAGE_PATH"] = "/u" });

        Assert.Equal((7, 9, 0.01, 5), (o.Epochs, o.Seed, o.LearningRate, o.CheckpointInterval));
        Assert.Equal(("/a.onnx", "/t"), (o.OutputPath, o.TerminationMessagePath));
    }

    [Theory]
    [InlineData(new[] { "--epochs", "many" }, "--epochs 'many' is invalid: expected an integer from 1 to 1000000")]
    [InlineData(new[] { "--epochs", "0" }, "--epochs '0' is invalid: expected an integer from 1 to 1000000")]
    [InlineData(new[] { "--learning-rate", "NaN" }, "--learning-rate 'NaN' is invalid: expected a number from 1E-09 to 10")]
    [InlineData(new[] { "--weight-decay", "-1" }, "--weight-decay '-1' is invalid: expected a number from 0 to 10")]
    [InlineData(new[] { "--checkpoint-interval", "0" }, "--checkpoint-interval '0' is invalid: expected an integer from 1 to 2147483647")]
    [InlineData(new[] { "--epoch", "3" }, "unknown option --epoch (see --help)")]
    [InlineData(new[] { "--seed" }, "--seed needs a value")]
    [InlineData(new[] { "train.py" }, "unexpected argument 'train.py': options are --name value (see --help)")]
    public void Bad_flags_are_named(string[] args, string message)
    {
        var ex = Assert.Throws<OptionsException>(() => TrainerOptionsParser.Parse(args, Rank0));

        Assert.Equal(message, ex.Message);
    }

    [Theory]
    [InlineData("AIOP_EPOCHS", "ten", "AIOP_EPOCHS 'ten' is invalid: expected an integer from 1 to 1000000")]
    [InlineData("WORLD_SIZE", "two", "WORLD_SIZE 'two' is invalid: expected an integer from 1 to 65536")]
    [InlineData("WORLD_SIZE", "0", "WORLD_SIZE '0' is invalid: expected an integer from 1 to 65536")]
    [InlineData("RANK", "-1", "RANK '-1' is invalid: expected an integer from 0 to 2147483647")]
    [InlineData("MASTER_PORT", "99999", "MASTER_PORT '99999' is invalid: expected an integer from 1 to 65535")]
    [InlineData("LOCAL_WORLD_SIZE", "x", "LOCAL_WORLD_SIZE 'x' is invalid: expected an integer from 1 to 1024")]
    public void Bad_variables_are_named(string variable, string value, string message)
    {
        var env = new Dictionary<string, string>(Rank0) { [variable] = value };

        var ex = Assert.Throws<OptionsException>(() => TrainerOptionsParser.Parse([], env));

        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void Gang_variables_must_agree_with_each_other()
    {
        Assert.Equal("RANK 2 is out of range: the gang has 2 rank(s) (WORLD_SIZE 2 / LOCAL_WORLD_SIZE 1), so ranks are 0..1",
            Fails(new() { ["WORLD_SIZE"] = "2", ["RANK"] = "2", ["MASTER_ADDR"] = "m" }));
        Assert.Equal("NODE_RANK 2 is out of range: the gang has 2 rank(s) (WORLD_SIZE 8 / LOCAL_WORLD_SIZE 4), so ranks are 0..1",
            Fails(new() { ["WORLD_SIZE"] = "8", ["LOCAL_WORLD_SIZE"] = "4", ["NODE_RANK"] = "2", ["RANK"] = "0", ["MASTER_ADDR"] = "m" }));
        Assert.Equal("WORLD_SIZE 6 is not a multiple of LOCAL_WORLD_SIZE 4",
            Fails(new() { ["WORLD_SIZE"] = "6", ["LOCAL_WORLD_SIZE"] = "4", ["MASTER_ADDR"] = "m" }));
        Assert.Equal("MASTER_ADDR is required when the gang has more than one rank (WORLD_SIZE 2)",
            Fails(new() { ["WORLD_SIZE"] = "2", ["RANK"] = "1" }));
        Assert.Equal("MASTER_ADDR 'a b' is invalid: expected a host name or IP address",
            Fails(new() { ["WORLD_SIZE"] = "2", ["RANK"] = "1", ["MASTER_ADDR"] = "a b" }));
        Assert.Equal("OUTPUT_PATH (or --output-path) is required on rank 0: it is where the trained model is written",
            Fails([]));
    }

    [Fact]
    public void Ranks_other_than_0_need_no_output_path()
    {
        var o = TrainerOptionsParser.Parse([], new Dictionary<string, string> { ["WORLD_SIZE"] = "2", ["RANK"] = "1", ["MASTER_ADDR"] = "127.0.0.1" });

        Assert.Null(o.OutputPath);
    }

    [Fact]
    public void Help_is_recognised_anywhere()
    {
        Assert.True(TrainerOptionsParser.WantsHelp(["--epochs", "3", "--help"]));
        Assert.True(TrainerOptionsParser.WantsHelp(["-h"]));
        Assert.False(TrainerOptionsParser.WantsHelp(["--epochs", "3"]));
    }

    private static string Fails(Dictionary<string, string> env) =>
        Assert.Throws<OptionsException>(() => TrainerOptionsParser.Parse([], env)).Message;
}
