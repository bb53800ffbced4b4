namespace Takedown.Web.Tests.Infrastructure;

/// <summary>Waits for a condition that background work makes true (polls; no fixed sleeps).</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, int timeoutMs = 10_000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (true)
        {
            if (await condition()) return;
            if (Environment.TickCount64 > deadline) throw new Xunit.Sdk.XunitException("condition not met in time");
            await Task.Delay(20);
        }
    }
}
