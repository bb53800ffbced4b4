global using System.Net;
global using System.Text.Json.Nodes;
global using Takedown.Web.Tests.Infrastructure;
global using Xunit;
