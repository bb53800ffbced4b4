namespace Takedown.Core.Hashing;

/// <summary>
/// The outcome of hashing an untrusted file: either a hash with its quality (0..100; below 50 is
/// conventionally too weak to match on), or a <see cref="DecodeError"/>.
/// </summary>
public sealed record PdqResult
{
    private PdqResult(PdqHash hash, int quality, PdqDihedralHashes? dihedral, DecodeError? error)
    {
        Hash = hash;
        Quality = quality;
        Dihedral = dihedral;
        Error = error;
    }

    /// <summary>True when <see cref="Hash"/> and <see cref="Quality"/> are meaningful.</summary>
    public bool IsSuccess => Error is null;

    /// <summary>The hash, as <c>pdq-photo-hasher</c> prints it. Zero on failure.</summary>
    public PdqHash Hash { get; }

    /// <summary>Quality 0..100, as the reference computes it. Zero on failure.</summary>
    public int Quality { get; }

    /// <summary>The eight dihedral hashes, when asked for and successful.</summary>
    public PdqDihedralHashes? Dihedral { get; }

    /// <summary>Why decoding failed, or null.</summary>
    public DecodeError? Error { get; }

    internal static PdqResult Success(PdqHash hash, int quality, PdqDihedralHashes? dihedral) =>
        new(hash, quality, dihedral, null);

    internal static PdqResult Failure(DecodeError error) => new(default, 0, null, error);
}
