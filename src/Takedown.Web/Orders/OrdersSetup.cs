using Takedown.Core.Deconfliction;
using Takedown.Core.Delivery;
using Takedown.Core.Orders;

namespace Takedown.Web.Orders;

internal static class OrdersSetup
{
    /// <summary>Orders, their items' actions and the overdue sweep (Orders:SweepIntervalSeconds, 1 to 3600).</summary>
    public static IServiceCollection AddOrders(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OrdersOptions>().Bind(configuration.GetSection("Orders"))
            .Validate(o => o.SweepIntervalSeconds is >= 1 and <= 3600, "Orders:SweepIntervalSeconds must be between 1 and 3600").ValidateOnStart();
        services.AddSingleton<OrdersService>();
        services.AddSingleton<ItemActionsService>();
        // The seams Delivery and Deconfliction reach orders through; Orders implements them.
        services.AddSingleton<IHeldOrders, HeldOrders>();
        services.AddSingleton<IDeliveryReceipts, OrderDelivery>();
        services.AddHostedService<OverdueSweeper>();
        return services;
    }
}
