using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Takedown.Core.Signals;

/// <summary>Every registered signal kind, in registration order (the built-in seven first). The one place a signal_type string is looked up.</summary>
public sealed class SignalKinds
{
    private readonly Dictionary<string, SignalKind> _byName = new(StringComparer.Ordinal);

    public SignalKinds(IEnumerable<SignalKind> kinds)
    {
        All = kinds.ToList();
        foreach (var kind in All)
            if (!_byName.TryAdd(kind.Name, kind)) throw new InvalidOperationException($"Two signal kinds are named {kind.Name}.");
        Names = All.Select(k => k.Name).ToArray();
        FileNames = All.Where(k => k.FromFile).Select(k => k.Name).ToArray();
        QualityNames = string.Join(" or ", All.Where(k => k.HasQuality).Select(k => k.Name));
    }

    public IReadOnlyList<SignalKind> All { get; }

    /// <summary>The signal_type values the API accepts.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The signal_type values a bank upload may ask for.</summary>
    public IReadOnlyList<string> FileNames { get; }

    /// <summary>The kinds whose entries carry a quality, for problem texts ("pdq").</summary>
    public string QualityNames { get; }

    /// <summary>The kind named <paramref name="name"/>, or null.</summary>
    public SignalKind? Find(string? name) => name is not null && _byName.TryGetValue(name, out var kind) ? kind : null;

    /// <summary>The kind a file of this shape becomes when no signal_type is asked (image: pdq), or null.</summary>
    public SignalKind? SignalOf(FileShape shape) => All.FirstOrDefault(k => k.SignalOf == shape);

    /// <summary>The content types banked signals of these kinds stand for, in registration order, each once.</summary>
    public IReadOnlyList<string> ContentTypes(IReadOnlySet<string> names) =>
        All.Where(k => names.Contains(k.Name)).Select(k => k.ContentType).OfType<string>().Distinct().ToList();
}

/// <summary>Registration of signal kinds: the built-in seven by <see cref="AddSignals"/>, any other by <see cref="AddSignalKind{T}"/>.</summary>
public static class SignalsSetup
{
    /// <summary>The built-in kinds (pdq, md5, sha256, url, text, vpdq, video_md5, in that order), their registry and <see cref="FileSignals"/>.</summary>
    public static IServiceCollection AddSignals(this IServiceCollection services)
    {
        services.AddSignalKind<PdqKind>()
            .AddSignalKind<Md5Kind>()
            .AddSignalKind<Sha256Kind>()
            .AddSignalKind<UrlKind>()
            .AddSignalKind<TextKind>()
            .AddSignalKind<VpdqKind>()
            .AddSignalKind<VideoMd5Kind>();
        services.TryAddSingleton<SignalKinds>();
        services.TryAddSingleton<FileSignals>();
        return services;
    }

    /// <summary>Registers a signal kind: from then on banks, matching and review checks accept and match it.</summary>
    public static IServiceCollection AddSignalKind<T>(this IServiceCollection services) where T : SignalKind
    {
        if (services.Any(d => d.ServiceType == typeof(T))) return services;
        services.AddSingleton<T>();
        services.AddSingleton<SignalKind>(sp => sp.GetRequiredService<T>());
        return services;
    }
}
