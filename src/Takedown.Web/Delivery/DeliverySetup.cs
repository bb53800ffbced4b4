using Takedown.Core.Delivery;
using Takedown.Core.Storage;
using Takedown.Web.Common;

namespace Takedown.Web.Delivery;

internal static class DeliverySetup
{
    /// <summary>The outbox signal, webhook endpoints, the event feed and the sender (section Webhooks: timeouts, retries, polling, leases, answer size).</summary>
    public static IServiceCollection AddDelivery(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WebhooksOptions>().Bind(configuration.GetSection("Webhooks"))
            .Validate(o => o.TimeoutSeconds is >= 1 and <= 60, "Webhooks:TimeoutSeconds must be between 1 and 60")
            .Validate(o => o.RetryForHours >= 1, "Webhooks:RetryForHours must be at least 1")
            .Validate(o => o.RetryBaseSeconds is >= 1 and <= 3600, "Webhooks:RetryBaseSeconds must be between 1 and 3600")
            .Validate(o => o.FailingAfter >= 1, "Webhooks:FailingAfter must be at least 1")
            .Validate(o => o.PollSeconds is >= 1 and <= 300, "Webhooks:PollSeconds must be between 1 and 300")
            .Validate(o => o.LeaseSeconds == 0 || (o.LeaseSeconds > 2 * o.TimeoutSeconds && o.LeaseSeconds <= 3600),
                "Webhooks:LeaseSeconds must be more than twice Webhooks:TimeoutSeconds (and at most 3600), or 0 for the default")
            .Validate(o => o.MaxResponseBytes is >= 0 and <= 16 * 1024 * 1024, "Webhooks:MaxResponseBytes must be between 0 and 16 MiB")
            .ValidateOnStart().AsSingletonValue();
        // A commit that enqueued events wakes the sender and long polls at once.
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<ICommitObserver>(sp => sp.GetRequiredService<OutboxSignal>());
        services.AddSingleton<WebhooksService>();
        services.AddSingleton<EventFeed>();
        services.AddSingleton<DeliveryStore>();
        services.AddSingleton<WebhookHttp>();
        services.AddHostedService<WebhookSender>();
        return services;
    }
}
