namespace WildlifeWatch.Detection.Tests;

public sealed class EvaluationReportTests
{
    private static ScoredExample Example(string language, bool label, double score, bool decoy = false, string? productType = null) =>
        new(new LabeledListing(Guid.NewGuid().ToString("N"), language, "t", "d", label, productType ?? (label ? ProductTypes.Ivory : ProductTypes.NotWildlife)) { Decoy = decoy }, score);

    [Test]
    public void A_perfect_ranking_has_areas_of_one_and_a_mixed_one_the_known_figures()
    {
        var perfect = new[] { Example("en", true, 0.9), Example("en", true, 0.8), Example("en", false, 0.3), Example("en", false, 0.1) };
        // Positives at ranks 1 and 3 of 4: ROC AUC 3/4; average precision (1/1 + 2/3) / 2.
        var mixed = new[] { Example("en", true, 0.9), Example("en", false, 0.8), Example("en", true, 0.7), Example("en", false, 0.1) };

        Assert.Multiple(() =>
        {
            Assert.That(EvaluationReport.RocAuc(perfect), Is.EqualTo(1.0));
            Assert.That(EvaluationReport.AveragePrecision(perfect), Is.EqualTo(1.0));
            Assert.That(EvaluationReport.RocAuc(mixed), Is.EqualTo(0.75).Within(1e-12));
            Assert.That(EvaluationReport.AveragePrecision(mixed), Is.EqualTo((1 + (2.0 / 3)) / 2).Within(1e-12));
        });
    }

    [Test]
    public void The_report_counts_the_confusion_matrix_and_decoys_per_language_and_product_type()
    {
        var scored = new[]
        {
            Example("en", true, 0.9), Example("en", true, 0.4, productType: ProductTypes.Horn), Example("en", false, 0.7, decoy: true),
            Example("fr", true, 0.8), Example("fr", false, 0.2, decoy: true), Example("fr", false, 0.1),
        };

        var report = EvaluationReport.Create(scored);

        var en = report.ByLanguage.Single(m => m.Group == "en");
        var horn = report.ByProductType.Single(m => m.Group == ProductTypes.Horn);
        Assert.Multiple(() =>
        {
            Assert.That((report.Overall.TruePositives, report.Overall.FalsePositives, report.Overall.TrueNegatives, report.Overall.FalseNegatives), Is.EqualTo((2, 1, 2, 1)));
            Assert.That(report.Overall.F1, Is.EqualTo(2.0 / 3).Within(1e-12));
            Assert.That((report.Overall.Decoys, report.Overall.DecoysBelowCut), Is.EqualTo((2, 1)));
            Assert.That(report.ByLanguage.Select(m => m.Group), Is.EqualTo(new[] { "en", "fr" }));
            Assert.That((en.Precision, en.Recall), Is.EqualTo(((double?)0.5, (double?)0.5)));
            Assert.That(horn.Recall, Is.Zero);
            Assert.That(report.ToText(), Does.Contain("confusion matrix").And.Contain("fr"));
            Assert.That(report.ToJson().GetProperty("byLanguage").GetProperty("fr").GetProperty("recall").GetDouble(), Is.EqualTo(1.0));
        });
    }

    [Test]
    public void The_charts_are_valid_png_images_that_differ_with_the_figures()
    {
        var good = EvaluationReport.Create([Example("en", true, 0.9), Example("en", false, 0.1)]);
        var bad = EvaluationReport.Create([Example("en", true, 0.1), Example("en", false, 0.9), Example("en", true, 0.6)]);

        var curve = ReportCharts.PrecisionRecallCurve(good);
        var matrix = ReportCharts.ConfusionMatrix(good);

        byte[] signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        Assert.Multiple(() =>
        {
            Assert.That(curve.Take(8), Is.EqualTo(signature));
            Assert.That(matrix.Take(8), Is.EqualTo(signature));
            Assert.That(System.Text.Encoding.ASCII.GetString(curve, 12, 4), Is.EqualTo("IHDR"));
            Assert.That(curve, Is.Not.EqualTo(ReportCharts.PrecisionRecallCurve(bad)));
            Assert.That(matrix, Is.Not.EqualTo(ReportCharts.ConfusionMatrix(bad)));
        });
    }
}
