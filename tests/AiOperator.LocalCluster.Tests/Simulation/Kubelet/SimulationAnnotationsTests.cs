using Xunit;

namespace AiOperator.LocalCluster.Tests.Simulation.Kubelet;

using AiOperator.LocalCluster.Simulation.Kubelet;

public sealed class SimulationAnnotationsTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("2s", 2000)]
    [InlineData("1m30s", 90000)]
    [InlineData("1.5s", 1500)]
    public void Durations_parse_like_go(string text, int ms)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(ms), SimulationAnnotations.Duration("k", text));
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("5")]
    [InlineData("")]
    [InlineData("3d")]
    public void Bad_durations_name_the_annotation(string text)
    {
        var ex = Assert.Throws<FormatException>(() => SimulationAnnotations.Duration("sim.aioperator.dev/exit-after", text));
        Assert.Contains("sim.aioperator.dev/exit-after", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Annotations_override_the_image_behaviour()
    {
        var result = SimulationAnnotations.Apply(new SimulatedContainer(), new Dictionary<string, string>
        {
            ["sim.aioperator.dev/exit-after"] = "2s",
            ["sim.aioperator.dev/exit-code"] = "137",
            ["sim.aioperator.dev/reason"] = "OOMKilled",
            ["other/annotation"] = "ignored",
        });

        Assert.Equal((TimeSpan.FromSeconds(2), 137, "OOMKilled"), (result.ExitAfter, result.ExitCode, result.Reason));
        Assert.Throws<FormatException>(() => SimulationAnnotations.Apply(new SimulatedContainer(), new Dictionary<string, string> { ["sim.aioperator.dev/exit-code"] = "300" }));
        Assert.Throws<FormatException>(() => SimulationAnnotations.Apply(new SimulatedContainer(), new Dictionary<string, string> { ["sim.aioperator.dev/typo"] = "1" }));
    }

    [Theory]
    [InlineData("ghcr.io/aioperator/model-server:1.2", "ghcr.io/aioperator/model-server")]
    [InlineData("localhost:5000/team/app", "localhost:5000/team/app")]
    [InlineData("localhost:5000/team/app:v1@sha256:abc", "localhost:5000/team/app")]
    [InlineData("busybox", "busybox")]
    public void Image_repository_drops_tag_and_digest(string image, string repository)
    {
        Assert.Equal(repository, ImageReference.Repository(image));
    }
}
