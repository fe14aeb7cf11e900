namespace AiOperator.Benchmarks.Autoscaling;

/// <summary>Offered load (requests/s) over simulated seconds; <see cref="EventAt"/> is when the load first rises.</summary>
internal sealed record LoadTrace(string Name, string Description, double DurationSeconds, double EventAt, Func<double, double> Offered)
{
    public const double Base = 100;

    /// <summary>5× at <paramref name="at"/> for 300 s, then back to the base load.</summary>
    public static LoadTrace Step(double at = 120) => new("step", $"{Base:0} req/s, 5× ({Base * 5:0} req/s) at t={at:0.#} s for 300 s, then {Base:0} req/s again",
        900, at, t => t >= at && t < at + 300 ? Base * 5 : Base);

    /// <summary>10× over 5 minutes, held 2 minutes, back down over 5 minutes.</summary>
    public static LoadTrace Ramp() => new("ramp", $"{Base:0} req/s, a linear ramp to {Base * 10:0} req/s over t=60-360 s, held to 480 s, down to {Base:0} req/s by 780 s",
        1200, 60, t => t switch
        {
            < 60 => Base,
            < 360 => Base + (Base * 9 * (t - 60) / 300),
            < 480 => Base * 10,
            < 780 => (Base * 10) - (Base * 9 * (t - 480) / 300),
            _ => Base,
        });

    /// <summary>A 10 s burst of 5× the base load.</summary>
    public static LoadTrace Spike() => new("spike", $"{Base:0} req/s, 5× ({Base * 5:0} req/s) for 10 s at t=120 s",
        720, 120, t => t >= 120 && t < 130 ? Base * 5 : Base);
}
