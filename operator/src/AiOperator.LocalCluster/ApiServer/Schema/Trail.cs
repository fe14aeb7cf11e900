using System.Globalization;
using System.Text;

namespace AiOperator.LocalCluster.ApiServer.Schema;

// The path of the node a TypeShape check is at, kept as steps and written out only when something is
// reported there: every write is checked, and building the path string of every node of every object
// was a few percent of all the API server allocated.
internal sealed class Trail(string root)
{
    private readonly List<(string? Key, int Index, Step Kind)> _steps = [];

    public enum Step
    {
        Field,
        MapKey,
        Index,
    }

    public bool IsEmpty => root.Length == 0 && _steps.Count == 0;

    public void Push(string key, Step kind) => _steps.Add((key, -1, kind));

    public void Push(int index) => _steps.Add((null, index, Step.Index));

    public void Pop() => _steps.RemoveAt(_steps.Count - 1);

    // "spec.containers[0].image": a field joins with a dot (no dot at the very start), a map key always
    // joins with a dot, an index is bracketed.
    public override string ToString()
    {
        var path = new StringBuilder(root);
        foreach (var (key, index, kind) in _steps)
        {
            switch (kind)
            {
                case Step.Field:
                    path.Append(path.Length == 0 ? string.Empty : ".").Append(key);
                    break;
                case Step.MapKey:
                    path.Append('.').Append(key);
                    break;
                default:
                    path.Append('[').Append(index.ToString(CultureInfo.InvariantCulture)).Append(']');
                    break;
            }
        }

        return path.ToString();
    }
}
