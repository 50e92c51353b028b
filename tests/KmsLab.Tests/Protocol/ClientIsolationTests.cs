using Amazon.KeyManagementService.Model;

namespace KmsLab.Tests.Protocol;

/// <summary>A learner's AWS settings must not redirect or reshape the lab's clients.</summary>
[Collection(EnvironmentCollection.Name)]
public class ClientIsolationTests
{
    [Fact]
    public async Task AWS_environment_variables_do_not_change_where_lab_clients_go()
    {
        var saved = new Dictionary<string, string?>();
        var hostile = new Dictionary<string, string>
        {
            ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9",
            ["AWS_ENDPOINT_URL_KMS"] = "http://127.0.0.1:9",
            ["AWS_MAX_ATTEMPTS"] = "7",
            ["AWS_RETRY_MODE"] = "adaptive",
            ["AWS_REGION"] = "ap-south-1",
            ["AWS_PROFILE"] = "does-not-exist",
            ["AWS_ACCESS_KEY_ID"] = "AKIAIOSFODNN7EXAMPLE",
        };
        foreach (var (name, value) in hostile)
        {
            saved[name] = Environment.GetEnvironmentVariable(name);
            Environment.SetEnvironmentVariable(name, value);
        }
        try
        {
            var lab = new TestLab();
            var key = await lab.CreateKeyAsync();
            Assert.StartsWith("arn:aws:kms:us-east-1:", key.Arn);
            var blob = (await lab.Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Bytes.Stream("isolated") })).CiphertextBlob;
            Assert.Equal("isolated", Bytes.Text((await lab.Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = blob })).Plaintext));
        }
        finally
        {
            foreach (var (name, value) in saved) Environment.SetEnvironmentVariable(name, value);
        }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EnvironmentCollection
{
    public const string Name = "Process environment";
}
