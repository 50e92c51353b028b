using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using KmsLab.RealAws;

namespace KmsLab.Tests.RealAws;

/// <summary>
/// Tests that change process-wide settings (AWS_* and KMSLAB_* variables, the shared config and
/// credentials files the SDK reads, Console.Out) run one at a time.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AwsEnvironmentCollection
{
    public const string Name = "AWS environment";
}

/// <summary>
/// The SDK reads AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE once per process and keeps the
/// paths. So, before any test runs, the test process points both at files of its own (empty at
/// first): no test ever reads the developer's ~/.aws, and tests add their profiles to these files.
/// </summary>
internal static class TestAwsFiles
{
    public static string Directory { get; private set; } = "";

    public static string CredentialsFile => Path.Combine(Directory, "credentials");

    public static string ConfigFile => Path.Combine(Directory, "config");

    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries", Justification = "The test assembly must isolate the SDK from ~/.aws before any test touches it.")]
    internal static void Initialize()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("kmslab-test-aws-").FullName;
        File.WriteAllText(CredentialsFile, "");
        File.WriteAllText(ConfigFile, "");
        Environment.SetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE", CredentialsFile);
        Environment.SetEnvironmentVariable("AWS_CONFIG_FILE", ConfigFile);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { System.IO.Directory.Delete(Directory, recursive: true); }
            catch (IOException) { }
        };
    }
}

/// <summary>
/// Sets environment variables for the duration of a test and restores them afterwards. It starts
/// by clearing every variable that could send the SDK elsewhere (AWS_PROFILE, AWS_ACCESS_KEY_ID,
/// AWS_ENDPOINT_URL*, AWS_REGION...) and every KMSLAB_* variable.
/// </summary>
public sealed class EnvironmentScope : IDisposable
{
    private readonly Dictionary<string, string?> _saved = new(StringComparer.Ordinal);

    public EnvironmentScope()
    {
        foreach (var name in AwsLabOptions.ReadEnvironment().Keys)
        {
            if (name is "AWS_SHARED_CREDENTIALS_FILE" or "AWS_CONFIG_FILE" or KmsLab.Progress.ProgressStore.PathVariable) continue; // see TestAwsFiles, TestProgressFile
            if (name.StartsWith("KMSLAB_", StringComparison.Ordinal) || name.StartsWith("AWS_", StringComparison.Ordinal)) Set(name, null);
        }
    }

    public EnvironmentScope Set(string name, string? value)
    {
        if (!_saved.ContainsKey(name)) _saved[name] = Environment.GetEnvironmentVariable(name);
        Environment.SetEnvironmentVariable(name, value);
        return this;
    }

    public void Dispose()
    {
        foreach (var (name, value) in _saved) Environment.SetEnvironmentVariable(name, value);
    }
}

/// <summary>
/// A learner's AWS configuration made of a simulated lab's principals: one profile per principal
/// (access keys from <c>lab.GetCredentials</c>, a Region) added to the test process's shared
/// credentials and config files (<see cref="TestAwsFiles"/>). Profile names get a per-test prefix,
/// so that no test sees another's profiles and the SDK's per-profile cache never serves stale keys.
/// </summary>
public sealed class AwsProfiles : IDisposable
{
    private static int _counter;

    public AwsProfiles(Lab simulator, string? region = "us-east-1", IReadOnlyDictionary<string, string>? extraProfiles = null)
    {
        Prefix = $"t{Interlocked.Increment(ref _counter)}-";
        var credentials = new StringWriter();
        var config = new StringWriter();
        void Profile(string name, LabCredentials c)
        {
            credentials.WriteLine($"[{name}]\naws_access_key_id = {c.AccessKeyId}\naws_secret_access_key = {c.SecretAccessKey}\n");
            config.WriteLine($"[profile {name}]\n{(region is null ? "" : "region = " + region + "\n")}");
        }
        foreach (var principal in new[] { Lab.AdministratorName, Lab.KeyManagerName, Lab.KeyUserName })
        {
            Profile(Prefix + principal, simulator.GetCredentials(principal));
        }
        foreach (var (profile, principal) in extraProfiles ?? new Dictionary<string, string>())
        {
            Profile(Prefix + profile, simulator.GetCredentials(principal));
        }
        File.AppendAllText(TestAwsFiles.CredentialsFile, credentials.ToString());
        File.AppendAllText(TestAwsFiles.ConfigFile, config.ToString());
    }

    /// <summary>What every profile name of this test starts with.</summary>
    public string Prefix { get; }

    public void Dispose()
    {
        // The profiles stay (another test's prefix never matches them); the files go with the process.
    }
}

/// <summary>
/// STS GetCallerIdentity, answered from the simulator: the profile's credentials (as the SDK
/// resolves them from the shared files) name an access key, and the lab knows whose it is.
/// </summary>
internal sealed class SimulatedSts(Lab simulator) : ICallerIdentityResolver
{
    public int Calls { get; private set; }

    public async Task<CallerIdentity> ResolveAsync(string? profile, RegionEndpoint region, CancellationToken cancellationToken)
    {
        Calls++;
        var name = profile ?? Environment.GetEnvironmentVariable("AWS_PROFILE") ?? "default";
        if (!new CredentialProfileStoreChain().TryGetAWSCredentials(name, out var credentials)) throw new AmazonClientException($"No profile '{name}'.");
        var keys = await credentials.GetCredentialsAsync();
        var principal = simulator.Principals.SingleOrDefault(p => p.AccessKeyId == keys.AccessKey)
            ?? throw new AmazonClientException("The security token included in the request is invalid.");
        return new CallerIdentity(principal.AccountId, principal.Arn);
    }
}
