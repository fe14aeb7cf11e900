using Xunit;

namespace AiOperator.LocalCluster.Tests.Simulation;

using AiOperator.LocalCluster.Simulation;

public sealed class ProjectImagesTests
{
    [Fact]
    public void Folder_or_dll_paths_map_to_dotnet_commands()
    {
        var dir = Directory.CreateTempSubdirectory("aiop-images-");
        try
        {
            var dll = Path.Combine(dir.FullName, "aiop-model-server.dll");
            File.WriteAllText(dll, string.Empty);

            var images = ProjectImages.Resolve(dir.FullName, null);

            Assert.Equal(new ProcessImage("dotnet", [dll]).Command, images[ProjectImages.ModelServerRepository].Command);
            Assert.Equal([dll], images[ProjectImages.ModelServerRepository].Args);
            Assert.Null(images[ProjectImages.ModelServerRepository].Unavailable);
            Assert.Equal([dll], ProjectImages.Image(dll, "aiop-model-server.dll", "--x", "X").Args);
            Assert.Contains("--trainer-path", images[ProjectImages.TrainerRepository].Unavailable, StringComparison.Ordinal);
            Assert.Contains("does not exist", ProjectImages.Image(Path.Combine(dir.FullName, "nope"), "a.dll", "--x", "X").Unavailable, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
