using Microsoft.Extensions.Options;
using WildlifeWatch.Alerts.Email;
using WildlifeWatch.Store;

namespace WildlifeWatch.Alerts.Digest;

/// <summary>
/// The digests of one UTC day, from the stored subscriptions and the alerts raised or updated that day, and their
/// sending by e-mail to each subscription's recipients (<c>Alerts:Smtp:Recipients</c>). What the CLI and the daily
/// worker call.
/// </summary>
public sealed class AlertDigestService(IPipelineStore store, IOptions<DigestOptions> options, EmailSender? email = null)
{
    public const string Sent = "digest-sent";

    public async Task<IReadOnlyList<AlertDigest>> BuildForDayAsync(DateOnly day, CancellationToken ct = default)
    {
        var from = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var until = from.AddDays(1);
        var subscriptions = (await store.GetSubscriptionsAsync(ct)).Select(DigestSubscription.From).OfType<DigestSubscription>().ToList();
        var entries = new List<DigestEntry>();
        foreach (var alert in await store.GetAlertsChangedAsync(from, until, ct))
        {
            var listing = await store.GetListingAsync(alert.ListingId, ct);
            entries.Add(new DigestEntry(alert, listing?.Url ?? string.Empty, listing?.Title ?? string.Empty, listing?.Country));
        }

        return AlertDigestBuilder.Build(subscriptions, entries, from, until, options.Value.TopListings);
    }

    /// <summary>
    /// Sends each non-empty digest of the day to its subscription's recipients, once (a digest already recorded as sent
    /// is skipped, so a restart or a second replica does not send it again). Returns how many were sent.
    /// </summary>
    public async Task<int> SendForDayAsync(DateOnly day, CancellationToken ct = default)
    {
        if (email is null || !email.IsEnabled)
        {
            throw new InvalidOperationException("E-mail is not configured: set Alerts:Smtp:Host and Alerts:Smtp:From.");
        }

        var sent = 0;
        foreach (var digest in await BuildForDayAsync(day, ct))
        {
            var recipients = email.RecipientsOf(digest.Subscription);
            var subject = $"digest:{digest.Subscription}:{day:yyyy-MM-dd}";
            if (digest.Entries.Count == 0 || recipients.Count == 0
                || (await store.GetAuditAsync(subject: subject, ct: ct)).Any(a => a.Action == Sent))
            {
                continue;
            }

            if (await email.SendAsync(digest.Subject, digest.Text, digest.Html, recipients, subject, $"digest {day:yyyy-MM-dd}", ct))
            {
                await store.AppendAuditAsync(new AuditEntry("alerts", Sent, subject, $"{digest.Entries.Count} alerts to {recipients.Count} recipient(s)", DateTimeOffset.UtcNow), ct);
                sent++;
            }
        }

        return sent;
    }
}
