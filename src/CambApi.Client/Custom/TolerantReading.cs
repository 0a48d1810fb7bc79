using System.Runtime.CompilerServices;
using Newtonsoft.Json;
using Newtonsoft.Json.Serialization;

namespace CambApi.Client;

/// <summary>
/// How answers are read: a field the spec calls <c>required</c> (or non-null) is the vendor's promise, not a reason to
/// throw. An answer that breaks the promise still yields its model, the field null or default, and the broken promise is
/// kept beside the model (<see cref="BrokenPromises"/>) for the library's drift check to report. Requests are not read
/// here: they are written with the generated settings, which stay strict (we send what the spec requires).
/// </summary>
/// <remarks>
/// Why here and not by dropping <c>required</c> from the spec: the generated attributes must keep the promise for
/// writing requests, and the spec stays the vendor's text; only the reading of answers relaxes it. Custom because
/// NSwag's settings hook (<c>UpdateJsonSerializerSettings</c>) serves writing and reading alike. Used by
/// Templates/Client.Class.ReadObjectResponse.liquid, the one place answers are parsed. <c>camb check</c> and the
/// contract suite hold answers to the spec strictly; this is only how a running client survives a broken promise.
/// </remarks>
internal static class TolerantReading
{
    private static readonly ConditionalWeakTable<object, IReadOnlyList<string>> Broken = new();

    [ThreadStatic]
    private static Stack<HashSet<string>>? t_frames;

    [ThreadStatic]
    private static List<string>? t_found;

    /// <summary>How many objects the reader is inside: a nested object's field is named with its type.</summary>
    [ThreadStatic]
    private static int t_depth;

    /// <summary>The contract resolver for reading answers (shared; Newtonsoft caches each type's contract in it).</summary>
    public static IContractResolver Resolver { get; } = new PromiseKeepingResolver();

    /// <summary>
    /// Parses one answer with <paramref name="serializer"/> (made with <see cref="Resolver"/>) and keeps the promises it
    /// broke beside the returned model.
    /// </summary>
    public static T? Deserialize<T>(JsonSerializer serializer, JsonReader reader)
    {
        var (frames, found, depth) = (t_frames, t_found, t_depth);
        t_frames = new Stack<HashSet<string>>();
        t_found = [];
        t_depth = 0;
        try
        {
            var body = serializer.Deserialize<T>(reader);
            if (t_found.Count > 0 && body is not null && !typeof(T).IsValueType)
            {
                Broken.AddOrUpdate(body, t_found.Distinct(StringComparer.Ordinal).ToList());
            }

            return body;
        }
        finally
        {
            (t_frames, t_found, t_depth) = (frames, found, depth);
        }
    }

    /// <summary>
    /// The promises an answer broke: <c>field</c> for a required field it left out, <c>field (null)</c> for a non-null one
    /// it sent as null; a nested object's field is named <c>Type.field</c>. Empty for an answer that kept them all.
    /// </summary>
    public static IReadOnlyList<string> BrokenPromises(object? model) =>
        model is not null && Broken.TryGetValue(model, out var broken) ? broken : [];

    /// <summary>Relaxes every required property of the generated models for reading, and records where it had to.</summary>
    private sealed class PromiseKeepingResolver : DefaultContractResolver
    {
        protected override JsonObjectContract CreateObjectContract(Type objectType)
        {
            var contract = base.CreateObjectContract(objectType);
            var promised = new List<Promise>();
            foreach (var property in contract.Properties)
            {
                if (property.Required is not (Required.Always or Required.AllowNull) || property.Ignored || !property.Writable || property.ValueProvider is null)
                {
                    continue;
                }

                var promise = new Promise(property.PropertyName!, property.Required == Required.AllowNull, property.ValueProvider);
                promised.Add(promise);
                property.Required = Required.Default;
                // Reuse would fill a default collection in place without setting the property, so its presence would go unseen.
                property.ObjectCreationHandling = ObjectCreationHandling.Replace;
                if (property.PropertyType is { IsValueType: true } type && Nullable.GetUnderlyingType(type) is null)
                {
                    property.NullValueHandling = NullValueHandling.Ignore; // a null for a value type keeps its default, not an exception
                }

                property.ValueProvider = new PresenceRecorder(promise);
            }

            var typeName = objectType.Name;
            contract.OnDeserializingCallbacks.Add((_, _) =>
            {
                t_depth++;
                if (promised.Count > 0)
                {
                    t_frames?.Push(new HashSet<string>(StringComparer.Ordinal));
                }
            });
            contract.OnDeserializedCallbacks.Add((model, _) =>
            {
                t_depth--;
                if (promised.Count > 0)
                {
                    Check(model, t_depth == 0 ? "" : typeName + ".", promised);
                }
            });
            return contract;
        }

        private static void Check(object model, string prefix, List<Promise> promised)
        {
            if (t_frames is not { Count: > 0 } frames || t_found is not { } found)
            {
                return;
            }

            var present = frames.Pop();
            foreach (var promise in promised)
            {
                if (!present.Contains(promise.Name))
                {
                    found.Add(prefix + promise.Name);
                }
                else if (!promise.NullAllowed && promise.Inner.GetValue(model) is null)
                {
                    found.Add($"{prefix}{promise.Name} (null)");
                }
            }
        }
    }

    private sealed record Promise(string Name, bool NullAllowed, IValueProvider Inner);

    /// <summary>Notes that the answer held the property, then sets it as the generated contract would.</summary>
    private sealed class PresenceRecorder(Promise promise) : IValueProvider
    {
        public void SetValue(object target, object? value)
        {
            if (t_frames is { Count: > 0 } frames)
            {
                frames.Peek().Add(promise.Name);
            }

            promise.Inner.SetValue(target, value);
        }

        public object? GetValue(object target) => promise.Inner.GetValue(target);
    }
}
