using WildlifeWatch.Contracts.V1;

namespace WildlifeWatch.Detection;

/// <summary>
/// Finds every lexicon term in a text in one pass with an Aho-Corasick automaton over normalized text
/// (<see cref="TextNormalizer"/>). Hit spans (Start, Length) are offsets in the NORMALIZED text.
/// </summary>
/// <remarks>
/// A term that begins (ends) with a Latin letter or digit must begin (end) at a word boundary — the neighbour is not
/// a Latin letter or digit — so "python" does not hit "pythonic". A Latin term may carry a plural "-s"/"-es" before its
/// right boundary ("tusk" hits "tusks"). CJK, Thai and Japanese terms match anywhere, as those scripts have no spaces.
/// When the same normalized term is listed under several languages, the first listed wins, so a span is reported once.
/// </remarks>
public sealed class LexiconMatcher : ILexiconMatcher
{
    private static readonly Lazy<LexiconMatcher> Default = new(() => new LexiconMatcher(Lexicon.LoadEmbedded()));

    private readonly List<Dictionary<char, int>> _children = [new()];
    private readonly List<int> _fail = [0];
    private readonly List<List<int>> _outputs = [[]];
    private readonly List<Entry> _entries = [];

    public LexiconMatcher(Lexicon lexicon)
    {
        ArgumentNullException.ThrowIfNull(lexicon);
        Lexicon = lexicon;
        var seen = new HashSet<(string, bool)>();
        foreach (var term in lexicon.Terms)
        {
            var normalized = TextNormalizer.Normalize(term.Term);
            if (normalized.Length == 0 || !seen.Add((normalized, term.Negative)))
            {
                continue;
            }

            _entries.Add(new Entry(term, normalized.Length, NeedsBoundary(normalized[0]), NeedsBoundary(normalized[^1])));
            Insert(normalized, _entries.Count - 1);
        }

        BuildFailureLinks();
    }

    public Lexicon Lexicon { get; }

    /// <summary>Number of distinct (normalized) terms in the automaton.</summary>
    public int TermCount => _entries.Count;

    /// <summary>The matcher over the lexicon embedded in this assembly; built once per process.</summary>
    public static LexiconMatcher LoadDefault() => Default.Value;

    public IReadOnlyList<LexiconHit> Match(string text) => MatchNormalized(TextNormalizer.Normalize(text));

    /// <summary>Matches text that is already normalized (callers that need the normalized text too avoid doing it twice).</summary>
    public IReadOnlyList<LexiconHit> MatchNormalized(string normalized)
    {
        var hits = new List<LexiconHit>();
        var state = 0;
        for (var i = 0; i < normalized.Length; i++)
        {
            var c = normalized[i];
            while (state != 0 && !_children[state].ContainsKey(c))
            {
                state = _fail[state];
            }

            state = _children[state].GetValueOrDefault(c, 0);
            foreach (var index in _outputs[state])
            {
                var entry = _entries[index];
                var start = i + 1 - entry.Length;
                if (entry.LeftBoundary && !IsBoundary(normalized, start - 1))
                {
                    continue;
                }

                var end = i + 1;
                if (entry.RightBoundary && !TryRightBoundary(normalized, ref end))
                {
                    continue;
                }

                var t = entry.Term;
                hits.Add(new LexiconHit(t.Term, t.Language, t.Taxon, t.CitesAppendix, t.SpeciesGroup, t.ProductType, t.Negative, start, end - start));
            }
        }

        hits.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : b.Length.CompareTo(a.Length));
        return hits;
    }

    private static bool NeedsBoundary(char c) => TextNormalizer.IsLatinLetter(c) || char.IsAsciiDigit(c);

    private static bool IsBoundary(string s, int index) =>
        index < 0 || index >= s.Length || !(TextNormalizer.IsLatinLetter(s[index]) || char.IsDigit(s[index]));

    private static bool TryRightBoundary(string s, ref int end)
    {
        if (IsBoundary(s, end))
        {
            return true;
        }

        // Plural forms: "tusks", "rhinos", "boxes".
        if (end < s.Length && s[end] == 's' && IsBoundary(s, end + 1))
        {
            end += 1;
            return true;
        }

        if (end + 1 < s.Length && s[end] == 'e' && s[end + 1] == 's' && IsBoundary(s, end + 2))
        {
            end += 2;
            return true;
        }

        return false;
    }

    private void Insert(string normalized, int entryIndex)
    {
        var node = 0;
        foreach (var c in normalized)
        {
            if (!_children[node].TryGetValue(c, out var next))
            {
                next = _children.Count;
                _children.Add([]);
                _fail.Add(0);
                _outputs.Add([]);
                _children[node][c] = next;
            }

            node = next;
        }

        _outputs[node].Add(entryIndex);
    }

    /// <summary>Breadth-first: each node's failure link is the longest proper suffix that is also a trie path; outputs are merged along it.</summary>
    private void BuildFailureLinks()
    {
        var queue = new Queue<int>();
        foreach (var child in _children[0].Values)
        {
            _fail[child] = 0;
            queue.Enqueue(child);
        }

        while (queue.Count > 0)
        {
            var node = queue.Dequeue();
            foreach (var (c, child) in _children[node])
            {
                var f = _fail[node];
                while (f != 0 && !_children[f].ContainsKey(c))
                {
                    f = _fail[f];
                }

                _fail[child] = _children[f].TryGetValue(c, out var target) && target != child ? target : 0;
                _outputs[child].AddRange(_outputs[_fail[child]]);
                queue.Enqueue(child);
            }
        }
    }

    private sealed record Entry(LexiconTerm Term, int Length, bool LeftBoundary, bool RightBoundary);
}
