namespace WildlifeWatch.Detection.Tests;

/// <summary>The corpus and the model it trains, judged by stratified 5-fold cross-validation.</summary>
public sealed class CorpusQualityTests
{
    [Test]
    public void The_corpus_has_the_promised_size_and_mix()
    {
        var data = TrainingData.LoadDefault();
        var negatives = data.Where(d => !d.Label).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(data, Has.Count.GreaterThanOrEqualTo(600));
            Assert.That((double)data.Count(d => d.Label) / data.Count, Is.InRange(0.35, 0.45));
            Assert.That(negatives.Count(d => d.Decoy), Is.GreaterThanOrEqualTo(negatives.Count / 2));
            foreach (var language in new[] { "en", "fr", "es", "pt", "zh-Hans", "zh-Hant", "vi", "th", "id", "de", "ja" })
            {
                Assert.That(data.Count(d => d.Language == language && d.Label), Is.GreaterThanOrEqualTo(10), language + " positives");
                Assert.That(data.Count(d => d.Language == language && d.Decoy), Is.GreaterThanOrEqualTo(8), language + " decoys");
            }
        });
    }

    [Test]
    public void Five_fold_cross_validation_reaches_F1_of_0_9_and_keeps_90_percent_of_decoys_below_the_cut()
    {
        var result = ModelEvaluation.CrossValidate(TrainingData.LoadDefault(), LexiconMatcher.LoadDefault(), folds: 5, seed: 7);
        TestContext.Out.WriteLine(result.ToString());
        foreach (var (listing, score) in result.Mistakes)
        {
            TestContext.Out.WriteLine($"  {score:F2} {(listing.Label ? "positive" : listing.Decoy ? "decoy" : "negative")} {listing.Id} {listing.Title}");
        }

        Assert.Multiple(() =>
        {
            Assert.That(result.F1, Is.GreaterThanOrEqualTo(0.9));
            Assert.That(result.DecoyPassRate, Is.GreaterThanOrEqualTo(0.9));
        });
    }
}
