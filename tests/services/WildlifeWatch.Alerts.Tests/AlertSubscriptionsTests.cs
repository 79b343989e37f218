using System.Text;
using WildlifeWatch.Contracts.V1;

namespace WildlifeWatch.Alerts.Tests;

public sealed class AlertSubscriptionsTests
{
    [Test]
    public void A_subscription_queue_tells_raises_from_updates_by_the_envelopes_message_type()
    {
        var raised = Envelope("AlertRaised", """{"alertId":"a1","listingId":"l1","score":0.9,"severity":"High","speciesGroup":"elephants","platform":"p","raisedAt":"2026-11-28T10:00:00Z"}""");
        var updated = Envelope("AlertUpdated", """{"alertId":"a1","listingId":"l1","score":0.99,"severity":"Critical","revision":1,"previousScore":0.9,"previousModelVersion":"m1","updatedAt":"2026-11-29T10:00:00Z"}""");
        var untyped = Encoding.UTF8.GetBytes("""{"message":{"alertId":"a0","severity":"Low"}}""");

        Assert.That(AlertSubscriptions.Read(raised)?.AlertId, Is.EqualTo("a1"));
        Assert.That(AlertSubscriptions.Read(updated), Is.Null, "an update is not read as a second alert");
        var update = AlertSubscriptions.ReadUpdate(updated);
        Assert.That((update?.AlertId, update?.Revision, update?.Severity, update?.PreviousScore), Is.EqualTo(("a1", 1, AlertSeverity.Critical, 0.9)));
        Assert.That(AlertSubscriptions.ReadUpdate(raised), Is.Null);
        Assert.That(AlertSubscriptions.Read(untyped)?.AlertId, Is.EqualTo("a0"), "an envelope without a message type is a raise, as before updates existed");
        Assert.That(AlertSubscriptions.Read("not json"u8), Is.Null);
    }

    private static byte[] Envelope(string type, string message) =>
        Encoding.UTF8.GetBytes($$"""{"messageType":["urn:message:WildlifeWatch.Contracts.V1:{{type}}"],"message":{{message}}}""");
}
