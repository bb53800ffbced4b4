using Takedown.Core.Storage;
using Takedown.Core.Users;

namespace Takedown.Web.Tests.Users;

/// <summary>`takedown admin add-user` and `serve --demo`, as the real program.</summary>
public sealed class UsersCliTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "takedown-users", Guid.NewGuid().ToString("N"));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_data, true); } catch (IOException) { }
        return Task.CompletedTask;
    }

    [Fact]
    public async Task AddUser_ThenThePersonSignsIn_WithTheirPasswordOnly()
    {
        var (code, _, stderr) = await ServiceProcess.RunCliAsync(null, "admin", "bootstrap", "--data", _data);
        Assert.True(code == 0, stderr);
        (code, var stdout, stderr) = await ServiceProcess.RunCliAsync(null, "admin", "add-user", "--data", _data,
            "--email", "Ops@Example.org", "--password", "a long enough password", "--role", "admin", "--organization", "Operator");
        Assert.True(code == 0, stderr);
        Assert.True(Guid.TryParse(stdout.Trim(), out _));

        var users = new UsersService(new SqliteDatabase(Path.Combine(_data, "takedown.db")), TimeProvider.System);
        Assert.True((await users.SignInAsync("ops@example.org", "a long enough password", CancellationToken.None)).IsSuccess);
        Assert.False((await users.SignInAsync("ops@example.org", "a long enough passworD", CancellationToken.None)).IsSuccess);
        Assert.False((await users.SignInAsync("nobody@example.org", "a long enough password", CancellationToken.None)).IsSuccess);
    }

    [Fact]
    public async Task AddUserInvite_PrintsAOneTimeLink_WithWhichThePersonChoosesTheirPassword()
    {
        var (code, _, stderr) = await ServiceProcess.RunCliAsync(null, "admin", "bootstrap", "--data", _data);
        Assert.True(code == 0, stderr);
        (code, var stdout, stderr) = await ServiceProcess.RunCliAsync(null, "admin", "add-user", "--data", _data, "--invite",
            "--base-url", "https://takedown.example.org", "--email", "ops@example.org", "--role", "admin", "--organization", "Operator");
        Assert.True(code == 0, stderr);
        var link = new Uri(stdout.Trim());
        Assert.Equal("takedown.example.org", link.Host);
        var token = link.AbsolutePath["/invitation/".Length..];

        var users = new UsersService(new SqliteDatabase(Path.Combine(_data, "takedown.db")), TimeProvider.System);
        Assert.False((await users.SignInAsync("ops@example.org", "", CancellationToken.None)).IsSuccess);
        Assert.Equal("ops@example.org", (await users.FindInvitationAsync(token, CancellationToken.None)).Value.Email);
        Assert.True((await users.AcceptInvitationAsync(token, "chosen by the operator", CancellationToken.None)).IsSuccess);
        Assert.True((await users.SignInAsync("ops@example.org", "chosen by the operator", CancellationToken.None)).IsSuccess);
        Assert.False((await users.AcceptInvitationAsync(token, "and again by someone", CancellationToken.None)).IsSuccess);

        (code, _, stderr) = await ServiceProcess.RunCliAsync(null, "admin", "add-user", "--data", _data, "--invite", "--password", "a long enough password",
            "--email", "two@example.org", "--role", "admin", "--organization", "Operator");
        Assert.Equal(2, code);
        Assert.Contains("--invite", stderr);
    }

    [Theory]
    [InlineData("ops@example.org", "short", "admin", "Operator", 2, "password")]
    [InlineData("ops@example.org", "qwertyuiop123", "admin", "Operator", 2, "most common")]
    [InlineData("not-an-email", "a long enough password", "admin", "Operator", 2, "email")]
    [InlineData("ops@example.org", "a long enough password", "moderator", "Operator", 2, "role")]
    [InlineData("ops@example.org", "a long enough password", "admin", "Nobody", 3, "no single organisation")]
    public async Task AddUser_WithBadInput_SaysWhatIsWrong(string email, string password, string role, string org, int exit, string message)
    {
        await ServiceProcess.RunCliAsync(null, "admin", "bootstrap", "--data", _data);
        var (code, _, stderr) = await ServiceProcess.RunCliAsync(null, "admin", "add-user", "--data", _data,
            "--email", email, "--password", password, "--role", role, "--organization", org);
        Assert.Equal(exit, code);
        Assert.Contains(message, stderr);
    }

    [Fact]
    public async Task ServeDemo_PrintsOneLinePerDemoPerson_AndServesThePagesAndStyles()
    {
        await using var service = new ServiceProcess(_data);
        var lines = await service.StartAsync(["--demo"]);
        var people = lines.Where(l => l.StartsWith("demo user: ", StringComparison.Ordinal)).ToList();
        Assert.Equal(7, people.Count);
        Assert.All(people, l => Assert.Matches(@"^demo user: \S+@\S+ password: \S+ role: (admin|analyst|moderator|viewer) organisation: .+$", l));
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(service.Url) };
        var signin = await http.GetAsync("/signin");
        Assert.Equal(HttpStatusCode.OK, signin.StatusCode);
        Assert.Contains("<label for=\"email\">", await signin.Content.ReadAsStringAsync());
        var css = await http.GetAsync("/css/site.css");
        Assert.Equal("text/css", css.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/js/site.js")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await http.GetAsync("/orders")).StatusCode);
    }
}
