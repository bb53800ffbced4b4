namespace Takedown.Core.Hashing;

/// <summary>A PDQ hash with its quality (0..100).</summary>
public readonly record struct PdqHashWithQuality(PdqHash Hash, int Quality);
