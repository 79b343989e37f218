using WildlifeWatch.Contracts.V1;

namespace WildlifeWatch.Detection;

/// <summary>Finds CITES lexicon terms (and decoy context, as negative hits) in a listing's text.</summary>
public interface ILexiconMatcher
{
    IReadOnlyList<LexiconHit> Match(string text);
}
