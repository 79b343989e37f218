namespace WildlifeWatch.Detection.Tests;

public sealed class ListingModelTests
{
    private ListingModel _model = null!;
    private string _directory = null!;

    [OneTimeSetUp]
    public void TrainOnce()
    {
        _model = ListingModel.Train(TrainingData.LoadDefault(), LexiconMatcher.LoadDefault());
        _directory = Path.Combine(Path.GetTempPath(), "wtw-model-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
    }

    [OneTimeTearDown]
    public void TearDown()
    {
        _model.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    public void Train_save_load_predict_gives_the_same_scores_and_version()
    {
        var path = Path.Combine(_directory, "round-trip.zip");
        _model.Save(path);

        using var loaded = ListingModel.Load(path, LexiconMatcher.LoadDefault());

        Assert.Multiple(() =>
        {
            Assert.That(loaded.Version, Is.EqualTo(_model.Version));
            foreach (var (title, description) in Samples)
            {
                Assert.That(loaded.Predict(title, description).Score, Is.EqualTo(_model.Predict(title, description).Score).Within(1e-6), title);
            }
        });
    }

    [Test]
    public void The_version_is_stable_for_the_same_data_and_changes_with_the_data()
    {
        var data = TrainingData.LoadDefault();
        using var again = ListingModel.Train(data, LexiconMatcher.LoadDefault());
        using var other = ListingModel.Train(data.Skip(1).ToList(), LexiconMatcher.LoadDefault());

        Assert.Multiple(() =>
        {
            Assert.That(_model.Version, Does.Match("^m-[0-9a-f]{12}$"));
            Assert.That(again.Version, Is.EqualTo(_model.Version));
            Assert.That(other.Version, Is.Not.EqualTo(_model.Version));
        });
    }

    [TestCase("Genuine rhino horn 800g, serious buyers", "rhino discreet shipping worldwide, price in DM", "rhino", "horn")]
    [TestCase("Vòng tay ngà voi thật", "bao test, ship kín toàn quốc, giá 3tr", "ivory", "ivory")]
    [TestCase("穿山甲片 500克", "正品炮山甲片，量大从优，价格私聊", "pangolin", "scales")]
    public void An_unseen_wildlife_listing_scores_above_the_cut_with_its_group(string title, string description, string group, string product)
    {
        var prediction = _model.Predict(title, description);

        Assert.Multiple(() =>
        {
            Assert.That(prediction.Score, Is.GreaterThan(0.5));
            Assert.That(prediction.SpeciesGroup, Is.EqualTo(group));
            Assert.That(prediction.ProductType, Is.EqualTo(product));
        });
    }

    [TestCase("Ivory satin bridesmaid dress size 8", "Worn once at my sister's wedding, colour ivory, dry cleaned. $40")]
    [TestCase("Tiger Balm white 30g", "Sealed, for headaches. $6")]
    [TestCase("Rhino 3D v8 licence", "Full commercial licence, transferable, $700")]
    public void An_unseen_decoy_scores_below_the_cut(string title, string description) =>
        Assert.That(_model.Predict(title, description).Score, Is.LessThan(0.5));

    [Test]
    public void A_listing_without_positive_hits_has_no_species_group()
    {
        var prediction = _model.Predict("Toyota Corolla 2014", "120k miles, one owner");

        Assert.That((prediction.SpeciesGroup, prediction.ProductType), Is.EqualTo(((string?)null, (string?)null)));
    }

    [Test]
    public void Predict_is_safe_from_many_threads()
    {
        var expected = Samples.Select(s => _model.Predict(s.Title, s.Description).Score).ToArray();

        var results = Enumerable.Range(0, 64).AsParallel().Select(i =>
        {
            var s = Samples[i % Samples.Length];
            return (i, score: _model.Predict(s.Title, s.Description).Score);
        }).ToList();

        Assert.That(results.All(r => Math.Abs(r.score - expected[r.i % Samples.Length]) < 1e-9), Is.True);
    }

    private static readonly (string Title, string Description)[] Samples =
    [
        ("Old ivory bangle", "pre-ban, real not resin, $400"),
        ("Faux fur leopard coat", "size M, vegan"),
        ("犀牛角 整支", "可验货"),
        ("IKEA desk", "white, $30"),
    ];
}
