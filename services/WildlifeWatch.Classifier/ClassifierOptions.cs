using System.ComponentModel.DataAnnotations;

namespace WildlifeWatch.Classifier;

/// <summary>Settings of the classifier (section <c>Classifier</c>, environment <c>Classifier__ModelPath</c>, ...).</summary>
public sealed class ClassifierOptions
{
    public const string Section = "Classifier";

    /// <summary>The model used while none is published; trained from <see cref="TrainingDataPath"/> and saved here when missing.</summary>
    [Required]
    public string ModelPath { get; set; } = Path.Combine("var", "models", "listing-model.zip");

    /// <summary>Local cache of registered models, one file per version; the store holds the originals.</summary>
    [Required]
    public string ModelDirectory { get; set; } = Path.Combine("var", "models");

    /// <summary>A JSON-lines corpus to train from; empty means the corpus embedded in WildlifeWatch.Detection.</summary>
    public string? TrainingDataPath { get; set; }
}
