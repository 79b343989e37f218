using WildlifeWatch.Cli;
using WildlifeWatch.Cli.Commands;
using WildlifeWatch.Portal.Security;

namespace Pipeline.Cli.Tests.Commands;

public sealed class PortalCredentialsCommandTests
{
    [Test]
    public void A_password_from_standard_input_is_printed_as_a_hash_that_verifies_it()
    {
        using var output = new StringWriter();

        PortalCredentialsCommand.HashPassword(new StringReader("correct horse battery\n"), output);

        var hash = output.ToString().Trim();
        Assert.That(PortalPasswords.IsHash(hash), Is.True);
        Assert.That(PortalPasswords.Verify(hash, "correct horse battery"), Is.True);
        Assert.That(hash, Does.Not.Contain("horse"));
    }

    [Test]
    public void A_short_password_is_refused() =>
        Assert.That(() => PortalCredentialsCommand.HashPassword(new StringReader("short\n"), TextWriter.Null), Throws.TypeOf<UsageException>());

    [Test]
    public void A_new_api_key_is_printed_with_the_sha256_the_portal_stores()
    {
        using var output = new StringWriter();

        PortalCredentialsCommand.NewApiKey(output);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var key = lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        var hash = lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        Assert.That(hash, Is.EqualTo(PortalApiKeys.Hash(key)));
    }
}
