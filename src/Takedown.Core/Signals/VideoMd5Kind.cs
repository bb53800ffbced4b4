using Takedown.Core.Common;
using Takedown.Core.Hashing;

namespace Takedown.Core.Signals;

/// <summary>MD5 of a video file's bytes, matched exactly: a plain md5 that also says the content was a video.</summary>
public sealed class VideoMd5Kind() : HexDigestKind(32)
{
    public override string Name => "video_md5";
    public override string FormatProblem => "must be 32 hexadecimal digits (an MD5 digest)";
    public override string ContentType => "CONTENT_TYPE_VIDEO";
    public override bool FromFile => true;

    public override ValueTask<Result<SignalEntry>> EntryFromFileAsync(UploadedFile file, CancellationToken ct) =>
        ValueTask.FromResult<Result<SignalEntry>>(file.Container is null
            ? Error.Invalid("file", VideoSniffer.Refusal(file.Bytes.Span))
            : new SignalEntry(Of(file.Md5)));

    public override ValueTask<Result<IReadOnlyList<Signal>>> QueriesFromFileAsync(UploadedFile file, CancellationToken ct) =>
        ValueTask.FromResult<Result<IReadOnlyList<Signal>>>(file.Shape == FileShape.Video ? new Signal[] { Of(file.Md5) } : []);
}
