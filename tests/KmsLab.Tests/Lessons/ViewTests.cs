using System.Text.Json.Nodes;
using Amazon.KeyManagementService.Model;
using KmsLab.Lessons;

namespace KmsLab.Tests.Lessons;

public sealed class ViewTests
{
    private readonly TestLab _t = new();

    [Fact]
    public async Task ACiphertextBlobIsShownFieldByField()
    {
        var key = await _t.CreateKeyAsync();
        var blob = (await _t.Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream(new byte[10]) })).CiphertextBlob;
        var view = Show.Ciphertext(blob);
        Assert.Equal(blob.Length, view.Regions.Sum(r => r.Length));
        Assert.Equal(Enumerable.Range(0, view.Regions.Count - 1).Select(i => view.Regions[i].Offset + view.Regions[i].Length), view.Regions.Skip(1).Select(r => r.Offset));
        Assert.Equal(key.KeyId, Assert.Single(view.Regions, r => r.Label.StartsWith("KMS key ID", StringComparison.Ordinal)).Note);
        Assert.Equal(10, Assert.Single(view.Regions, r => r.Label.StartsWith("encrypted data", StringComparison.Ordinal)).Length);
        Assert.Equal(16, view.Regions[^1].Length);
        Assert.Contains("AES-GCM IV", view.ToPlainText(), StringComparison.Ordinal);
        Assert.Contains("<table", view.ToHtml(), StringComparison.Ordinal);
        Assert.Single(Show.Ciphertext(new byte[5]).Regions);
    }

    [Fact]
    public async Task AnEnvelopeMessageIsShownFieldByField()
    {
        var key = await _t.CreateKeyAsync();
        var message = await new KmsLab.Envelope.EnvelopeClient(_t.Kms).EncryptAsync(new byte[100], new KmsLab.Envelope.EnvelopeEncryptOptions { KeyIds = [key.Arn] });
        var view = Show.EnvelopeMessage(message);
        Assert.Equal(message.Length, view.Regions.Sum(r => r.Length));
        Assert.Contains(view.Regions, r => r.Note == key.Arn);
        Assert.Single(Show.EnvelopeMessage([1, 2, 3]).Regions);
    }

    [Fact]
    public async Task AKeyCardNamesEveryFieldAndNoMaterial()
    {
        var key = await _t.CreateKeyAsync("card");
        var text = Show.Key(key).ToPlainText();
        foreach (var field in new[] { "KeyId", "Arn", "CreationDate", "KeyState", "Origin", "Description" }) Assert.Contains(field, text, StringComparison.Ordinal);
        Assert.Contains("never leaves KMS", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ChartsAreDrawnWithPlotlyNet()
    {
        var chart = Charts.Lines("Sizes", "plaintext", "bytes", new Series("blob", [1, 2], [78, 79]));
        var plotly = JsonNode.Parse(chart.FigureJson())!;
        Assert.Equal("Sizes", plotly["layout"]!["title"]!["text"]!.GetValue<string>());
        Assert.Equal(78, plotly["data"]![0]!["y"]![0]!.GetValue<double>());
        Assert.IsAssignableFrom<Plotly.NET.GenericChart>(chart.ToPlotly());
        Assert.Contains("data-kmslab-chart", chart.ToHtml(), StringComparison.Ordinal);
        Assert.Contains("[chart] Sizes — blob", chart.ToPlainText(), StringComparison.Ordinal);
        var timeline = JsonNode.Parse(Charts.Timeline("T", [new TimelineEvent(new DateTime(2026, 1, 1), "created", "x")]).FigureJson())!;
        Assert.Equal("date", timeline["layout"]!["xaxis"]!["type"]!.GetValue<string>());
        Assert.NotNull(JsonNode.Parse(Charts.Bars("B", "calls", "who", ["a"], [3]).FigureJson()));
    }

    [Fact]
    public void ColumnsStandOnACategoryAxisAndCarryTheirValues()
    {
        // A linear x-axis under category columns puts every column outside the plot (an empty chart).
        var figure = JsonNode.Parse(Charts.Columns("C", "bucket", "requests", ["without", "with"], ("s", [400, 1])).FigureJson())!;
        Assert.Equal("category", figure["layout"]!["xaxis"]!["type"]!.GetValue<string>());
        Assert.Equal("bucket", figure["layout"]!["xaxis"]!["title"]!["text"]!.GetValue<string>());
        Assert.Equal(["400", "1"], figure["data"]![0]!["text"]!.AsArray().Select(t => t!.GetValue<string>()));
    }

    [Fact]
    public async Task OutcomeShowsTheAwsErrorWithoutThrowing()
    {
        var outcome = await Outcome.Of(() => _t.Kms.EncryptAsync(new EncryptRequest { KeyId = "alias/none", Plaintext = new MemoryStream([1]) }));
        Assert.False(outcome.Succeeded);
        Assert.Equal("NotFoundException", outcome.ErrorCode);
        Assert.True((await Outcome.Of(() => _t.Kms.ListKeysAsync(new ListKeysRequest()))).Succeeded);
    }
}
