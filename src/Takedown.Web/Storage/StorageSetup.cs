using Microsoft.Extensions.Options;
using Takedown.Core.Storage;
using Takedown.Web.Common;

namespace Takedown.Web.Storage;

/// <summary>Where the data lives (the configuration's root keys <c>Data</c> and <c>Database</c>: --data, --database).</summary>
public sealed class StorageOptions
{
    /// <summary>The data directory (default ./data); the SQLite file is takedown.db inside it.</summary>
    public string Data { get; set; } = "./data";

    /// <summary>A PostgreSQL connection string ("Host=…;Database=…"); empty means the SQLite file in <see cref="Data"/>.</summary>
    public string? Database { get; set; }
}

internal static class StorageSetup
{
    /// <summary>The store (SQLite in --data, or PostgreSQL at --database) with its after-commit effects, its blob folder, and the clock.</summary>
    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>().Bind(configuration)
            .Validate(o => string.IsNullOrEmpty(o.Database) || o.Database.Contains('='),
                "--database must be a PostgreSQL connection string such as \"Host=127.0.0.1;Database=takedown;Username=takedown\"")
            .ValidateOnStart().AsSingletonValue();
        services.AddSingleton(TimeProvider.System);
        // What follows a durable commit is announced by each feature's ICommitObserver (AddDelivery: the outbox signal; AddMatching: the index).
        services.AddSingleton<IDatabase>(sp =>
        {
            var storage = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            return new EffectsDatabase(DatabaseFactory.Create(storage.Data, storage.Database), sp.GetServices<ICommitObserver>);
        });
        services.AddSingleton(sp => new BlobStore(Path.Combine(sp.GetRequiredService<StorageOptions>().Data, "blobs")));
        return services;
    }
}
