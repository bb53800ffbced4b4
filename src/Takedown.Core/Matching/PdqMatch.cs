namespace Takedown.Core.Matching;

/// <summary>An indexed entry within the query radius; <see cref="Distance"/> is the exact Hamming distance (0..256).</summary>
public readonly record struct PdqMatch(long Id, int Distance);
