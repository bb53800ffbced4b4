using System.Diagnostics;
using SkiaSharp;

namespace Takedown.Web.Tests.Infrastructure;

/// <summary>Synthetic videos: scenes drawn with SkiaSharp (shapes and gradients), encoded and edited by ffmpeg.</summary>
internal static class TestVideos
{
    /// <summary>A video of <paramref name="scenes"/> scenes of two seconds each (5 frames a second, a shape moving slowly), H.264 in MP4.</summary>
    public static async Task<byte[]> ScenesAsync(int firstSeed, int scenes = 8, int width = 320, int height = 240)
    {
        var output = TempPath(".mp4");
        var psi = Start("-f", "rawvideo", "-pix_fmt", "rgba", "-s", $"{width}x{height}", "-r", "5", "-i", "pipe:0",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", output);
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await using (var stdin = process.StandardInput.BaseStream)
        {
            for (var s = 0; s < scenes; s++)
            {
                using var scene = TestImages.Scene(width, height, firstSeed + s);
                for (var f = 0; f < 10; f++)
                {
                    using var frame = scene.Copy();
                    using (var canvas = new SKCanvas(frame))
                    using (var paint = new SKPaint { Color = SKColors.White, IsAntialias = true })
                        canvas.DrawCircle(20 + f * 3, 20, 6, paint);
                    await stdin.WriteAsync(frame.Bytes);
                }
            }
        }
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException("ffmpeg failed: " + await stderr);
        return await ReadAndDeleteAsync(output);
    }

    /// <summary>The video run through ffmpeg with these output options (re-encode, resize, trim).</summary>
    public static async Task<byte[]> TransformAsync(byte[] video, string extension, params string[] options)
    {
        var input = TempPath(".mp4");
        var output = TempPath(extension);
        await File.WriteAllBytesAsync(input, video);
        using var process = Process.Start(Start(["-i", input, .. options, output]))!;
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Close();
        await process.WaitForExitAsync();
        File.Delete(input);
        if (process.ExitCode != 0) throw new InvalidOperationException("ffmpeg failed: " + await stderr);
        return await ReadAndDeleteAsync(output);
    }

    private static ProcessStartInfo Start(params string[] args)
    {
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-hide_banner", "-loglevel", "error", "-y" }.Concat(args)) psi.ArgumentList.Add(a);
        return psi;
    }

    private static string TempPath(string extension) => Path.Combine(Path.GetTempPath(), "takedown-video-test-" + Guid.NewGuid().ToString("N") + extension);

    private static async Task<byte[]> ReadAndDeleteAsync(string path)
    {
        var bytes = await File.ReadAllBytesAsync(path);
        File.Delete(path);
        return bytes;
    }
}
