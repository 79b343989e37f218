using System.Text;
using WildlifeWatch.Contracts.V1;
using WildlifeWatch.Store;

namespace WildlifeWatch.Store.Tests;

/// <summary>The behaviour every store must have; each implementation runs this suite through a subclass.</summary>
public abstract class PipelineStoreContractTests
{
    private const string ExpectedSha = "ee8250fb76e094b34b471f13a73dbbe51d1ae142e9df59d7c0d31ec20f0a0a8e";
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private IPipelineStore _store = null!;

    protected abstract Task<IPipelineStore> CreateStoreAsync();

    protected abstract Task DisposeStoreAsync();

    /// <summary>Changes one byte of an artifact's stored bytes behind the store's back, as a tamperer or a bad disk would.</summary>
    protected abstract Task FlipStoredByteAsync(string sha256, int index);

    [SetUp]
    public async Task SetUpStore()
    {
        _store = await CreateStoreAsync();
        await _store.InitializeAsync();
    }

    [TearDown]
    public Task TearDownStore() => DisposeStoreAsync();

    // ---- Crawl bookkeeping

    [Test]
    public async Task Initialize_twice_keeps_the_data()
    {
        await _store.CreateCrawlAsync(NewCrawl("c1"));
        await _store.InitializeAsync();
        Assert.That(await _store.GetCrawlAsync("c1"), Is.Not.Null);
    }

    [Test]
    public async Task Admit_returns_only_urls_new_to_the_crawl()
    {
        await _store.CreateCrawlAsync(NewCrawl("c1"));
        await _store.CreateCrawlAsync(NewCrawl("c2"));
        var first = await _store.AdmitAsync([Entry("c1", "http://a/1"), Entry("c1", "http://a/2")]);
        var second = await _store.AdmitAsync([Entry("c1", "http://a/2"), Entry("c1", "http://a/3"), Entry("c2", "http://a/1")]);

        Assert.That(first.Select(e => e.NormalizedUrl), Is.EqualTo(new[] { "http://a/1", "http://a/2" }));
        Assert.That(second.Select(e => (e.CrawlId, e.NormalizedUrl)), Is.EqualTo(new[] { ("c1", "http://a/3"), ("c2", "http://a/1") }));
        Assert.That(await _store.GetFrontierAsync("c1"), Has.Count.EqualTo(3));
    }

    [Test]
    public async Task Concurrent_duplicate_admissions_admit_each_url_once()
    {
        await _store.CreateCrawlAsync(NewCrawl("c1"));
        var batch = Enumerable.Range(0, 10).Select(i => Entry("c1", $"http://a/{i}")).ToList();

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => _store.AdmitAsync(batch))));

        Assert.That(results.SelectMany(r => r).Select(e => e.NormalizedUrl).Order(), Is.EqualTo(batch.Select(e => e.NormalizedUrl).Order()));
        Assert.That(await _store.GetFrontierAsync("c1"), Has.Count.EqualTo(10));
    }

    [Test]
    public async Task Expand_closes_the_source_entry_and_admits_new_links_once()
    {
        await _store.CreateCrawlAsync(NewCrawl("c1"));
        await _store.AdmitAsync([Entry("c1", "http://a/")]);

        var admitted = await _store.ExpandAsync("c1", "http://a/", [Entry("c1", "http://a/x", 1), Entry("c1", "http://a/", 1)]);
        var again = await _store.ExpandAsync("c1", "http://a/", [Entry("c1", "http://a/x", 1)]);

        Assert.That(admitted.Select(e => e.NormalizedUrl), Is.EqualTo(new[] { "http://a/x" }));
        Assert.That(again, Is.Empty);
        var frontier = (await _store.GetFrontierAsync("c1")).ToDictionary(e => e.NormalizedUrl);
        Assert.That(frontier["http://a/"].State, Is.EqualTo(FrontierState.Done));
        Assert.That(frontier["http://a/x"].State, Is.EqualTo(FrontierState.Queued));
    }

    [Test]
    public async Task Release_hands_out_the_highest_priorities_first_within_the_in_flight_bound()
    {
        await _store.CreateCrawlAsync(NewCrawl("c1"));
        await _store.CreateCrawlAsync(NewCrawl("c2"));
        await _store.AdmitAsync([
            Entry("c1", "http://a/nav") with { Priority = 0.1 },
            Entry("c1", "http://a/item/ivory") with { Priority = 0.9 },
            Entry("c1", "http://a/item/plain") with { Priority = 0.45 },
            Entry("c1", "http://a/c/pets") with { Priority = 0.1, EnqueuedAt = T0 },
            Entry("c2", "http://a/other") with { Priority = 1 },
        ]);

        var first = await _store.ReleaseAsync("c1", 2, T0);
        var full = await _store.ReleaseAsync("c1", 2, T0);
        await _store.ExpandAsync("c1", "http://a/item/ivory", []);
        var next = await _store.ReleaseAsync("c1", 2, T0.AddSeconds(1));
        await _store.MarkFailedAsync("c1", "http://a/item/plain", "HTTP 404");
        var last = await _store.ReleaseAsync("c1", 2, T0.AddSeconds(2));

        Assert.That(first.Select(e => e.NormalizedUrl), Is.EqualTo(new[] { "http://a/item/ivory", "http://a/item/plain" }));
        Assert.That(full, Is.Empty);
        // Equal priorities: the older entry first.
        Assert.That(next.Select(e => e.NormalizedUrl), Is.EqualTo(new[] { "http://a/c/pets" }));
        Assert.That(last.Select(e => e.NormalizedUrl), Is.EqualTo(new[] { "http://a/nav" }));
        var frontier = (await _store.GetFrontierAsync("c1")).ToDictionary(e => e.NormalizedUrl);
        Assert.That((frontier["http://a/c/pets"].ReleasedAt, frontier["http://a/c/pets"].Priority), Is.EqualTo(((DateTimeOffset?)T0.AddSeconds(1), 0.1)));
        Assert.That((await _store.GetFrontierAsync("c2")).Single().ReleasedAt, Is.Null, "another crawl's entries wait for their own release");
    }

    [Test]
    public async Task Concurrent_releases_hand_out_each_entry_once()
    {
        await _store.CreateCrawlAsync(NewCrawl("c1"));
        await _store.AdmitAsync(Enumerable.Range(0, 30).Select(i => Entry("c1", $"http://a/{i}") with { Priority = i / 100.0 }).ToList());

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => _store.ReleaseAsync("c1", 10, T0))));

        var released = results.SelectMany(r => r).Select(e => e.NormalizedUrl).ToList();
        Assert.That(released, Is.Unique);
        Assert.That(released, Has.Count.InRange(10, 13), "the bound holds up to one overshoot per racing caller");
    }

    [Test]
    public async Task A_page_showing_content_captured_earlier_under_another_url_is_found_as_a_duplicate()
    {
        var first = await NewCaptureAsync("c1", "cap1", "http://a/item/1?ref=home", tag: "same");
        var mirror = await NewCaptureAsync("c1", "cap2", "http://a/item/1", createCrawl: false, tag: "same") with { CapturedAt = first.CapturedAt.AddSeconds(1) };
        var other = await NewCaptureAsync("c1", "cap3", "http://a/item/2", createCrawl: false, tag: "different");
        var elsewhere = await NewCaptureAsync("c2", "cap4", "http://a/item/9", tag: "same");
        await _store.AddCapturesAsync([first, mirror, other, elsewhere]);

        Assert.That(await _store.FindEarlierSameContentAsync("c1", "http://a/item/1"), Is.EqualTo("http://a/item/1?ref=home"));
        Assert.That(await _store.FindEarlierSameContentAsync("c1", "http://a/item/1?ref=home"), Is.Null, "the first capture of the content is the original");
        Assert.That(await _store.FindEarlierSameContentAsync("c1", "http://a/item/2"), Is.Null);
        Assert.That(await _store.FindEarlierSameContentAsync("c2", "http://a/item/9"), Is.Null, "another crawl's captures do not count");
        Assert.That(await _store.FindEarlierSameContentAsync("c1", "http://a/never"), Is.Null);
    }

    [Test]
    public async Task A_watched_listing_keeps_its_first_sighting_and_its_removal_and_reports_its_first_alert()
    {
        var capture = await NewCaptureAsync("c1", "cap1", "http://a:8080/item/1");
        await _store.AddCaptureAsync(capture);
        await _store.CompleteExtractionAsync("cap1", NewListing("l1", "c1", "cap1"));
        await _store.AddScoreAsync(new Score("l1", "c1", "m1", 0.9, T0));
        await _store.CompleteAlertDecisionAsync("l1", "m1", NewAlert("l1", "c1") with { RaisedAt = T0.AddMinutes(5) });

        await _store.RecordListingSeenAsync("http://a:8080/item/1", "seed", "c1", T0);
        await _store.RecordListingSeenAsync("http://a:8080/item/1", "seed", "c2", T0.AddDays(1));
        await _store.RecordListingSeenAsync("http://a:8080/item/1", "seed", "c0", T0.AddDays(-1).AddHours(12));
        await _store.RecordListingSeenAsync("http://b/item/2", "seed", "c1", T0);
        var removed = await _store.MarkListingRemovedAsync("http://a:8080/item/1", T0.AddDays(3), "HTTP 410");
        var again = await _store.MarkListingRemovedAsync("http://a:8080/item/1", T0.AddDays(4), "HTTP 404");
        var unknown = await _store.MarkListingRemovedAsync("http://a/never-seen", T0, "HTTP 404");

        Assert.That((removed, again, unknown), Is.EqualTo((true, false, false)));
        var watched = await _store.GetWatchedListingsAsync("a:8080");
        Assert.That(watched, Has.Count.EqualTo(1));
        var w = watched[0];
        Assert.That((w.Platform, w.FirstCrawlId, w.FirstSeenAt, w.LastSeenAt), Is.EqualTo(("a:8080", "c1", T0.AddDays(-1).AddHours(12), T0.AddDays(1))));
        Assert.That((w.RemovedAt, w.RemovalReason, w.AlertedAt), Is.EqualTo(((DateTimeOffset?)T0.AddDays(3), "HTTP 410", (DateTimeOffset?)T0.AddMinutes(5))));
        Assert.That(w.TimeToRemoval, Is.EqualTo(TimeSpan.FromDays(3.5)));
        Assert.That((await _store.GetWatchedListingsAsync(removedOnly: true)).Select(x => x.NormalizedUrl), Is.EqualTo(new[] { "http://a:8080/item/1" }));
        Assert.That((await _store.GetWatchedListingsAsync()).Select(x => (x.NormalizedUrl, x.AlertedAt)),
            Is.EqualTo(new[] { ("http://a:8080/item/1", (DateTimeOffset?)T0.AddMinutes(5)), ("http://b/item/2", null) }));
    }

    [Test]
    public async Task A_listing_seen_online_after_its_removal_is_reinstated()
    {
        await _store.RecordListingSeenAsync("http://a/item/1", "seed", "c1", T0);
        await _store.MarkListingRemovedAsync("http://a/item/1", T0.AddDays(1), "marker");
        await _store.RecordListingSeenAsync("http://a/item/1", "seed", "c1", T0.AddHours(12));
        var stillRemoved = (await _store.GetWatchedListingsAsync()).Single().RemovedAt;

        await _store.RecordListingSeenAsync("http://a/item/1", "seed", "c2", T0.AddDays(2));

        Assert.That(stillRemoved, Is.EqualTo(T0.AddDays(1)), "a sighting from before the removal changes nothing");
        Assert.That((await _store.GetWatchedListingsAsync()).Single().RemovedAt, Is.Null);
    }

    [Test]
    public async Task The_latest_capture_of_a_url_in_a_crawl_is_found()
    {
        var first = await NewCaptureAsync("c1", "cap1", "http://a/item/1", tag: "old");
        var later = (await NewCaptureAsync("c1", "cap2", "http://a/item/1", createCrawl: false, tag: "new")) with { CapturedAt = first.CapturedAt.AddMinutes(1) };
        await _store.AddCapturesAsync([first, later]);

        Assert.That((await _store.GetLatestCaptureAsync("c1", "http://a/item/1"))?.Id, Is.EqualTo("cap2"));
        Assert.That(await _store.GetLatestCaptureAsync("c2", "http://a/item/1"), Is.Null);
    }

    [Test]
    public async Task A_failed_fetch_keeps_its_reason()
    {
        await _store.CreateCrawlAsync(NewCrawl("c1"));
        await _store.AdmitAsync([Entry("c1", "http://a/")]);
        await _store.MarkFailedAsync("c1", "http://a/", "HTTP 404");

        var entry = (await _store.GetFrontierAsync("c1")).Single();
        Assert.That((entry.State, entry.Error), Is.EqualTo((FrontierState.Failed, "HTTP 404")));
    }

    [Test]
    public async Task Crawls_are_listed_newest_first()
    {
        await _store.CreateCrawlAsync(new Crawl("old", DateTimeOffset.UtcNow.AddDays(-1), "{}"));
        await _store.CreateCrawlAsync(new Crawl("new", DateTimeOffset.UtcNow, "{}"));

        Assert.That((await _store.GetCrawlsAsync()).Select(c => c.Id), Is.EqualTo(new[] { "new", "old" }));
    }

    [Test]
    public async Task Progress_follows_a_page_through_every_stage()
    {
        await _store.CreateCrawlAsync(NewCrawl("c1"));
        await _store.AdmitAsync([Entry("c1", "http://a/item/1")]);
        Assert.That((await _store.GetProgressAsync("c1")).IsIdle, Is.False, "queued");

        var capture = await NewCaptureAsync("c1", "cap1", "http://a/item/1", createCrawl: false);
        await _store.AddCaptureAsync(capture);
        await _store.ExpandAsync("c1", "http://a/item/1", []);
        var p = await _store.GetProgressAsync("c1");
        Assert.That((p.FrontierQueued, p.CapturesPendingExtraction, p.IsIdle), Is.EqualTo((0, 1, false)), "captured");

        await _store.CompleteExtractionAsync("cap1", NewListing("l1", "c1", "cap1"));
        p = await _store.GetProgressAsync("c1");
        Assert.That((p.CapturesPendingExtraction, p.ListingsPendingScore, p.IsIdle), Is.EqualTo((0, 1, false)), "extracted");

        await _store.AddScoreAsync(new Score("l1", "c1", "m1", 0.9, DateTimeOffset.UtcNow));
        p = await _store.GetProgressAsync("c1");
        Assert.That((p.ListingsPendingScore, p.ScoresPendingAlertDecision, p.IsIdle), Is.EqualTo((0, 1, false)), "scored");

        await _store.CompleteAlertDecisionAsync("l1", "m1", NewAlert("l1", "c1"));
        p = await _store.GetProgressAsync("c1");
        Assert.That((p.ScoresPendingAlertDecision, p.Alerts, p.IsIdle), Is.EqualTo((0, 1, true)), "decided");
    }

    // ---- Artifacts and captures: evidence

    [Test]
    public async Task Artifacts_are_addressed_by_their_sha256()
    {
        var bytes = "evidence"u8.ToArray();
        var sha = await _store.PutArtifactAsync(bytes, "text/plain");
        var again = await _store.PutArtifactAsync(bytes, "text/plain");

        // SHA-256 of "evidence", computed independently (sha256sum).
        Assert.That(sha, Is.EqualTo(ExpectedSha));
        Assert.That(again, Is.EqualTo(sha));
        Assert.That(await _store.GetArtifactAsync(sha), Is.EqualTo(bytes));
        Assert.That(await _store.GetArtifactAsync(new string('0', 64)), Is.Null);
    }

    [Test]
    public async Task Concurrent_uploads_of_the_same_artifact_keep_one_readable_copy()
    {
        var bytes = Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7)).ToArray();

        var hashes = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => _store.PutArtifactAsync(bytes, "image/png"))));

        Assert.That(hashes.Distinct().Single(), Is.EqualTo(Hashing.Sha256Hex(bytes)));
        Assert.That(await _store.GetArtifactAsync(hashes[0]), Is.EqualTo(bytes));
    }

    [Test]
    public async Task A_capture_is_stored_once_per_id()
    {
        var capture = await NewCaptureAsync("c1", "cap1", "http://a/item/1");

        Assert.That(await _store.AddCaptureAsync(capture), Is.True);
        Assert.That(await _store.AddCaptureAsync(capture with { HttpStatus = 500 }), Is.False);
        Assert.That(await _store.AddCapturesAsync([capture with { HttpStatus = 503 }]), Is.Zero);
        Assert.That((await _store.GetCaptureAsync("cap1"))!.HttpStatus, Is.EqualTo(200));
        Assert.That(await _store.GetCapturesAsync("c1"), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_recrawl_of_the_same_url_adds_a_capture_beside_the_first()
    {
        var first = await NewCaptureAsync("c1", "cap-c1", "http://a/item/1", tag: "monday");
        var second = await NewCaptureAsync("c2", "cap-c2", "http://a/item/1", tag: "tuesday");

        Assert.That(await _store.AddCaptureAsync(first), Is.True);
        Assert.That(await _store.AddCaptureAsync(second), Is.True);

        Assert.That(await _store.GetCaptureAsync("cap-c1"), Is.EqualTo(first));
        Assert.That(await _store.GetCaptureAsync("cap-c2"), Is.EqualTo(second));
        Assert.That(await _store.GetArtifactAsync(first.HtmlSha256), Is.EqualTo("<html>monday</html>"u8.ToArray()));
        Assert.That(await _store.GetArtifactAsync(second.HtmlSha256), Is.EqualTo("<html>tuesday</html>"u8.ToArray()));
    }

    [Test]
    public async Task Intact_evidence_verifies()
    {
        await _store.AddCaptureAsync(await NewCaptureAsync("c1", "cap1", "http://a/"));

        var report = await new EvidenceVerifier(_store).VerifyAsync("c1");

        Assert.That((report.CapturesChecked, report.ArtifactsChecked, report.IsIntact), Is.EqualTo((1, 4, true)));
    }

    [Test]
    public async Task A_flipped_byte_in_a_stored_screenshot_is_reported()
    {
        var capture = await NewCaptureAsync("c1", "cap1", "http://a/");
        await _store.AddCaptureAsync(capture);

        await FlipStoredByteAsync(capture.ScreenshotSha256, 10);
        var report = await new EvidenceVerifier(_store).VerifyAsync("c1");

        Assert.That(report.IsIntact, Is.False);
        Assert.That(report.Problems.Single().Artifact, Is.EqualTo("screenshot"));
        Assert.That(report.Problems.Single().Problem, Does.Contain("hashes to"));
    }

    [Test]
    public async Task A_manifest_that_does_not_name_the_screenshot_is_reported()
    {
        var capture = await NewCaptureAsync("c1", "cap1", "http://a/", manifestNamesScreenshot: false);
        await _store.AddCaptureAsync(capture);

        var report = await new EvidenceVerifier(_store).VerifyAsync("c1");

        Assert.That(report.Problems.Select(p => (p.CaptureId, p.Artifact)), Is.EqualTo(new[] { (capture.Id, "manifest") }));
    }

    [Test]
    public async Task The_warc_a_manifest_cites_is_rehashed_and_a_flipped_byte_in_it_is_reported()
    {
        var capture = await NewCaptureAsync("c1", "cap1", "http://a/");
        var (withWarc, warcSha) = await WithWarcAsync(capture, screenshotOfRecord: null, blockDigestOverride: null);
        await _store.AddCaptureAsync(withWarc);

        var intact = await new EvidenceVerifier(_store).VerifyAsync("c1");
        await FlipStoredByteAsync(warcSha, 40);
        var tampered = await new EvidenceVerifier(_store).VerifyAsync("c1");

        Assert.That((intact.ArtifactsChecked, intact.IsIntact), Is.EqualTo((5, true)), string.Join("; ", intact.Problems));
        Assert.That(tampered.Problems.Select(p => p.Artifact), Is.EqualTo(new[] { "warc" }));
        Assert.That(tampered.Problems.Single().Problem, Does.Contain("hashes to"));
    }

    [Test]
    public async Task A_warc_record_whose_block_digest_does_not_match_its_bytes_is_reported()
    {
        var capture = await NewCaptureAsync("c1", "cap1", "http://a/");
        var (withWarc, _) = await WithWarcAsync(capture, screenshotOfRecord: null, blockDigestOverride: "sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA====");
        await _store.AddCaptureAsync(withWarc);

        var report = await new EvidenceVerifier(_store).VerifyAsync("c1");

        Assert.That(report.Problems.Select(p => (p.Artifact, p.Problem.Contains("block digest", StringComparison.Ordinal))), Is.EqualTo(new[] { ("warc", true) }));
    }

    [Test]
    public async Task A_warc_whose_screenshot_record_is_not_the_capture_screenshot_is_reported()
    {
        var capture = await NewCaptureAsync("c1", "cap1", "http://a/");
        var (withWarc, _) = await WithWarcAsync(capture, screenshotOfRecord: [1, 2, 3], blockDigestOverride: null);
        await _store.AddCaptureAsync(withWarc);

        var report = await new EvidenceVerifier(_store).VerifyAsync("c1");

        Assert.That(report.Problems.Select(p => p.Artifact), Is.EqualTo(new[] { "warc" }));
        Assert.That(report.Problems.Single().Problem, Does.Contain("screenshot record is not the capture's artifact"));
    }

    /// <summary>Gives <paramref name="capture"/> a plain WARC with its screenshot as a resource record, cited by a new manifest.</summary>
    private async Task<(Capture Capture, string WarcSha)> WithWarcAsync(Capture capture, byte[]? screenshotOfRecord, string? blockDigestOverride)
    {
        var shot = screenshotOfRecord ?? (await _store.GetArtifactAsync(capture.ScreenshotSha256))!;
        var header = "WARC/1.1\r\nWARC-Type: resource\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\n" +
            $"WARC-Date: 2026-01-01T00:00:00.000000Z\r\nWARC-Target-URI: urn:wtw:screenshot:{capture.Url}\r\nContent-Type: image/png\r\n" +
            $"WARC-Block-Digest: {blockDigestOverride ?? WarcDigest.Sha256(shot)}\r\nContent-Length: {shot.Length}\r\n\r\n";
        var warc = Encoding.ASCII.GetBytes(header).Concat(shot).Concat("\r\n\r\n"u8.ToArray()).ToArray();
        var warcSha = await _store.PutArtifactAsync(warc, "application/warc");
        var manifest = await _store.PutArtifactAsync(Encoding.UTF8.GetBytes(
            $"{{\"artifacts\":{{\"warc\":{{\"sha256\":\"{warcSha}\"}}}},\"h\":\"{capture.HtmlSha256}\",\"s\":\"{capture.ScreenshotSha256}\",\"t\":\"{capture.TextSha256}\"}}"), "application/json");
        return (capture with { ManifestSha256 = manifest }, warcSha);
    }

    // ---- Listings and scores

    [Test]
    public async Task Listing_round_trips_with_its_lexicon_hits_and_latest_score()
    {
        await _store.AddCaptureAsync(await NewCaptureAsync("c1", "cap1", "http://a/item/1"));
        var listing = NewListing("l1", "c1", "cap1") with { Country = "KE" };
        await _store.CompleteExtractionAsync("cap1", listing);
        await _store.AddScoreAsync(new Score("l1", "c1", "m1", 0.25, DateTimeOffset.UtcNow.AddMinutes(-1)));
        await _store.AddScoreAsync(new Score("l1", "c1", "m2", 0.75, DateTimeOffset.UtcNow));

        var stored = await _store.GetListingAsync("l1");
        var scored = (await _store.GetScoredListingsAsync("c1")).Single();

        Assert.That(stored, Is.Not.Null);
        Assert.That(stored!.Title, Is.EqualTo(listing.Title));
        Assert.That(stored.Price, Is.EqualTo(1250.50m));
        Assert.That(stored.Country, Is.EqualTo("KE"));
        Assert.That(stored.ImageUrls, Is.EqualTo(listing.ImageUrls));
        Assert.That(stored.LexiconHits, Is.EqualTo(listing.LexiconHits));
        Assert.That(scored.Score!.ModelVersion, Is.EqualTo("m2"));
    }

    [Test]
    public async Task Concurrent_duplicate_listing_writers_store_one_listing()
    {
        await _store.AddCaptureAsync(await NewCaptureAsync("c1", "cap1", "http://a/item/1"));
        var listing = NewListing("l1", "c1", "cap1");

        // Redeliveries race: some through the single-item path, some through the bulk path, some with a different title.
        var writers = Enumerable.Range(0, 12).Select(i => Task.Run(() => (i % 3) switch
        {
            0 => _store.CompleteExtractionAsync("cap1", listing),
            1 => _store.AddListingsAsync([listing]),
            _ => _store.CompleteExtractionAsync("cap1", listing with { Title = "Redelivered " + i }),
        }));
        await Task.WhenAll(writers);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => _store.AddScoreAsync(new Score("l1", "c1", "m1", 0.8, T0)))));

        var stored = await _store.GetScoredListingsAsync("c1");
        Assert.That(stored, Has.Count.EqualTo(1));
        Assert.That(await _store.GetScoreHistoryAsync("l1"), Has.Count.EqualTo(1));
        var bySpecies = await _store.QueryListingsAsync(new ListingQuery { SpeciesGroup = "elephants" });
        Assert.That(bySpecies.Items.Select(i => i.Listing.Id), Is.EqualTo(new[] { "l1" }));
        Assert.That((await _store.GetProgressAsync("c1")).CapturesPendingExtraction, Is.Zero);
    }

    [Test]
    public async Task Concurrent_duplicate_alert_decisions_store_one_alert()
    {
        await _store.AddCaptureAsync(await NewCaptureAsync("c1", "cap1", "http://a/item/1"));
        await _store.CompleteExtractionAsync("cap1", NewListing("l1", "c1", "cap1"));
        await _store.AddScoreAsync(new Score("l1", "c1", "m1", 0.9, DateTimeOffset.UtcNow));

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _store.CompleteAlertDecisionAsync("l1", "m1", NewAlert("l1", "c1"))));

        Assert.That(results.Count(r => r), Is.EqualTo(1));
        Assert.That(await _store.GetAlertsAsync("c1"), Has.Count.EqualTo(1));
    }

    // ---- One alert per listing identity

    [Test]
    public async Task A_re_capture_of_an_alerted_page_in_a_later_crawl_does_not_raise_a_second_alert()
    {
        await CaptureScoredListingAsync("c1", "l1", "http://a/item/1", "m1", 0.9, T0);
        await CaptureScoredListingAsync("c2", "l2", "http://a/item/1", "m1", 0.9, T0.AddDays(1));
        await CaptureScoredListingAsync("c2", "l3", "http://a/item/3", "m1", 0.9, T0.AddDays(1));

        var first = await _store.DecideAlertAsync("l1", "m1", NewAlert("l1", "c1", 0.9));
        var recapture = await _store.DecideAlertAsync("l2", "m1", NewAlert("l2", "c2", 0.9));
        var lower = await _store.DecideAlertAsync("l2", "m1", NewAlert("l2", "c2", 0.8));
        var other = await _store.DecideAlertAsync("l3", "m1", NewAlert("l3", "c2", 0.9));

        Assert.Multiple(async () =>
        {
            Assert.That((first.Outcome, recapture.Outcome, lower.Outcome, other.Outcome),
                Is.EqualTo((AlertOutcome.Raised, AlertOutcome.Unchanged, AlertOutcome.Unchanged, AlertOutcome.Raised)));
            Assert.That(first.Alert!.ListingKey, Is.EqualTo("http://a/item/1"));
            Assert.That(recapture.Alert!.Id, Is.EqualTo(first.Alert.Id), "the re-capture finds the page's alert");
            Assert.That(await _store.GetAlertsAsync("c2"), Has.Count.EqualTo(1), "only the other page alerts in the revisit crawl");
            Assert.That((await _store.GetAlertOfListingAsync("l2"))!.Id, Is.EqualTo(first.Alert.Id));
            Assert.That(await _store.GetAlertHistoryAsync(first.Alert.Id), Has.Count.EqualTo(1));
            Assert.That((await _store.GetProgressAsync("c2")).ScoresPendingAlertDecision, Is.Zero, "a re-capture's score is decided too");
        });
    }

    [Test]
    public async Task A_higher_rescore_updates_the_alert_and_its_history_and_a_redelivery_changes_nothing()
    {
        await CaptureScoredListingAsync("c1", "l1", "http://a/item/1", "m1", 0.6, T0);
        await _store.AddScoreAsync(new Score("l1", "c1", "m2", 0.98, T0.AddHours(1)));
        var raised = await _store.DecideAlertAsync("l1", "m1", NewAlert("l1", "c1", 0.6, AlertSeverity.Low));

        var updated = await _store.DecideAlertAsync("l1", "m2", NewAlert("l1", "c1", 0.98, AlertSeverity.Critical) with { ModelVersion = "m2", RaisedAt = T0.AddHours(2) });
        var again = await _store.DecideAlertAsync("l1", "m2", NewAlert("l1", "c1", 0.98, AlertSeverity.Critical) with { ModelVersion = "m2", RaisedAt = T0.AddHours(3) });

        Assert.Multiple(async () =>
        {
            Assert.That((raised.Outcome, updated.Outcome, again.Outcome), Is.EqualTo((AlertOutcome.Raised, AlertOutcome.Updated, AlertOutcome.Unchanged)));
            Assert.That((updated.Previous!.Score, updated.Previous.ModelVersion, updated.Previous.Severity), Is.EqualTo((0.6, "m1", AlertSeverity.Low)));
            var stored = (await _store.GetAlertsAsync("c1")).Single();
            Assert.That((stored.Id, stored.Score, stored.ModelVersion, stored.Severity, stored.Revision, stored.UpdatedAt),
                Is.EqualTo((raised.Alert!.Id, 0.98, "m2", AlertSeverity.Critical, 1, (DateTimeOffset?)T0.AddHours(2))));
            var history = await _store.GetAlertHistoryAsync(stored.Id);
            Assert.That(history.Select(h => (h.Revision, h.Score, h.ModelVersion, h.Severity)),
                Is.EqualTo(new[] { (0, 0.6, "m1", AlertSeverity.Low), (1, 0.98, "m2", AlertSeverity.Critical) }));
        });
    }

    [Test]
    public async Task A_rescore_under_the_threshold_or_a_late_older_score_leaves_the_alert_as_it_is()
    {
        await CaptureScoredListingAsync("c1", "l1", "http://a/item/1", "m1", 0.6, T0);
        await _store.AddScoreAsync(new Score("l1", "c1", "m2", 0.9, T0.AddHours(2)));
        await _store.AddScoreAsync(new Score("l1", "c1", "m3", 0.2, T0.AddHours(3)));
        await _store.AddScoreAsync(new Score("l1", "c1", "m0", 0.7, T0.AddHours(1)));
        await _store.DecideAlertAsync("l1", "m1", NewAlert("l1", "c1", 0.6));
        await _store.DecideAlertAsync("l1", "m2", NewAlert("l1", "c1", 0.9) with { ModelVersion = "m2" });

        var under = await _store.DecideAlertAsync("l1", "m3", null);
        var late = await _store.DecideAlertAsync("l1", "m0", NewAlert("l1", "c1", 0.7) with { ModelVersion = "m0" });

        Assert.That((under.Outcome, late.Outcome), Is.EqualTo((AlertOutcome.None, AlertOutcome.Unchanged)));
        var stored = (await _store.GetAlertsAsync("c1")).Single();
        Assert.That((stored.Score, stored.ModelVersion, stored.Revision), Is.EqualTo((0.9, "m2", 1)));
    }

    [Test]
    public async Task Alerts_changed_in_a_period_include_raises_and_updates_by_time_of_change()
    {
        await CaptureScoredListingAsync("c1", "l1", "http://a/item/1", "m1", 0.6, T0);
        await CaptureScoredListingAsync("c1", "l2", "http://a/item/2", "m1", 0.9, T0);
        await _store.AddScoreAsync(new Score("l1", "c1", "m2", 0.95, T0.AddDays(1)));
        await _store.DecideAlertAsync("l1", "m1", NewAlert("l1", "c1", 0.6) with { RaisedAt = T0 });
        await _store.DecideAlertAsync("l2", "m1", NewAlert("l2", "c1", 0.9) with { RaisedAt = T0.AddHours(1) });
        await _store.DecideAlertAsync("l1", "m2", NewAlert("l1", "c1", 0.95) with { ModelVersion = "m2", RaisedAt = T0.AddDays(1).AddHours(2) });

        var day0 = await _store.GetAlertsChangedAsync(T0, T0.AddDays(1));
        var day1 = await _store.GetAlertsChangedAsync(T0.AddDays(1), T0.AddDays(2));

        Assert.That(day0.Select(a => a.ListingId), Is.EqualTo(new[] { "l2" }), "l1 changed later, so it belongs to the day of its update");
        Assert.That(day1.Select(a => (a.ListingId, a.Score)), Is.EqualTo(new[] { ("l1", 0.95) }));
    }

    // ---- Specimen provenance declarations

    [Test]
    public async Task A_provenance_declaration_round_trips_once_and_is_found_from_each_of_its_listings()
    {
        var declaration = new ProvenanceDeclaration("p1", "Ana Lima", "ana@example.org", "Carved ivory netsuke, 4 cm", "Loxodonta africana",
            AcquisitionMethod.ImportedWithPermit, new DateOnly(1998, 4, 2), "PT", "FR/2024/000123", ["l1", "l2", "l1"], T0) { SubmittedBy = "owner-portal" };
        var later = declaration with { Id = "p2", AcquisitionMethod = AcquisitionMethod.Inherited, CitesPermitNumber = null, ListingIds = ["l2"], SubmittedAt = T0.AddDays(1) };

        var added = await _store.AddProvenanceDeclarationAsync(declaration);
        var again = await _store.AddProvenanceDeclarationAsync(declaration with { OwnerName = "Someone else" });
        await _store.AddProvenanceDeclarationAsync(later);

        Assert.Multiple(async () =>
        {
            Assert.That((added, again), Is.EqualTo((true, false)), "idempotent on the id; the first submission stays");
            var stored = await _store.GetProvenanceDeclarationAsync("p1");
            Assert.That(stored, Is.Not.Null);
            Assert.That(stored! with { ListingIds = declaration.ListingIds }, Is.EqualTo(declaration));
            Assert.That(stored.ListingIds, Is.EqualTo(new[] { "l1", "l2", "l1" }), "kept as submitted");
            Assert.That((await _store.GetProvenanceDeclarationsAsync("l1")).Select(d => d.Id), Is.EqualTo(new[] { "p1" }));
            Assert.That((await _store.GetProvenanceDeclarationsAsync("l2")).Select(d => (d.Id, d.AcquisitionMethod)),
                Is.EqualTo(new[] { ("p1", AcquisitionMethod.ImportedWithPermit), ("p2", AcquisitionMethod.Inherited) }));
            Assert.That(await _store.GetProvenanceDeclarationsAsync("l9"), Is.Empty);
            Assert.That(await _store.GetProvenanceDeclarationsAsync(), Has.Count.EqualTo(2));
            Assert.That(await _store.GetProvenanceDeclarationAsync("nope"), Is.Null);
        });
    }

    [Test]
    public async Task Score_history_keeps_every_model_and_the_query_uses_the_latest()
    {
        await SeedListingsAsync(new Seed("l1", 0.2));
        await _store.AddScoresAsync([new Score("l1", "c1", "m2", 0.85, T0.AddHours(2)), new Score("l1", "c1", "m0", 0.05, T0.AddHours(-5))]);

        var history = await _store.GetScoreHistoryAsync("l1");
        var high = await _store.QueryListingsAsync(new ListingQuery { MinScore = 0.5 });
        var highElephants = await _store.QueryListingsAsync(new ListingQuery { MinScore = 0.5, SpeciesGroup = "elephants" });

        Assert.That(history.Select(s => (s.ModelVersion, s.Value)), Is.EqualTo(new[] { ("m0", 0.05), ("m1", 0.2), ("m2", 0.85) }));
        Assert.That(high.Items.Select(i => (i.Listing.Id, i.Score!.ModelVersion, i.Score.Value)), Is.EqualTo(new[] { ("l1", "m2", 0.85) }));
        Assert.That(highElephants.Items.Select(i => i.Listing.Id), Is.EqualTo(new[] { "l1" }));
    }

    [Test]
    public async Task A_score_keeps_its_product_type_and_reasons()
    {
        await SeedListingsAsync(new Seed("l1", null));
        const string reasons = "[{\"kind\":\"term\",\"feature\":\"ivory\",\"contribution\":4.2}]";
        await _store.AddScoreAsync(new Score("l1", "c1", "m1", 0.9, T0) { ProductType = "ivory", ReasonsJson = reasons });

        var history = await _store.GetScoreHistoryAsync("l1");
        var latest = (await _store.GetScoredListingsAsync("c1")).Single().Score;

        Assert.That(history.Select(s => (s.ProductType, s.ReasonsJson)), Is.EqualTo(new[] { ("ivory", reasons) }));
        Assert.That((latest!.ProductType, latest.ReasonsJson), Is.EqualTo(("ivory", reasons)));
    }

    [Test]
    public async Task Shadow_scores_are_kept_apart_and_never_become_the_latest_score_or_wait_for_an_alert_decision()
    {
        await SeedListingsAsync(new Seed("l1", 0.2), new Seed("l2", 0.3));
        var first = await _store.AddShadowScoreAsync(new Score("l1", "c1", "challenger", 0.95, T0.AddHours(5)) { ProductType = "ivory", ReasonsJson = "[]" });
        var again = await _store.AddShadowScoreAsync(new Score("l1", "c1", "challenger", 0.10, T0.AddHours(6)));
        await _store.AddShadowScoreAsync(new Score("l2", "c1", "challenger", 0.40, T0.AddHours(7)));
        await _store.AddShadowScoreAsync(new Score("l2", "c1", "other", 0.50, T0.AddHours(7)));

        var shadow = await _store.GetShadowScoresAsync("challenger");
        var latest = (await _store.QueryListingsAsync(new ListingQuery())).Items.ToDictionary(i => i.Listing.Id, i => i.Score!.ModelVersion);
        var progress = await _store.GetProgressAsync("c1");

        Assert.Multiple(() =>
        {
            Assert.That((first, again), Is.EqualTo((true, false)));
            Assert.That(shadow.Select(s => (s.ListingId, s.Value)), Is.EqualTo(new[] { ("l1", 0.95), ("l2", 0.40) }));
            Assert.That(shadow[0].ProductType, Is.EqualTo("ivory"));
            Assert.That(latest.Values, Is.All.EqualTo("m1"), "the live score stays the latest");
            Assert.That(progress.ScoresPendingAlertDecision, Is.EqualTo(2), "only the two live scores wait for a decision");
        });
    }

    [Test]
    public async Task Query_filters_by_score_species_platform_country_seller_and_time()
    {
        await SeedListingsAsync(
            new Seed("l1", 0.95, Species: "elephants", Host: "shop-a.example", Seller: "s1", Hours: 0),
            new Seed("l2", 0.80, Species: "rhinos", Host: "shop-a.example", Seller: "s2", Hours: 1),
            new Seed("l3", 0.60, Species: "elephants", Host: "shop-b.example", Seller: "s1", Hours: 2),
            new Seed("l4", 0.30, Species: "pangolins", Host: "shop-b.example", Seller: "s3", Hours: 3),
            new Seed("l5", 0.10, Species: "elephants", Host: "shop-c.example", Seller: null, Hours: 4));
        await SeedListingsAsync(new Seed("unscored", null, Species: "elephants"));
        await _store.SetListingCountryAsync("l3", "VN");
        await _store.SetListingCountryAsync("l4", "VN");

        async Task<string[]> Ids(ListingQuery q) => (await _store.QueryListingsAsync(q)).Items.Select(i => i.Listing.Id).ToArray();

        Assert.That(await Ids(new ListingQuery()), Is.EqualTo(new[] { "l1", "l2", "l3", "l4", "l5" }), "all scored, by score");
        Assert.That(await Ids(new ListingQuery { MinScore = 0.5, MaxScore = 0.9 }), Is.EqualTo(new[] { "l2", "l3" }), "score range");
        Assert.That(await Ids(new ListingQuery { SpeciesGroup = "elephants" }), Is.EqualTo(new[] { "l1", "l3", "l5" }), "species");
        Assert.That(await Ids(new ListingQuery { SpeciesGroup = "elephants", MinScore = 0.5 }), Is.EqualTo(new[] { "l1", "l3" }), "species and score");
        Assert.That(await Ids(new ListingQuery { Platform = "shop-b.example" }), Is.EqualTo(new[] { "l3", "l4" }), "platform");
        Assert.That(await Ids(new ListingQuery { Country = "VN" }), Is.EqualTo(new[] { "l3", "l4" }), "country");
        Assert.That(await Ids(new ListingQuery { Seller = "s1" }), Is.EqualTo(new[] { "l1", "l3" }), "seller");
        Assert.That(await Ids(new ListingQuery { From = T0.AddHours(1), Until = T0.AddHours(3) }), Is.EqualTo(new[] { "l2", "l3" }), "time");
        Assert.That(await Ids(new ListingQuery { SpeciesGroup = "elephants", Platform = "shop-b.example", Country = "VN", Seller = "s1" }),
            Is.EqualTo(new[] { "l3" }), "all together");
        Assert.That((await _store.GetListingAsync("l3"))!.Country, Is.EqualTo("VN"));
    }

    [TestCase(null)]
    [TestCase("elephants")]
    public async Task Keyset_paging_walks_every_listing_once_in_score_order(string? species)
    {
        // Ties on purpose: ten distinct scores for 37 listings, so pages break inside runs of equal scores.
        var seeds = Enumerable.Range(0, 37).Select(i => new Seed($"l{i:D2}", (i % 10) / 10.0, Species: "elephants")).ToArray();
        await SeedListingsAsync(seeds);
        var expected = seeds.OrderByDescending(s => s.Score).ThenBy(s => s.Id, StringComparer.Ordinal).Select(s => s.Id).ToList();

        var seen = new List<string>();
        var pages = 0;
        string? cursor = null;
        do
        {
            var page = await _store.QueryListingsAsync(new ListingQuery { SpeciesGroup = species, PageSize = 4, Cursor = cursor });
            Assert.That(page.Items, Has.Count.LessThanOrEqualTo(4));
            seen.AddRange(page.Items.Select(i => i.Listing.Id));
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null && pages < 100);

        Assert.That(seen, Is.EqualTo(expected));
        Assert.That(pages, Is.EqualTo(10));
    }

    [Test]
    public async Task A_full_last_page_has_no_next_cursor()
    {
        await SeedListingsAsync(new Seed("l1", 0.9), new Seed("l2", 0.8));

        var page = await _store.QueryListingsAsync(new ListingQuery { PageSize = 2 });

        Assert.That((page.Items.Count, page.NextCursor), Is.EqualTo((2, (string?)null)));
    }

    // ---- Host turns shared by fetcher replicas

    [Test]
    public async Task A_host_turn_goes_to_one_holder_until_it_ends_then_waits_for_the_next_allowed_time()
    {
        var lease = TimeSpan.FromMinutes(1);
        var first = await _store.TryTakeHostTurnAsync("shop.example", "a", T0, lease);
        var second = await _store.TryTakeHostTurnAsync("shop.example", "b", T0.AddSeconds(1), lease);
        var otherHost = await _store.TryTakeHostTurnAsync("other.example", "b", T0.AddSeconds(1), lease);
        await _store.EndHostTurnAsync("shop.example", "a", T0.AddSeconds(5));
        var tooEarly = await _store.TryTakeHostTurnAsync("shop.example", "b", T0.AddSeconds(4), lease);
        var due = await _store.TryTakeHostTurnAsync("shop.example", "b", T0.AddSeconds(5), lease);

        Assert.Multiple(() =>
        {
            Assert.That(first.Granted, Is.True);
            Assert.That(second, Is.EqualTo(new HostTurnOffer(false, T0, true)), "held by a");
            Assert.That(otherHost.Granted, Is.True, "hosts are independent");
            Assert.That(tooEarly, Is.EqualTo(new HostTurnOffer(false, T0.AddSeconds(5), false)));
            Assert.That(due.Granted, Is.True);
        });
    }

    [Test]
    public async Task An_abandoned_host_turn_is_taken_over_when_its_lease_runs_out_and_the_old_holder_cannot_end_it()
    {
        await _store.TryTakeHostTurnAsync("shop.example", "crashed", T0, TimeSpan.FromSeconds(30));

        var during = await _store.TryTakeHostTurnAsync("shop.example", "b", T0.AddSeconds(29), TimeSpan.FromSeconds(30));
        var after = await _store.TryTakeHostTurnAsync("shop.example", "b", T0.AddSeconds(30), TimeSpan.FromSeconds(30));
        await _store.EndHostTurnAsync("shop.example", "crashed", T0.AddSeconds(31));
        var stillB = await _store.TryTakeHostTurnAsync("shop.example", "c", T0.AddSeconds(40), TimeSpan.FromSeconds(30));

        Assert.Multiple(() =>
        {
            Assert.That(during.Granted, Is.False);
            Assert.That(after.Granted, Is.True);
            Assert.That(stillB.HeldByOther, Is.True, "a late end from the old holder does not free b's turn");
        });
    }

    [Test]
    public async Task Concurrent_requests_for_a_free_host_turn_grant_exactly_one()
    {
        var offers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Task.Run(() => _store.TryTakeHostTurnAsync("shop.example", $"h{i}", T0, TimeSpan.FromMinutes(1)))));

        Assert.That(offers.Count(o => o.Granted), Is.EqualTo(1));
    }

    // ---- Labels, models, subscriptions, audit

    [Test]
    public async Task Labels_are_kept_per_labeler_and_time_and_audited()
    {
        await SeedListingsAsync(new Seed("l1", 0.9), new Seed("l2", 0.1));
        var first = new Label("l1", true, "ivory", "ana", T0);
        var second = new Label("l1", false, null, "ben", T0.AddMinutes(5));
        var other = new Label("l2", false, null, "ana", T0.AddMinutes(1));

        Assert.That(await _store.AddLabelAsync(first), Is.True);
        Assert.That(await _store.AddLabelAsync(first), Is.False, "a redelivered label");
        Assert.That(await _store.AddLabelAsync(second), Is.True);
        Assert.That(await _store.AddLabelAsync(other), Is.True);

        Assert.That(await _store.GetLabelsAsync("l1"), Is.EqualTo(new[] { first, second }));
        Assert.That(await _store.GetLabelsAsync(), Is.EqualTo(new[] { first, other, second }));
        var audit = await _store.GetAuditAsync(subject: "l1");
        Assert.That(audit.Select(a => (a.Actor, a.Action, a.At)), Is.EqualTo(new[] { ("ana", "label", T0), ("ben", "label", T0.AddMinutes(5)) }));
    }

    [Test]
    public async Task A_registered_model_version_is_never_changed()
    {
        var m1 = new ModelEntry("m1", "{\"f1\":0.91}", new string('a', 64), T0);
        var m2 = new ModelEntry("m2", "{\"f1\":0.94}", new string('b', 64), T0.AddDays(1));

        Assert.That(await _store.RegisterModelAsync(m1), Is.True);
        Assert.That(await _store.RegisterModelAsync(m1 with { MetricsJson = "{\"f1\":1}" }), Is.False);
        Assert.That(await _store.RegisterModelAsync(m2), Is.True);

        Assert.That(await _store.GetModelAsync("m1"), Is.EqualTo(m1));
        Assert.That(await _store.GetModelAsync("m9"), Is.Null);
        Assert.That(await _store.GetModelsAsync(), Is.EqualTo(new[] { m2, m1 }));
    }

    [Test]
    public async Task Subscriptions_are_saved_replaced_and_deleted()
    {
        var pangolins = new Subscription("pangolins", "{\"species\":\"pangolins\"}", T0);
        var ivory = new Subscription("ivory-ke", "{\"species\":\"elephants\",\"country\":\"KE\"}", T0);
        await _store.SaveSubscriptionAsync(pangolins);
        await _store.SaveSubscriptionAsync(ivory);
        var replaced = pangolins with { FilterJson = "{\"species\":\"pangolins\",\"minScore\":0.7}", UpdatedAt = T0.AddHours(1) };
        await _store.SaveSubscriptionAsync(replaced);

        Assert.That(await _store.GetSubscriptionsAsync(), Is.EqualTo(new[] { ivory, replaced }));
        Assert.That(await _store.DeleteSubscriptionAsync("ivory-ke"), Is.True);
        Assert.That(await _store.DeleteSubscriptionAsync("ivory-ke"), Is.False);
        Assert.That(await _store.GetSubscriptionsAsync(), Is.EqualTo(new[] { replaced }));
    }

    [Test]
    public async Task Audit_entries_come_back_in_time_order_and_filter_by_subject_and_actor()
    {
        var entries = new[]
        {
            new AuditEntry("ana", "view", "l2", null, T0.AddMinutes(2)),
            new AuditEntry("ana", "view", "l1", null, T0),
            new AuditEntry("ben", "export", "l1", "{\"format\":\"warc\"}", T0.AddMinutes(1)),
            new AuditEntry("ben", "view", "l1", null, T0.AddMinutes(1)),
        };
        foreach (var entry in entries)
        {
            await _store.AppendAuditAsync(entry);
        }

        Assert.That(await _store.GetAuditAsync(), Is.EqualTo(new[] { entries[1], entries[2], entries[3], entries[0] }), "by time, then append order");
        Assert.That(await _store.GetAuditAsync(subject: "l1"), Is.EqualTo(new[] { entries[1], entries[2], entries[3] }));
        Assert.That(await _store.GetAuditAsync(actor: "ben"), Is.EqualTo(new[] { entries[2], entries[3] }));
        Assert.That(await _store.GetAuditAsync(limit: 2), Is.EqualTo(new[] { entries[1], entries[2] }));
    }

    // ---- Retention

    [Test]
    public async Task Retention_purges_settled_raw_captures_and_keeps_alerted_evidence()
    {
        var old = DateTimeOffset.UtcNow.AddDays(-40);
        await _store.CreateCrawlAsync(NewCrawl("c1"));
        await _store.CreateCrawlAsync(NewCrawl("c2"));
        var alerted = await OldCaptureAsync("c1", "cap-alerted", "a", old);
        var quiet = await OldCaptureAsync("c1", "cap-quiet", "b", old);
        var page = await OldCaptureAsync("c1", "cap-page", "c", old);
        var undecided = await OldCaptureAsync("c1", "cap-undecided", "d", old);
        var young = await OldCaptureAsync("c1", "cap-young", "e", DateTimeOffset.UtcNow);
        var copyOfAlerted = await OldCaptureAsync("c2", "cap-copy", "a", old);

        await Extract(alerted, "l-alerted", 0.9, alert: true);
        await Extract(quiet, "l-quiet", 0.1, alert: false);
        await _store.CompleteExtractionAsync(page.Id, null);
        await Extract(undecided, "l-undecided", 0.7, alert: null);
        await _store.CompleteExtractionAsync(young.Id, null);
        await Extract(copyOfAlerted, "l-copy", 0.2, alert: false);

        var result = await _store.PurgeRawCapturesAsync(DateTimeOffset.UtcNow.AddDays(-30));

        // quiet, page and the copy lose their raw captures; the copy's bytes are the alerted capture's, so they stay.
        Assert.That(result, Is.EqualTo(new PurgeResult(3, 6)));
        foreach (var kept in new[] { alerted, undecided, young, copyOfAlerted })
        {
            Assert.That(await _store.GetArtifactAsync(kept.ScreenshotSha256), Is.Not.Null, kept.Id);
        }

        Assert.That(await _store.GetArtifactAsync(quiet.HtmlSha256), Is.Null);
        Assert.That(await _store.GetArtifactAsync(page.ScreenshotSha256), Is.Null);
        Assert.That(await _store.GetArtifactAsync(quiet.ManifestSha256), Is.Not.Null, "the manifest stays as the record of the fetch");
        Assert.That((await _store.GetCaptureAsync(quiet.Id))!.PurgedAt, Is.Not.Null);
        Assert.That((await _store.GetCaptureAsync(alerted.Id))!.PurgedAt, Is.Null);
        var report = await new EvidenceVerifier(_store).VerifyAsync("c1");
        Assert.That((report.IsIntact, report.CapturesPurged), Is.EqualTo((true, 2)));
        Assert.That(await _store.PurgeRawCapturesAsync(DateTimeOffset.UtcNow.AddDays(-30)), Is.EqualTo(new PurgeResult(0, 0)), "idempotent");

        var html = "<html>b</html>"u8.ToArray();
        await _store.PutArtifactAsync(html, "text/html");
        Assert.That(await _store.GetArtifactAsync(quiet.HtmlSha256), Is.EqualTo(html), "bytes stored again are served again");

        async Task Extract(Capture capture, string listingId, double score, bool? alert)
        {
            await _store.CompleteExtractionAsync(capture.Id, NewListing(listingId, capture.CrawlId, capture.Id));
            await _store.AddScoreAsync(new Score(listingId, capture.CrawlId, "m1", score, DateTimeOffset.UtcNow));
            if (alert is { } raise)
            {
                await _store.CompleteAlertDecisionAsync(listingId, "m1", raise ? NewAlert(listingId, capture.CrawlId) : null);
            }
        }
    }

    // ---- Cases

    [Test]
    public async Task A_case_is_created_once_and_listed_newest_first()
    {
        var older = new InvestigationCase("op-tusk", "Operation Tusk", "ana", T0);
        var newer = new InvestigationCase("op-scale", "Pangolin scales", "ben", T0.AddHours(1));

        Assert.That(await _store.CreateCaseAsync(older), Is.True);
        Assert.That(await _store.CreateCaseAsync(older with { Title = "Renamed" }), Is.False, "an existing case id");
        Assert.That(await _store.CreateCaseAsync(newer), Is.True);

        Assert.That(await _store.GetCaseAsync("op-tusk"), Is.EqualTo(older));
        Assert.That(await _store.GetCaseAsync("missing"), Is.Null);
        Assert.That(await _store.GetCasesAsync(), Is.EqualTo(new[] { newer, older }));
        var audit = await _store.GetAuditAsync(subject: "op-tusk");
        Assert.That(audit.Select(a => (a.Actor, a.Action)), Is.EqualTo(new[] { ("ana", CaseAudit.Created) }));
    }

    [Test]
    public async Task Listings_are_added_to_a_case_once_in_order_and_audited_under_the_listing()
    {
        await SeedListingsAsync(new Seed("l1", 0.9), new Seed("l2", 0.8));
        await _store.CreateCaseAsync(new InvestigationCase("op-tusk", "Operation Tusk", "ana", T0));
        var second = new CaseListing("op-tusk", "l2", "ana", T0.AddMinutes(1));
        var first = new CaseListing("op-tusk", "l1", "ben", T0.AddMinutes(1));

        Assert.That(await _store.AddListingToCaseAsync(second), Is.True);
        Assert.That(await _store.AddListingToCaseAsync(first), Is.True);
        Assert.That(await _store.AddListingToCaseAsync(second with { AddedBy = "ben" }), Is.False, "already in the case");

        Assert.That(await _store.GetCaseListingsAsync("op-tusk"), Is.EqualTo(new[] { second, first }));
        Assert.That(await _store.GetCaseListingsAsync("other"), Is.Empty);
        var audit = await _store.GetAuditAsync(subject: "l2");
        Assert.That(audit.Select(a => (a.Actor, a.Action, a.Details)), Is.EqualTo(new[] { ("ana", CaseAudit.ListingAdded, (string?)"case op-tusk") }));
        Assert.That(async () => await _store.AddListingToCaseAsync(new CaseListing("missing", "l1", "ana", T0)), Throws.TypeOf<KeyNotFoundException>());
    }

    [Test]
    public async Task The_removed_filter_selects_listings_whose_page_was_found_removed()
    {
        await SeedListingsAsync(new Seed("gone", 0.9), new Seed("live", 0.8), new Seed("unwatched", 0.7));
        await _store.RecordListingSeenAsync("http://shop.example/item/gone", "seed", "c1", T0);
        await _store.RecordListingSeenAsync("http://shop.example/item/live", "seed", "c1", T0);
        await _store.MarkListingRemovedAsync("http://shop.example/item/gone", T0.AddDays(1), "404");

        var removed = await _store.QueryListingsAsync(new ListingQuery { Removed = true });
        var live = await _store.QueryListingsAsync(new ListingQuery { Removed = false });

        Assert.That(removed.Items.Select(i => i.Listing.Id), Is.EqualTo(new[] { "gone" }));
        Assert.That(live.Items.Select(i => i.Listing.Id), Is.EqualTo(new[] { "live", "unwatched" }));
    }

    // ---- Helpers

    private sealed record Seed(string Id, double? Score, string Species = "elephants", string Host = "shop.example", string? Seller = "seller-1", int Hours = 0);

    private async Task SeedListingsAsync(params Seed[] seeds)
    {
        await _store.CreateCrawlAsync(NewCrawl("c1"));
        var template = await NewCaptureAsync("c1", "template", "http://shop.example/", createCrawl: false);
        await _store.AddCapturesAsync(seeds.Select(s => template with { Id = "cap-" + s.Id, Url = Url(s), NormalizedUrl = Url(s), FinalUrl = Url(s) }).ToList());
        await _store.AddListingsAsync(seeds.Select(s => new Listing(
            s.Id, "c1", "cap-" + s.Id, Url(s), "Title " + s.Id, "Description", 10m, "USD", s.Seller, [],
            [new LexiconHit("term", "en", "Taxon", "I", s.Species, "product", false, 0, 4), new LexiconHit("faux", "en", "Taxon", "I", "decoys", "product", true, 5, 4)],
            T0.AddHours(s.Hours))).ToList());
        await _store.AddScoresAsync(seeds.Where(s => s.Score is not null).Select(s => new Score(s.Id, "c1", "m1", s.Score!.Value, T0)).ToList());

        static string Url(Seed s) => $"http://{s.Host}/item/{s.Id}";
    }

    // ---- Listing traits and seller linking

    [Test]
    public async Task Listing_traits_round_trip_and_a_second_save_replaces_them()
    {
        var image = new ListingImage("http://a/img/1.jpg", "ab12", 0xF0F0_0000_FFFF_1234UL, 640, 480, "jpeg")
        {
            Detail = 31.5, GpsLatitude = 10.5, GpsLongitude = 106.25, TakenAt = T0, CameraMake = "Canon", CameraModel = "EOS 80D", CameraSerial = "0830",
        };
        var traits = new ListingTraits("l1", "vi", [new ContactIdentifier(ContactKinds.Phone, "+84912345678")], [image])
        {
            SellerProfileUrl = "http://a/u/7", Location = "Hà Nội", PostedAt = T0, Categories = ["Antiques", "Carvings"],
        };

        await _store.SaveListingTraitsAsync(traits);
        var stored = await _store.GetListingTraitsAsync("l1");
        await _store.SaveListingTraitsAsync(traits with { Contacts = [new ContactIdentifier(ContactKinds.Email, "x@example.com")] });

        Assert.Multiple(async () =>
        {
            Assert.That(stored!.Language, Is.EqualTo("vi"));
            Assert.That(stored.Contacts, Is.EqualTo(traits.Contacts));
            Assert.That(stored.Images, Is.EqualTo(traits.Images));
            Assert.That((stored.SellerProfileUrl, stored.Location, stored.PostedAt), Is.EqualTo((traits.SellerProfileUrl, traits.Location, traits.PostedAt)));
            Assert.That(stored.Categories, Is.EqualTo(traits.Categories));
            Assert.That(await _store.FindListingsByContactAsync(ContactKinds.Phone, "+84912345678"), Is.Empty, "the replaced contact is gone");
            Assert.That(await _store.FindListingsByContactAsync(ContactKinds.Email, "x@example.com"), Is.EqualTo(new[] { "l1" }));
            Assert.That(await _store.GetListingTraitsAsync("missing"), Is.Null);
        });
    }

    [Test]
    public async Task Listings_are_found_by_a_shared_contact_of_the_same_kind_only()
    {
        await _store.SaveListingTraitsAsync(new ListingTraits("l2", null, [new ContactIdentifier(ContactKinds.Telegram, "seller_one")], []));
        await _store.SaveListingTraitsAsync(new ListingTraits("l1", null, [new ContactIdentifier(ContactKinds.Telegram, "seller_one")], []));
        await _store.SaveListingTraitsAsync(new ListingTraits("l3", null, [new ContactIdentifier(ContactKinds.WeChat, "seller_one")], []));

        Assert.That(await _store.FindListingsByContactAsync(ContactKinds.Telegram, "seller_one"), Is.EqualTo(new[] { "l1", "l2" }));
    }

    [TestCase(0, new[] { "same" })]
    [TestCase(3, new[] { "same", "three-bits" })]
    [TestCase(7, new[] { "same", "three-bits", "seven-bits" })]
    [TestCase(12, new[] { "same", "three-bits", "seven-bits", "twelve-bits" })]
    public async Task Similar_images_are_those_within_the_hamming_bound_nearest_first(int maxDistance, string[] expected)
    {
        const ulong Hash = 0x8000_0000_0000_0001UL;
        async Task Save(string listing, ulong hash) =>
            await _store.SaveListingTraitsAsync(new ListingTraits(listing, null, [], [new ListingImage($"http://a/{listing}.jpg", "s", hash, 1, 1, "jpeg") { Detail = 20.25 }]));
        await Save("twelve-bits", Hash ^ 0x0000_0FFF_0000_0000UL);
        await Save("seven-bits", Hash ^ 0x7F00_0000_0000_0000UL);
        await Save("three-bits", Hash ^ 0x0000_0000_0007_0000UL);
        await Save("same", Hash);
        await Save("far", ~Hash);

        var matches = await _store.FindSimilarImagesAsync(Hash, maxDistance);

        Assert.That(matches.Select(m => m.ListingId), Is.EqualTo(expected));
        Assert.That(matches.Select(m => m.Detail), Is.All.EqualTo(20.25), "each match carries its image's detail");
        Assert.That(matches.Select(m => m.Distance), Is.Ordered);
    }

    [Test]
    public async Task Actor_links_are_stored_once_and_group_listings_into_actors()
    {
        var phone = ActorLink.Between("l2", "l1", ContactKinds.Phone, "+84912345678", T0);
        var image = ActorLink.Between("l2", "l3", ActorLink.ImageKind, "http://a/2.jpg ~ http://b/3.jpg (2 bits)", T0);
        var other = ActorLink.Between("l8", "l9", ContactKinds.Email, "x@example.com", T0);

        var added = await _store.AddActorLinksAsync([phone, image, other]);
        var again = await _store.AddActorLinksAsync([phone]);
        var actors = await Actors.AllAsync(_store);
        var ofL3 = await Actors.OfListingAsync(_store, "l3");

        Assert.Multiple(async () =>
        {
            Assert.That((added, again), Is.EqualTo((3, 0)));
            Assert.That(phone.ListingA, Is.EqualTo("l1"), "links are stored in listing order");
            Assert.That(actors.Select(a => a.ListingIds), Is.EqualTo(new[] { new[] { "l1", "l2", "l3" }, new[] { "l8", "l9" } }));
            Assert.That(ofL3!.Id, Is.EqualTo(actors[0].Id));
            Assert.That(ofL3.Links.Select(l => (l.Kind, l.Evidence)), Is.EquivalentTo(new[] { (phone.Kind, phone.Evidence), (image.Kind, image.Evidence) }));
            Assert.That(await Actors.OfListingAsync(_store, "l5"), Is.Null);
        });
    }

    private static Crawl NewCrawl(string id) => new(id, DateTimeOffset.UtcNow, "{\"seeds\":[]}");

    private static FrontierEntry Entry(string crawl, string url, int depth = 0) =>
        new(crawl, url, url, "seed", depth, FrontierState.Queued, DateTimeOffset.UtcNow);

    private async Task<Capture> OldCaptureAsync(string crawl, string id, string tag, DateTimeOffset at)
    {
        var capture = await NewCaptureAsync(crawl, id, $"http://a/{id}", createCrawl: false, tag: tag) with { StartedAt = at, CapturedAt = at };
        await _store.AddCaptureAsync(capture);
        return capture;
    }

    /// <summary>A capture with real artifacts; <paramref name="tag"/> makes its HTML, text and screenshot bytes distinct.</summary>
    private async Task<Capture> NewCaptureAsync(string crawl, string id, string url, bool createCrawl = true, string tag = "", bool manifestNamesScreenshot = true)
    {
        if (createCrawl)
        {
            await _store.CreateCrawlAsync(NewCrawl(crawl));
        }

        var html = await _store.PutArtifactAsync(Encoding.UTF8.GetBytes($"<html>{tag}</html>"), "text/html");
        var text = await _store.PutArtifactAsync(Encoding.UTF8.GetBytes("text" + tag), "text/plain");
        var shot = await _store.PutArtifactAsync(Enumerable.Range(0, 64).Select(i => (byte)i).Concat(Encoding.UTF8.GetBytes(tag)).ToArray(), "image/png");
        var named = manifestNamesScreenshot ? shot : "none";
        var manifest = await _store.PutArtifactAsync(
            Encoding.UTF8.GetBytes($"{{\"h\":\"{html}\",\"id\":\"{id}\",\"s\":\"{named}\",\"t\":\"{text}\",\"url\":\"{url}\"}}"), "application/json");
        var now = DateTimeOffset.UtcNow;
        return new Capture(id, crawl, "seed", url, url, url, 200, 1, now, now, html, text, shot, manifest);
    }

    private static Listing NewListing(string id, string crawl, string capture) => new(
        id, crawl, capture, "http://a/item/1", "Carved ivory bangle", "Old stock, pre-ban.", 1250.50m, "USD", "seller-1",
        ["http://a/img/1.png"], [new LexiconHit("ivory", "en", "Loxodonta africana", "I", "elephants", "ivory", false, 7, 5)], DateTimeOffset.UtcNow);

    private static Alert NewAlert(string listing, string crawl, double score = 0.9, AlertSeverity severity = AlertSeverity.High) =>
        new("a-" + listing, listing, crawl, score, 0.5, "m1", severity, "elephants", "a", DateTimeOffset.UtcNow);

    /// <summary>A capture of <paramref name="url"/> in <paramref name="crawl"/>, its listing, and one score of it.</summary>
    private async Task CaptureScoredListingAsync(string crawl, string listingId, string url, string model, double score, DateTimeOffset at)
    {
        var capture = await NewCaptureAsync(crawl, "cap-" + listingId, url, tag: listingId) with { CapturedAt = at };
        await _store.AddCaptureAsync(capture);
        await _store.CompleteExtractionAsync(capture.Id, NewListing(listingId, crawl, capture.Id) with { Url = url });
        await _store.AddScoreAsync(new Score(listingId, crawl, model, score, at));
    }
}
