namespace WildlifeWatch.EndToEnd.Tests.Infrastructure;

/// <summary>Where the built services are: the tests run the same binaries an operator runs.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>The build configuration of this test assembly (Debug or Release); the services are built with it.</summary>
    public static string Configuration { get; } =
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent is { Name: var name, Parent.Name: "bin" } ? name : "Debug";

    public static string ServiceDll(string project, string? assembly = null)
    {
        var path = Path.Combine(Root, "services", project, "bin", Configuration, "net10.0", (assembly ?? project) + ".dll");
        if (!File.Exists(path))
        {
            Assert.Fail($"{path} is not built; run 'make build' (or dotnet build Pipeline.sln -c {Configuration}) first.");
        }

        return path;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Pipeline.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Pipeline.sln not found above " + AppContext.BaseDirectory);
    }
}
