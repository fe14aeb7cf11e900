namespace AiOperator.ControllerRuntime.Events;

/// <summary>Create a new Event object, or bump the count of the existing one with this name.</summary>
public sealed record EventAction(bool Create, string Name, int Count, DateTimeOffset FirstSeen, DateTimeOffset LastSeen);
