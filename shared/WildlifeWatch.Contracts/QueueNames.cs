namespace WildlifeWatch.Contracts;

/// <summary>
/// The one place queue names live. Each service consumes from its own queues so that operators can
/// scale it on its own backlog; the names are part of the deployment contract (probes, autoscalers).
/// </summary>
public static class QueueNames
{
    public const string SchedulerLinks = "wtw.scheduler.links-discovered";
    public const string SchedulerFailures = "wtw.scheduler.fetch-failed";
    public const string FetcherRequests = "wtw.fetcher.fetch-requested";
    public const string ExtractorCaptures = "wtw.extractor.page-captured";
    public const string ClassifierListings = "wtw.classifier.listing-extracted";
    public const string AlertsScores = "wtw.alerts.listing-scored";
    public const string AlertsWebhooks = "wtw.alerts.webhooks";

    /// <summary>Prefix of the investigators' durable subscription queues (<c>pipeline alerts subscribe</c>), not pipeline stages.</summary>
    public const string SubscriptionPrefix = "wtw.alerts.sub.";

    public static IReadOnlyList<string> All { get; } =
    [
        SchedulerLinks, SchedulerFailures, FetcherRequests, ExtractorCaptures, ClassifierListings, AlertsScores, AlertsWebhooks,
    ];
}
