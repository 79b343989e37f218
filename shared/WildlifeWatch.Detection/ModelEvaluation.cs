namespace WildlifeWatch.Detection;

/// <summary>Figures of a stratified k-fold cross-validation of <see cref="ListingModel"/> at the 0.5 cut.</summary>
public sealed record CrossValidationResult(
    int Folds,
    int TruePositives,
    int FalsePositives,
    int TrueNegatives,
    int FalseNegatives,
    int Decoys,
    int DecoysBelowCut,
    IReadOnlyList<(LabeledListing Listing, double Score)> Mistakes)
{
    public double Precision => TruePositives + FalsePositives == 0 ? 0 : (double)TruePositives / (TruePositives + FalsePositives);

    public double Recall => TruePositives + FalseNegatives == 0 ? 0 : (double)TruePositives / (TruePositives + FalseNegatives);

    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);

    public double Accuracy => (double)(TruePositives + TrueNegatives) / (TruePositives + FalsePositives + TrueNegatives + FalseNegatives);

    /// <summary>Share of hard decoys that score below the cut, i.e. would not raise an alert.</summary>
    public double DecoyPassRate => Decoys == 0 ? 1 : (double)DecoysBelowCut / Decoys;

    public override string ToString() =>
        $"{Folds}-fold CV: precision {Precision:P1}, recall {Recall:P1}, F1 {F1:F3}, accuracy {Accuracy:P1}, decoys below 0.5 {DecoysBelowCut}/{Decoys} ({DecoyPassRate:P1})";
}

public static class ModelEvaluation
{
    public const double Cut = 0.5;

    /// <summary>
    /// Stratified k-fold cross-validation: listings are shuffled with the seed and dealt round-robin into folds within
    /// each stratum (positive, plain negative, decoy), so every fold has the corpus's mix.
    /// </summary>
    public static CrossValidationResult CrossValidate(IReadOnlyList<LabeledListing> data, ILexiconMatcher lexicon, int folds = 5, int seed = 7) =>
        CrossValidate(data, lexicon, ListingModelOptions.Default, folds, seed);

    internal static CrossValidationResult CrossValidate(IReadOnlyList<LabeledListing> data, ILexiconMatcher lexicon, ListingModelOptions options, int folds = 5, int seed = 7)
    {
        int tp = 0, fp = 0, tn = 0, fn = 0, decoys = 0, decoysBelow = 0;
        var mistakes = new List<(LabeledListing, double)>();
        foreach (var (item, score) in OutOfFoldScores(data, lexicon, options, folds, seed))
        {
            var predicted = score >= Cut;
            switch ((item.Label, predicted))
            {
                case (true, true): tp++; break;
                case (true, false): fn++; mistakes.Add((item, score)); break;
                case (false, true): fp++; mistakes.Add((item, score)); break;
                default: tn++; break;
            }

            if (item.Decoy)
            {
                decoys++;
                decoysBelow += predicted ? 0 : 1;
            }
        }

        return new CrossValidationResult(folds, tp, fp, tn, fn, decoys, decoysBelow, mistakes);
    }

    /// <summary>Cross-validated scores of every listing with the named trainer: each scored by the model of the folds it was not in.</summary>
    public static IReadOnlyList<ScoredExample> OutOfFoldScores(IReadOnlyList<LabeledListing> data, ILexiconMatcher lexicon, string trainer, int folds = 5, int seed = 7) =>
        OutOfFoldScores(data, lexicon, ListingModelOptions.ForTrainer(trainer), folds, seed);

    /// <summary>Scores every listing with the model; the same report input as the cross-validated scores.</summary>
    public static IReadOnlyList<ScoredExample> Score(ListingModel model, IReadOnlyList<LabeledListing> data)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        var scored = new ScoredExample[data.Count];
        Parallel.For(0, data.Count, i => scored[i] = new ScoredExample(data[i], model.Predict(data[i].Title, data[i].Description).Score));
        return scored;
    }

    internal static IReadOnlyList<ScoredExample> OutOfFoldScores(IReadOnlyList<LabeledListing> data, ILexiconMatcher lexicon, ListingModelOptions options, int folds, int seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);
        var random = new Random(seed);
        var foldOf = new Dictionary<LabeledListing, int>(ReferenceEqualityComparer.Instance);
        foreach (var stratum in data.GroupBy(d => (d.Label, d.Decoy)))
        {
            var shuffled = stratum.OrderBy(_ => random.Next()).ToList();
            for (var i = 0; i < shuffled.Count; i++)
            {
                foldOf[shuffled[i]] = i % folds;
            }
        }

        var result = new List<ScoredExample>(data.Count);
        for (var fold = 0; fold < folds; fold++)
        {
            var train = data.Where(d => foldOf[d] != fold).ToList();
            using var model = ListingModel.Train(train, lexicon, options, seed);
            result.AddRange(Score(model, data.Where(d => foldOf[d] == fold).ToList()));
        }

        return result;
    }
}

/// <summary>A labeled listing and the score a model gave it.</summary>
public sealed record ScoredExample(LabeledListing Listing, double Score);
