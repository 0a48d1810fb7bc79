using CambApi.Client;
using Newtonsoft.Json;
using Snapshooter.NUnit;

namespace CambApi.Contract.Tests;

/// <summary>
/// Approved snapshots: any spec or generator change that alters the client's public surface or the way a
/// FastAPI 422 body is read turns these red until the snapshot is re-approved on purpose (see CONTRIBUTING "The contract suite and snapshots").
/// </summary>
[TestFixture]
public sealed class SnapshotTests
{
    /// <summary>
    /// The gate for spec updates: whatever openapi/camb-api.yaml or nswag.json does to the generated client's public
    /// surface stops here until approved. Descriptions are not part of the surface, so a description-only update
    /// passes untouched.
    /// </summary>
    [Test]
    public void Client_public_api_is_approved() =>
        ApprovedApi.Match(ApprovedApi.Of(typeof(CambApiRestClient).Assembly), "The generated client (CambApi.Client)", "openapi/camb-api.yaml or nswag.json changed");

    /// <summary>The hand-written layer's surface, reviewed like the generated one (openai-dotnet's API files).</summary>
    [Test]
    public void Public_layer_api_is_approved() =>
        ApprovedApi.Match(ApprovedApi.Of(typeof(CambApi.AudioSeparationClient).Assembly), "The hand-written layer (CambApi)", "src/CambApi changed");

    /// <summary>The fleet's surface: what a team builds a catalogue job on, supported for years like the client's.</summary>
    [Test]
    public void Fleet_api_is_approved() =>
        ApprovedApi.Match(ApprovedApi.Of(typeof(CambApi.Fleet.CambFleet).Assembly), "The fleet (CambApi.Fleet)", "src/CambApi.Fleet changed");

    [Test]
    public void Fleet_dashboard_api_is_approved() =>
        ApprovedApi.Match(ApprovedApi.Of(typeof(CambApi.Fleet.FleetDashboardOptions).Assembly), "The fleet's dashboard (CambApi.Fleet.Dashboard)", "src/CambApi.Fleet.Dashboard changed");

    /// <summary>The simulator's surface: consumers' test suites are written against it.</summary>
    [Test]
    public void Simulator_api_is_approved() =>
        ApprovedApi.Match(ApprovedApi.Of(typeof(CambApi.Simulator.CambSimulator).Assembly), "The simulator (CambApi.Simulator)", "src/CambApi.Simulator changed");

    [Test]
    public void Fastapi_validation_error_is_read_into_the_approved_shape()
    {
        var parsed = JsonConvert.DeserializeObject<HTTPValidationError>(FastApiBodies.MixedLoc)!;

        Snapshot.Match(parsed);
    }

    [Test]
    public void Fastapi_validation_error_round_trips_its_documented_fields()
    {
        var parsed = JsonConvert.DeserializeObject<HTTPValidationError>(FastApiBodies.MixedLoc)!;
        var written = Newtonsoft.Json.Linq.JObject.Parse(JsonConvert.SerializeObject(parsed));
        var original = Newtonsoft.Json.Linq.JObject.Parse(FastApiBodies.MixedLoc);

        for (var i = 0; i < 2; i++)
        {
            foreach (var field in new[] { "loc", "msg", "type" })
            {
                Assert.That(Newtonsoft.Json.Linq.JToken.DeepEquals(written["detail"]![i]![field], original["detail"]![i]![field]),
                    $"detail[{i}].{field} changed on a round trip: {written["detail"]![i]![field]}");
            }
        }
    }
}
