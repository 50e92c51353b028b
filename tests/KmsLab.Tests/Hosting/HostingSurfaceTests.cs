using System.Net;
using System.Net.Http.Headers;
using Amazon;
using Amazon.KeyManagementService.Model;
using KmsLab.Hosting;

namespace KmsLab.Tests.Hosting;

/// <summary>The public hosting surface: what a program that carries HTTP to the simulator (kmslab serve, a bench) or keeps it durable relies on.</summary>
public sealed class HostingSurfaceTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("kmslab-hosting-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>A host of its own: carries each request to <see cref="SimulatorEndpoint.Handle"/> and its answer back.</summary>
    private sealed class CarryingHandler(SimulatorEndpoint endpoint) : HttpMessageHandler
    {
        public int Carried { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
            string? Header(string name) =>
                request.Headers.TryGetValues(name, out var values) || (request.Content?.Headers.TryGetValues(name, out values) ?? false) ? string.Join(",", values!) : null;
            var answer = endpoint.Handle(new EndpointRequest(request.Method.Method, request.RequestUri!.AbsolutePath, Header, body, request.RequestUri.Query, request.RequestUri.Authority));
            Carried++;
            var content = new ByteArrayContent(answer.Body.ToArray());
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(answer.ContentType);
            var response = new HttpResponseMessage((HttpStatusCode)answer.StatusCode) { Content = content, RequestMessage = request };
            response.Headers.TryAddWithoutValidation(EndpointResponse.RequestIdHeader, answer.RequestId);
            return response;
        }
    }

    [Fact]
    public async Task A_host_that_carries_requests_to_the_endpoint_serves_the_sdk_as_kms()
    {
        var lab = Lab.Simulator();
        var endpoint = new SimulatorEndpoint(lab);
        var carrier = new CarryingHandler(endpoint);
        using var admin = SimulatorEndpoint.CreateClient(carrier, lab.GetCredentials(Lab.AdministratorName), RegionEndpoint.EUWest1);

        var key = (await admin.CreateKeyAsync(new CreateKeyRequest { Description = "hosted" })).KeyMetadata;
        Assert.StartsWith("arn:aws:kms:eu-west-1:111122223333:key/", key.Arn, StringComparison.Ordinal);
        Assert.Same(lab, endpoint.Lab);
        Assert.Equal(1, carrier.Carried);
        Assert.Equal("CreateKey", Assert.Single(lab.AuditTrail.Events).EventName);

        // The same key through the endpoint's own in-process handler, as another principal: authorization applies.
        using var asUser = SimulatorEndpoint.CreateClient(endpoint.CreateHandler(), lab.GetCredentials(Lab.KeyUserName), RegionEndpoint.EUWest1);
        Assert.Contains((await asUser.ListKeysAsync(new ListKeysRequest())).Keys, k => k.KeyId == key.KeyId);
        var refused = await Assert.ThrowsAnyAsync<Amazon.KeyManagementService.AmazonKeyManagementServiceException>(() => asUser.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream([1]) }));
        Assert.Equal("AccessDeniedException", refused.ErrorCode);
    }

    [Fact]
    public void The_answers_a_host_gives_itself_are_shaped_as_kms_errors()
    {
        var endpoint = new SimulatorEndpoint(Lab.Simulator());
        var tooLarge = endpoint.RequestTooLarge();
        Assert.Equal(413, tooLarge.StatusCode);
        Assert.Equal("application/x-amz-json-1.1", tooLarge.ContentType);
        Assert.Contains("RequestEntityTooLargeException", System.Text.Encoding.UTF8.GetString(tooLarge.Body.Span), StringComparison.Ordinal);
        Assert.True(Guid.TryParse(tooLarge.RequestId, out _));

        Assert.Equal(408, endpoint.Unreadable(408, "too slow").StatusCode);
        var unreadable = endpoint.Unreadable(500, "broken framing");
        Assert.Equal(400, unreadable.StatusCode);
        Assert.Contains("SerializationException", System.Text.Encoding.UTF8.GetString(unreadable.Body.Span), StringComparison.Ordinal);

        var internalError = endpoint.InternalError("could not save");
        Assert.Equal(500, internalError.StatusCode);
        Assert.Contains("KMSInternalException", System.Text.Encoding.UTF8.GetString(internalError.Body.Span), StringComparison.Ordinal);

        Assert.True(SimulatorEndpoint.MayChangeState("TrentService.CreateKey"));
        Assert.False(SimulatorEndpoint.MayChangeState("TrentService.Encrypt"));
        Assert.False(SimulatorEndpoint.MayChangeState("TrentService.NoSuchOperation"));
        Assert.False(SimulatorEndpoint.MayChangeState(null));
    }

    [Fact]
    public void Only_a_simulated_lab_has_an_endpoint()
    {
        var aws = Lab.Aws(new AwsLabOptions { Region = RegionEndpoint.EUWest1, Owner = "teacher@example.com" });
        Assert.Throws<ArgumentException>(() => new SimulatorEndpoint(aws));
    }

    [Fact]
    public async Task A_state_file_keeps_the_lab_across_opens_and_belongs_to_one_process_at_a_time()
    {
        var path = Path.Combine(_folder, "lab.json");
        string keyId;
        using (var state = LabStateFile.Open(path))
        {
            Assert.Equal(Path.GetFullPath(path), state.Path);
            Assert.Throws<IOException>(() => LabStateFile.Open(path));
            keyId = (await state.Lab.CreateKmsClient().CreateKeyAsync(new CreateKeyRequest { Description = "kept" })).KeyMetadata.KeyId;
            Assert.True(state.MustCommitAfter("TrentService.CreateKey"));
            Assert.False(state.MustCommitAfter("TrentService.DescribeKey"));
            await state.CommitAsync();
        }
        using (var reopened = LabStateFile.Open(path))
        {
            var key = (await reopened.Lab.CreateKmsClient().DescribeKeyAsync(new DescribeKeyRequest { KeyId = keyId })).KeyMetadata;
            Assert.Equal("kept", key.Description);
        }
    }

    [Fact]
    public void A_state_file_that_is_not_a_kmslab_state_is_refused_and_left_free()
    {
        var path = Path.Combine(_folder, "bad.json");
        File.WriteAllText(path, "not json");
        Assert.Throws<InvalidDataException>(() => LabStateFile.Open(path));
        File.Delete(path);
        using var state = LabStateFile.Open(path); // the failed open let go of the file
        Assert.True(state.Lab.IsSimulator);
    }
}
