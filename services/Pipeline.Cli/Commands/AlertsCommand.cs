using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using WildlifeWatch.Alerts;
using WildlifeWatch.Alerts.Digest;
using WildlifeWatch.Alerts.Email;
using WildlifeWatch.Store;
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
    public const string DigestVerb = "alerts-digest";

    public static readonly IReadOnlySet<string> Options = new HashSet<string>(StringComparer.Ordinal)
    {
        "rabbitmq", "name", "species", "min-severity", "country", "platform", "replace", "max", "idle-seconds", "no-tail", "db",
    };

    public static readonly IReadOnlySet<string> DigestOptions = new HashSet<string>(StringComparer.Ordinal) { "db", "date", "send" };

    /// <summary>Turns <c>alerts subscribe|digest ...</c> into one verb, so the command line reads as the issue's examples do.</summary>
    public static string[] Normalize(string[] args) => args switch
    {
        ["alerts", "subscribe", ..] => [SubscribeVerb, .. args[2..]],
        ["alerts", "digest", ..] => [DigestVerb, .. args[2..]],
        _ => args,
    };

    /// <summary>
    /// <c>pipeline alerts digest [--date D] [--send]</c>: prints the digest of each stored subscription for the UTC day D
    /// (default yesterday); <c>--send</c> also e-mails each non-empty one to its recipients (Alerts__Smtp__*), once.
    /// </summary>
    public static async Task<int> DigestAsync(CommandLine line, CancellationToken ct)
    {
        var day = line.String("date") is { } text
            ? DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : throw new UsageException($"--date must be a day like 2026-11-28, not '{text}'.")
            : DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1);
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var digest = Settings<Alerts.Digest.DigestOptions>(configuration, Alerts.Digest.DigestOptions.Section);
        var smtp = Settings<SmtpOptions>(configuration, SmtpOptions.Section);
        await using var access = await StoreAccess.OpenAsync(line, ct);
        var email = smtp.IsEnabled ? new EmailSender(Microsoft.Extensions.Options.Options.Create(smtp), access.Store, TimeProvider.System, NullLogger<EmailSender>.Instance) : null;
        if (line.Flag("send") && email is null)
        {
            throw new UsageException("--send needs e-mail settings: Alerts__Smtp__Host, Alerts__Smtp__From and Alerts__Smtp__Recipients__<subscription>.");
        }

        var service = new AlertDigestService(access.Store, Microsoft.Extensions.Options.Options.Create(digest), email);
        var digests = await service.BuildForDayAsync(day, ct);
        if (digests.Count == 0)
        {
            Console.WriteLine("No subscriptions in the store (pipeline alerts subscribe saves them).");
        }

        foreach (var one in digests)
        {
            Console.WriteLine(one.Subject);
            Console.WriteLine(one.Text);
        }

        var sent = line.Flag("send") ? await service.SendForDayAsync(day, ct) : 0;
        if (line.Flag("send"))
        {
            Console.WriteLine($"{sent} digest(s) e-mailed.");
        }

        await access.Store.AppendAuditAsync(new AuditEntry(StoreAccess.Actor, "report-digest", $"digest:*:{day:yyyy-MM-dd}",
            $"{digests.Count} subscriptions, {sent} sent", DateTimeOffset.UtcNow), ct);
        return ExitCodes.Ok;
    }

    private static T Settings<T>(IConfiguration configuration, string section) where T : class, new()
    {
        var settings = configuration.GetSection(section).Get<T>() ?? new T();
        var results = new List<ValidationResult>();
        return Validator.TryValidateObject(settings, new ValidationContext(settings), results, validateAllProperties: true)
            ? settings
            : throw new UsageException($"invalid {section} settings: {string.Join("; ", results.Select(r => r.ErrorMessage))}");
    }

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
            // Also kept in the store, where the daily digest and e-mail find it (when there is a store to keep it in).
            if (await StoreAccess.TryOpenAsync(line, ct) is { } access)
            {
                await using (access)
                {
                    await access.Store.SaveSubscriptionAsync(new Subscription(name, DigestSubscription.FilterJson(filter), DateTimeOffset.UtcNow), ct);
                }
            }

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
