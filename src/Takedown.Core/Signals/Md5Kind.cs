namespace Takedown.Core.Signals;

/// <summary>MD5 of a file's bytes, matched exactly; every uploaded file is looked up by it.</summary>
public sealed class Md5Kind() : FileDigestKind(32)
{
    public override string Name => "md5";
    public override string FormatProblem => "must be 32 hexadecimal digits (an MD5 digest)";
    protected override string Digest(UploadedFile file) => file.Md5;
}
