using Amazon.KeyManagementService.Model;

namespace KmsLab.Tests.Protocol;

/// <summary>
/// The audit trail keeps events in a ring and their request and response JSON in a ring of bytes
/// (the arena), which can wrap before the ring of events does. An event whose bytes were
/// overwritten reads as having no request parameters or response elements — never another event's.
/// </summary>
public class AuditArenaTests
{
    [Fact]
    public async Task When_the_arena_wraps_an_old_event_keeps_its_own_parameters_or_none_never_another_events()
    {
        // 64 events over the smallest arena (64 KiB): a few KiB per event wraps it well within the ring.
        const int capacity = 64;
        var lab = Lab.Simulator(new LabOptions { AuditCapacity = capacity, TimeSource = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(TestLab.Start) });
        var kms = lab.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        var described = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;

        // What each call must be recorded with, in order: an operation and a mark found in its JSON.
        var calls = new List<(string Operation, string Mark)>();
        var longDescription = new string('d', 8192); // bigger than an arena slot: kept apart, never overwritten
        for (int n = 0; n < 200; n++)
        {
            if (n == 140)
            {
                await kms.UpdateKeyDescriptionAsync(new UpdateKeyDescriptionRequest { KeyId = described, Description = longDescription });
                calls.Add(("UpdateKeyDescription", longDescription));
            }
            else if (n % 3 == 2)
            {
                await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key });
                calls.Add(("DescribeKey", key));
            }
            else
            {
                // Sizes that leave the arena's end at every offset: a blob never straddles it.
                var pad = new string((char)('a' + n % 26), 1500 + n * 37 % 1500);
                await kms.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = Bytes.Stream("x"), EncryptionContext = new() { ["n"] = $"{n}", ["pad"] = pad } });
                calls.Add(("Encrypt", $"{n}/{pad}"));
            }
        }

        var events = lab.AuditTrail.Events;
        Assert.Equal(capacity, events.Count);
        var expected = calls.Skip(calls.Count - capacity).ToList();
        int lastLost = -1, firstKept = capacity;
        for (int i = 0; i < capacity; i++)
        {
            var (operation, mark) = expected[i];
            var e = events[i];
            Assert.Equal(operation, e.EventName);
            var request = e.RequestParameters;
            if (request is null)
            {
                lastLost = i;
                continue;
            }
            switch (operation)
            {
                case "Encrypt":
                    var context = request["encryptionContext"]!;
                    Assert.Equal(mark, $"{context["n"]}/{context["pad"]}");
                    Assert.Equal(key, request["keyId"]!.GetValue<string>());
                    firstKept = Math.Min(firstKept, i);
                    break;
                case "DescribeKey":
                    Assert.Equal(mark, request["keyId"]!.GetValue<string>());
                    Assert.Equal(mark, e.ResponseElements!["keyMetadata"]!["keyId"]!.GetValue<string>()); // written after its request
                    firstKept = Math.Min(firstKept, i);
                    break;
                default:
                    Assert.Equal(mark, request["description"]!.GetValue<string>());
                    break;
            }
        }

        // The arena did wrap under events still in the ring, and what it lost is the oldest only.
        Assert.True(lastLost >= 0, "the arena never wrapped: the test proves nothing");
        Assert.True(lastLost < firstKept, $"event {lastLost} lost its parameters although event {firstKept}, older, kept its own");
        Assert.NotNull(events[^1].RequestParameters);

        // Bytes too big for the arena are kept apart: this event is older than some that lost theirs.
        var big = events.ToList().FindIndex(e => e.EventName == "UpdateKeyDescription");
        Assert.InRange(big, 0, lastLost - 1);
        Assert.Equal(longDescription, events[big].RequestParameters!["description"]!.GetValue<string>());
    }
}
