using WildlifeWatch.DemoMarketplace;

namespace WildlifeWatch.Cli.Commands;

/// <summary><c>pipeline demo</c>: the demo marketplace on its own, for the distributed services to crawl.</summary>
internal static class DemoCommand
{
    public static readonly IReadOnlySet<string> Options = new HashSet<string>(StringComparer.Ordinal) { "port" };

    public static async Task<int> ExecuteAsync(CommandLine line, CancellationToken ct)
    {
        var port = line.Int("port", 0, 65535) ?? 5080;
        await using var demo = await DemoMarketplaceServer.StartAsync(new DemoMarketplaceOptions { Port = port }, ct);
        Console.WriteLine($"Demo marketplace on {demo.BaseUrl} ({demo.GroundTruth.Count} listings; ground truth {GroundTruth.DefaultPath}). Ctrl+C stops.");
        try
        {
            await Task.Delay(Timeout.Infinite, ct);
        }
        catch (OperationCanceledException)
        {
        }

        return ExitCodes.Ok;
    }
}
