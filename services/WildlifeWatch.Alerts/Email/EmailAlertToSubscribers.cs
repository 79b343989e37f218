using System.Globalization;
using MassTransit;
using Microsoft.Extensions.Options;
using WildlifeWatch.Alerts.Digest;
using WildlifeWatch.Contracts;
using WildlifeWatch.Contracts.V1;
using WildlifeWatch.Store;

namespace WildlifeWatch.Alerts.Email;

/// <summary>An alert or update was not e-mailed after every attempt; the message goes to the error queue with this.</summary>
public sealed class EmailDeliveryException(string message) : Exception(message);

/// <summary>
/// E-mails each alert, and each update of one, to the recipients of the stored subscriptions it matches (as their
/// routing patterns would), when <c>Alerts:Smtp</c> is configured and <c>SendAlerts</c> is on.
/// </summary>
public sealed class EmailAlertToSubscribers(EmailSender email, IPipelineStore store, IOptions<SmtpOptions> options) : IConsumer<AlertRaised>, IConsumer<AlertUpdated>
{
    public Task Consume(ConsumeContext<AlertRaised> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var a = context.Message;
        var subject = string.Create(CultureInfo.InvariantCulture, $"[Wildlife Trade Watch] {a.Severity} alert: {a.SpeciesGroup} on {a.Platform} ({a.Score:0.00})");
        var text = string.Create(CultureInfo.InvariantCulture,
            $"Alert {a.AlertId}\nSeverity: {a.Severity}\nScore: {a.Score:0.000} (model {a.ModelVersion})\nSpecies group: {a.SpeciesGroup}\nPlatform: {a.Platform}\nCountry: {a.Country ?? "-"}\nListing: {a.Title}\n{a.Url}\nRaised: {a.RaisedAt:u}\n");
        return SendAsync(a.ListingId, $"email alert {a.AlertId}", s => AlertRouting.Matches(s.Filter, a), subject, text, context.CancellationToken);
    }

    public Task Consume(ConsumeContext<AlertUpdated> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var u = context.Message;
        var subject = string.Create(CultureInfo.InvariantCulture, $"[Wildlife Trade Watch] Alert updated to {u.Severity}: {u.SpeciesGroup} on {u.Platform} ({u.Score:0.00})");
        var text = string.Create(CultureInfo.InvariantCulture,
            $"Alert {u.AlertId} updated (revision {u.Revision})\nSeverity: {u.PreviousSeverity} -> {u.Severity}\nScore: {u.PreviousScore:0.000} ({u.PreviousModelVersion}) -> {u.Score:0.000} ({u.ModelVersion})\nSpecies group: {u.SpeciesGroup}\nPlatform: {u.Platform}\nListing: {u.Title}\n{u.Url}\nUpdated: {u.UpdatedAt:u}\n");
        return SendAsync(u.ListingId, $"email alert {u.AlertId} revision {u.Revision}", s => AlertRouting.Matches(s.Filter, u), subject, text, context.CancellationToken);
    }

    private async Task SendAsync(string listingId, string receipt, Func<DigestSubscription, bool> wants, string subject, string text, CancellationToken ct)
    {
        if (!options.Value.IsEnabled || !options.Value.SendAlerts || options.Value.Recipients.Count == 0)
        {
            return;
        }

        var recipients = (await store.GetSubscriptionsAsync(ct)).Select(DigestSubscription.From).OfType<DigestSubscription>()
            .Where(wants).SelectMany(s => email.RecipientsOf(s.Name)).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase).ToList();
        if (recipients.Count > 0 && !await email.SendAsync(subject, text, null, recipients, listingId, receipt, ct))
        {
            throw new EmailDeliveryException($"{receipt} not delivered to {recipients.Count} recipient(s); see the audit log of listing {listingId}.");
        }
    }
}

/// <summary>Shares the outbound queue with the webhooks (it binds every alert key), so no new queue to deploy and scale.</summary>
public sealed class EmailAlertToSubscribersDefinition : ConsumerDefinition<EmailAlertToSubscribers>
{
    public EmailAlertToSubscribersDefinition() => EndpointName = QueueNames.AlertsWebhooks;
}
