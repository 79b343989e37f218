using System.Globalization;
using System.Text.Json;
using WildlifeWatch.Classifier;
using WildlifeWatch.Detection;

namespace WildlifeWatch.Cli.Commands;

/// <summary><c>pipeline label-queue</c>: the unlabeled listings whose labels would help the model most, best first.</summary>
internal static class LabelQueueCommand
{
    public static readonly IReadOnlySet<string> Options = new HashSet<string>(StringComparer.Ordinal) { "limit", "json", "db" };

    public static async Task<int> ExecuteAsync(CommandLine line, CancellationToken ct)
    {
        var limit = line.Int("limit", 1, 100_000) ?? 50;
        await using var access = await StoreAccess.OpenAsync(line, ct);
        var training = await TrainingSet.GatherAsync(TrainingData.LoadDefault(), access.Store, ct);
        var queue = await new LabelQueue(training.Select(r => r.Listing)).BuildAsync(access.Store, limit, ct);
        if (line.Flag("json"))
        {
            foreach (var c in queue)
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    id = c.ListingId, url = c.Url, title = c.Title, score = c.Score, modelVersion = c.ModelVersion,
                    uncertainty = Math.Round(c.Uncertainty, 4), newTerms = c.NewTerms, priority = Math.Round(c.Priority, 4),
                }));
            }

            return ExitCodes.Ok;
        }

        Console.WriteLine($"{"priority",8} {"score",6}  {"listing",-24} title [new terms]");
        foreach (var c in queue)
        {
            var terms = c.NewTerms.Count == 0 ? "" : $" [{string.Join(", ", c.NewTerms)}]";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{c.Priority,8:F3} {c.Score,6:F3}  {c.ListingId,-24} {c.Title}{terms}"));
        }

        Console.WriteLine($"{queue.Count} listings to label in {access.Description}.");
        return ExitCodes.Ok;
    }
}
