using WildlifeWatch.Detection.Contacts;

namespace WildlifeWatch.Detection.Tests.Contacts;

public sealed class CryptoAddressesTests
{
    [Test]
    public void Keccak256_of_the_empty_input_is_the_known_digest() =>
        Assert.That(Convert.ToHexStringLower(Keccak256.Hash([])), Is.EqualTo("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"));

    [TestCase("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359", ExpectedResult = true)]
    [TestCase("0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", ExpectedResult = true)]
    [TestCase("0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb", ExpectedResult = true)]
    [TestCase("0xd1220a0cf47c7b9be7a2e6ba89f429762e7b9adb", ExpectedResult = true)]
    [TestCase("0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDB", ExpectedResult = false)]
    [TestCase("0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aD", ExpectedResult = false)]
    public bool Ethereum_addresses_follow_EIP55(string address) => CryptoAddresses.IsEthereum(address);

    [TestCase("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", ExpectedResult = true)]
    [TestCase("BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ", ExpectedResult = true)]
    [TestCase("bc1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ", ExpectedResult = false)]
    [TestCase("tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx", ExpectedResult = false)]
    public bool Bitcoin_addresses_are_mainnet_with_a_valid_checksum(string address) => CryptoAddresses.IsBitcoin(address);
}
