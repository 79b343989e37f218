namespace WildlifeWatch.Store;

/// <summary>When a new score changes a listing's existing alert; both stores apply the same rule.</summary>
public static class AlertRules
{
    /// <summary>
    /// True when <paramref name="candidate"/> (a score over the threshold, scored at <paramref name="scoredAt"/>) should
    /// update <paramref name="current"/>: it is not older than the score the alert carries, and it is either higher or
    /// comes from another model (a rescore by a new model). A re-capture scored equal or lower by the same model, and a
    /// redelivered decision, change nothing.
    /// </summary>
    public static bool Supersedes(Alert current, Alert candidate, DateTimeOffset? scoredAt)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(candidate);
        if (current.ScoredAt is { } carried && scoredAt is { } given && given < carried)
        {
            return false;
        }

        return candidate.Score > current.Score || !string.Equals(candidate.ModelVersion, current.ModelVersion, StringComparison.Ordinal);
    }

    /// <summary>The alert after <paramref name="candidate"/> updated it: identity, species and platform stay; the score's facts move.</summary>
    public static Alert Apply(Alert current, Alert candidate, DateTimeOffset? scoredAt)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(candidate);
        return current with
        {
            Score = candidate.Score,
            Threshold = candidate.Threshold,
            ModelVersion = candidate.ModelVersion,
            Severity = candidate.Severity,
            UpdatedAt = candidate.RaisedAt,
            Revision = current.Revision + 1,
            ScoredAt = scoredAt ?? current.ScoredAt,
        };
    }
}
