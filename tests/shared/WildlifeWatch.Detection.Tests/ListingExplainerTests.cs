using System.Text.Json;

namespace WildlifeWatch.Detection.Tests;

public sealed class ListingExplainerTests
{
    private ListingModel _model = null!;

    [OneTimeSetUp]
    public void Train() => _model = ListingModel.Train(TrainingData.LoadDefault(), LexiconMatcher.LoadDefault());

    [OneTimeTearDown]
    public void Dispose() => _model.Dispose();

    [TestCase("Carved elephant ivory bangle, 62mm", "old piece, smooth, no cracks. shipping worldwide", "elephant ivory", "ivory")]
    [TestCase("Bracelet ivoire ancien", "joli bracelet en ivoire véritable, envoi discret", "ivoire", "ivory")]
    [TestCase("穿山甲鳞片 500克", "干净 无杂质 私聊价格", "穿山甲", "pangolin")]
    public void The_explanation_of_a_positive_names_the_lexicon_term_that_drove_it(string title, string description, string term, string group)
    {
        var prediction = _model.Predict(title, description);
        TestContext.Out.WriteLine(JsonSerializer.Serialize(prediction.Reasons));

        var terms = prediction.Reasons.Where(r => r.Kind == Reason.Term).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(prediction.Score, Is.GreaterThan(0.5));
            Assert.That(terms.Select(r => r.Feature), Has.Some.Contains(term), "a term reason names the lexicon term");
            Assert.That(terms.Where(r => r.Feature.Contains(term, StringComparison.Ordinal)).Max(r => r.Contribution), Is.GreaterThan(0), "and it pushed towards wildlife");
            Assert.That(prediction.Reasons[0].Kind, Is.AnyOf(Reason.Term, Reason.SignalTerm), "lexicon evidence is the strongest reason");
            Assert.That(prediction.Taxa.Select(t => t.SpeciesGroup), Does.Contain(group));
            Assert.That(prediction.Taxa.All(t => t.Appendix is "I" or "II" or "III"), Is.True, "every taxon has its CITES appendix");
        });
    }

    [Test]
    public void The_explanation_of_a_decoy_names_the_decoy_context_that_held_it_down()
    {
        var prediction = _model.Predict("Faux ivory resin elephant figurine", "hand painted polyresin ornament, imitation, not real ivory");
        TestContext.Out.WriteLine(JsonSerializer.Serialize(prediction.Reasons));

        Assert.Multiple(() =>
        {
            Assert.That(prediction.Score, Is.LessThan(0.5));
            Assert.That(prediction.PredictedProductType, Is.EqualTo(ProductTypes.NotWildlife));
            Assert.That(prediction.Reasons.Where(r => r.Kind == Reason.DecoyTerm && r.Contribution < 0), Is.Not.Empty);
        });
    }

    [Test]
    public void Reasons_are_ordered_by_the_size_of_their_contribution_and_bounded()
    {
        var prediction = _model.Predict("Rhino horn powder 50g", "genuine horn, traditional medicine, DM for price $300");

        var sizes = prediction.Reasons.Select(r => Math.Abs(r.Contribution)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(prediction.Reasons, Has.Count.InRange(1, ListingModel.ReasonCount));
            Assert.That(sizes, Is.Ordered.Descending);
            Assert.That(prediction.PredictedProductType, Is.EqualTo(ProductTypes.Horn));
        });
    }

    [Test]
    public void A_model_loaded_from_its_file_explains_like_the_trained_one()
    {
        var path = Path.Combine(Path.GetTempPath(), $"wtw-explain-{Guid.NewGuid():N}.zip");
        try
        {
            _model.Save(path);
            using var loaded = ListingModel.Load(path, LexiconMatcher.LoadDefault());
            var expected = _model.Predict("tiger bone wine 5 bottles", "aged 10 years");
            var actual = loaded.Predict("tiger bone wine 5 bottles", "aged 10 years");
            Assert.That(actual.Reasons.Select(r => (r.Kind, r.Feature)), Is.EqualTo(expected.Reasons.Select(r => (r.Kind, r.Feature))));
            Assert.That(actual.Reasons, Is.Not.Empty);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
