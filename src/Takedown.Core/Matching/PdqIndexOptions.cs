namespace Takedown.Core.Matching;

/// <summary>Tuning for <see cref="PdqIndex"/>; the defaults suit an index of up to tens of millions of hashes.</summary>
public sealed class PdqIndexOptions
{
    /// <summary>
    /// Entries added since the last merge are scanned brute force by every query; once this many
    /// have piled up a background merge folds them into the sorted segments. Default 4,096: a full
    /// delta is a 128 KiB scan (under 10 us per query), while each merge rebuilds the segments
    /// (seconds at 10 million entries, on another core).
    /// </summary>
    public int DeltaMergeThreshold { get; init; } = 4096;

    /// <summary>
    /// When false only <see cref="PdqIndex.Compact"/> merges, which makes timings and tests deterministic.
    /// </summary>
    public bool MergeInBackground { get; init; } = true;

    /// <summary>Off only to measure plain multi-index hashing against the pair filter.</summary>
    internal bool UsePartnerFilter { get; init; } = true;
}
