namespace Takedown.Core.Signals;

/// <summary>SHA-256 of a file's bytes, matched exactly; every uploaded file is looked up by it.</summary>
public sealed class Sha256Kind() : FileDigestKind(64)
{
    public override string Name => "sha256";
    public override string FormatProblem => "must be 64 hexadecimal digits (a SHA-256 digest)";
    protected override string Digest(UploadedFile file) => file.Sha256;
}
