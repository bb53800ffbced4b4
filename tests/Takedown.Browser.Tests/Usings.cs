global using Microsoft.Playwright;
global using Takedown.Browser.Tests.Infrastructure;
global using Xunit;
global using static Microsoft.Playwright.Assertions;
