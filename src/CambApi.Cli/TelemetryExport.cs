using CambApi.Fleet;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace CambApi.Cli;

/// <summary>
/// The library's and the fleet's spans and metrics exported over OTLP, when the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>
/// variable names a collector; the exporter reads the rest of OpenTelemetry's standard variables itself (protocol,
/// headers, the metric interval). Nothing is exported, and nothing is loaded for it, when the variable is not set.
/// </summary>
internal sealed class TelemetryExport : IDisposable
{
    /// <summary>The variable OpenTelemetry's exporters read the collector's address from.</summary>
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    private readonly TracerProvider _tracing;
    private readonly MeterProvider _metrics;

    private TelemetryExport(TracerProvider tracing, MeterProvider metrics) => (_tracing, _metrics) = (tracing, metrics);

    /// <summary>Starts exporting as <paramref name="serviceName"/>, or returns null when no collector is named.</summary>
    public static TelemetryExport? StartIfConfigured(string serviceName)
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(EndpointVariable)))
        {
            return null;
        }

        var resource = ResourceBuilder.CreateDefault().AddService(serviceName);
        var tracing = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(resource)
            .AddSource(CambApiTelemetry.ActivitySourceName, CambFleetTelemetry.ActivitySourceName)
            .AddOtlpExporter()
            .Build();
        var metrics = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(resource)
            .AddMeter(CambApiTelemetry.MeterName, CambFleetTelemetry.MeterName)
            .AddOtlpExporter()
            .Build();
        return new TelemetryExport(tracing, metrics);
    }

    /// <summary>Flushes what is left (the last metric interval, the last spans) and stops.</summary>
    public void Dispose()
    {
        _tracing.Dispose();
        _metrics.Dispose();
    }
}
