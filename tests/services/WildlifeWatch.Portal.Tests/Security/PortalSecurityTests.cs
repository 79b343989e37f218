using Microsoft.Extensions.Options;
using WildlifeWatch.Portal.Security;

namespace WildlifeWatch.Portal.Tests.Security;

public sealed class PortalSecurityTests
{
    private static readonly string Hash = PortalPasswords.Hash("a-long-enough-password");

    [Test]
    public void Valid_settings_pass_validation()
    {
        Assert.That(Validate(Valid()).Succeeded, Is.True, string.Join("; ", Validate(Valid()).Failures ?? []));
    }

    [Test]
    public void The_bootstrap_admin_password_is_required()
    {
        var options = Valid();
        options.AdminPassword = null;

        Assert.That(Validate(options).Failures, Has.Some.Contains("AdminPassword"));
    }

    [Test]
    public void A_partner_needs_a_platform_a_user_a_known_role_and_a_real_hash()
    {
        var options = Valid();
        options.Users.Add(new PortalUserOptions { Name = "pat", PasswordHash = Hash, Role = PortalRoles.PlatformPartner });
        options.Users.Add(new PortalUserOptions { Name = "eve", PasswordHash = "plain-text", Role = "root" });

        var failures = Validate(options).Failures!.ToList();

        Assert.That(failures, Has.Some.Contains("Users:0:Platform"));
        Assert.That(failures, Has.Some.Contains("Users:1:PasswordHash"));
        Assert.That(failures, Has.Some.Contains("Users:1:Role"));
    }

    [Test]
    public void An_api_key_must_be_stored_as_a_sha256()
    {
        var options = Valid();
        options.ApiKeys.Add(new PortalApiKeyOptions { Name = "k", KeyHash = "wtw_plain_key", Platform = "shop.example" });

        Assert.That(Validate(options).Failures, Has.Some.Contains("ApiKeys:0:KeyHash"));
    }

    [Test]
    public void The_directory_signs_in_by_password_and_finds_machines_by_key()
    {
        var options = Valid();
        options.Users.Add(new PortalUserOptions { Name = "pat", PasswordHash = Hash, Role = PortalRoles.PlatformPartner, Platform = "shop.example" });
        options.ApiKeys.Add(new PortalApiKeyOptions { Name = "shop", KeyHash = PortalApiKeys.Hash("wtw_secret"), Platform = "shop.example" });
        var directory = new PortalDirectory(Options.Create(options));

        Assert.That(directory.SignIn("PAT", "a-long-enough-password"), Is.EqualTo(new PortalAccount("pat", PortalRoles.PlatformPartner, "shop.example")));
        Assert.That(directory.SignIn("pat", "wrong"), Is.Null);
        Assert.That(directory.SignIn("nobody", "a-long-enough-password"), Is.Null);
        Assert.That(directory.SignIn("admin", "bootstrap-password")?.Role, Is.EqualTo(PortalRoles.Administrator));
        Assert.That(directory.FindByApiKey("wtw_secret")?.Platform, Is.EqualTo("shop.example"));
        Assert.That(directory.FindByApiKey("wtw_secreT"), Is.Null);
    }

    private static PortalOptions Valid() => new() { AdminPassword = "bootstrap-password" };

    private static ValidateOptionsResult Validate(PortalOptions options) => new PortalOptionsValidator().Validate(null, options);
}
