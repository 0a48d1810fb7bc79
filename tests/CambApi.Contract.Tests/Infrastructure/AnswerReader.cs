using CambApi.Client;
using Newtonsoft.Json;

namespace CambApi.Contract.Tests;

/// <summary>Parses a body the way the generated client reads an answer (tolerantly), without a server.</summary>
internal static class AnswerReader
{
    private static readonly JsonSerializer Serializer = JsonSerializer.Create(new JsonSerializerSettings { ContractResolver = TolerantReading.Resolver });

    public static T? Read<T>(string json)
    {
        using var reader = new JsonTextReader(new StringReader(json));
        return TolerantReading.Deserialize<T>(Serializer, reader);
    }
}
