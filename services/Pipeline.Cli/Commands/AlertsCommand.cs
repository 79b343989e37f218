using System.Globalization;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using WildlifeWatch.Alerts;
using WildlifeWatch.Contracts;
using WildlifeWatch.Contracts.V1;

namespace WildlifeWatch.Cli.Commands;

/// <summary>
/// <c>pipeline alerts subscribe</c>: creates or reuses an investigator's durable alert queue, bound by the filter's
/// routing patterns, and prints its alerts as they arrive.
/// </summary>
internal static class AlertsCommand
{
    public const string SubscribeVerb = "alerts-subscribe";

    public static readonly IReadOnlySet<string> Options = new HashSet<string>(StringComparer.Ordinal)
    {
        "rabbitmq", "name", "species", "min-severity", "country", "platform", "replace", "max", "idle-seconds", "no-tail",
    };

    /// <summary>Turns <c>alerts subscribe ...</c> into one verb, so the command line reads as the issue's examples do.</summary>
    public static string[] Normalize(string[] args) =>
        args is ["alerts", "subscribe", ..] ? [SubscribeVerb, .. args[2..]] : args;

    public static AlertFilter Filter(CommandLine line)
    {
        var severity = line.String("min-severity") is { } text
            ? Enum.TryParse<AlertSeverity>(text, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(text, out _)
                ? parsed
                : throw new UsageException($"--min-severity must be one of {string.Join(", ", Enum.GetNames<AlertSeverity>().Select(n => n.ToLowerInvariant()))}, not '{text}'.")
            : AlertSeverity.Low;
        return new AlertFilter(severity, line.String("species"), line.String("country"), line.String("platform"));
    }

    /// <summary>The subscription's name: --name, else one made from the filter (same filter, same queue).</summary>
    public static string Name(CommandLine line, AlertFilter filter) =>
        line.String("name") ?? string.Join('-', new[] { filter.SpeciesGroup ?? "all", filter.MinSeverity.ToString(), filter.Country, filter.Platform }
            .Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => AlertRouting.Segment(p)));

    public static async Task<int> SubscribeAsync(CommandLine line, CancellationToken ct)
    {
        var uri = ErrorsCommand.BrokerUri(line.String("rabbitmq"), Environment.GetEnvironmentVariable("RABBITMQ_URI"), "alerts subscribe");
        var filter = Filter(line);
        var name = Name(line, filter);
        var max = line.Int("max", 1, int.MaxValue);
        var idle = line.Int("idle-seconds", 1, 86_400) is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;

        IConnection connection;
        try
        {
            connection = await new ConnectionFactory { Uri = uri, ClientProvidedName = "pipeline alerts subscribe" }.CreateConnectionAsync(ct);
        }
        catch (BrokerUnreachableException e)
        {
            await Console.Error.WriteLineAsync($"pipeline: cannot reach the broker at {uri.Host}:{uri.Port}: {e.InnerException?.Message ?? e.Message}");
            return ExitCodes.Failed;
        }

        await using (connection)
        await using (var channel = await connection.CreateChannelAsync(cancellationToken: ct))
        {
            var subscriptions = new AlertSubscriptions(channel);
            var (queue, patterns) = await subscriptions.EnsureAsync(name, filter, line.Flag("replace"), ct);
            Console.WriteLine($"Subscription '{name}': queue {queue}, bound to {AlertRouting.Exchange} by {string.Join(", ", patterns)}");
            if (line.Flag("no-tail"))
            {
                return ExitCodes.Ok;
            }

            Console.WriteLine("Waiting for alerts (Ctrl+C stops; alerts wait in the queue while nobody listens).");
            var taken = await subscriptions.TailAsync(name, alert =>
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{alert.RaisedAt:u}  {alert.Severity,-8} {alert.SpeciesGroup,-14} {alert.Country ?? "–",-3} {alert.Platform,-22} {alert.Score:0.000}  {alert.AlertId}  {alert.Url}  {alert.Title}"));
                return Task.CompletedTask;
            }, update =>
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{update.UpdatedAt:u}  {update.Severity,-8} {update.SpeciesGroup,-14} {update.Country ?? "–",-3} {update.Platform,-22} {update.Score:0.000}  {update.AlertId}  updated (was {update.PreviousScore:0.000} {update.PreviousModelVersion}, now {update.ModelVersion})  {update.Url}"));
                return Task.CompletedTask;
            }, max, idle, ct);
            Console.WriteLine($"{taken} alert(s) received.");
        }

        return ExitCodes.Ok;
    }
}
