using System.Runtime.InteropServices;
using System.Text;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace AiOperator.ModelServer.Tests.Support;

/// <summary>Plain in-process ONNX Runtime, used as the oracle the server's outputs must equal bit for bit.</summary>
internal static class ReferenceRuntime
{
    public static List<TestTensor> Run(string modelPath, IReadOnlyList<TestTensor> inputs, string[]? outputNames = null)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(modelPath, options);
        var names = outputNames ?? session.OutputNames.ToArray();
        var values = new List<OrtValue>();
        var handles = new List<GCHandle>();
        try
        {
            foreach (var t in inputs)
            {
                if (t.Strings is not null)
                {
                    var v = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, t.Shape);
                    for (var i = 0; i < t.Strings.Length; i++)
                    {
                        v.StringTensorSetElementAt(t.Strings[i].AsSpan(), i);
                    }

                    values.Add(v);
                    continue;
                }

                var raw = t.Raw.Length == 0 ? new byte[1] : t.Raw;
                var handle = GCHandle.Alloc(raw, GCHandleType.Pinned);
                handles.Add(handle);
                values.Add(OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, session.InputMetadata[t.Name].ElementDataType,
                    t.Shape, handle.AddrOfPinnedObject(), t.Raw.Length));
            }

            using var runOptions = new RunOptions();
            using var results = session.Run(runOptions, inputs.Select(i => i.Name).ToArray(), values, names);
            return results.Select((r, i) =>
            {
                var info = r.GetTensorTypeAndShape();
                var datatype = Datatype(info.ElementDataType);
                return info.ElementDataType == TensorElementType.String
                    ? new TestTensor(names[i], datatype, info.Shape, [], Enumerable.Range(0, (int)info.ElementCount).Select(r.GetStringElement).ToArray())
                    : new TestTensor(names[i], datatype, info.Shape, r.GetTensorMutableRawData().ToArray());
            }).ToList();
        }
        finally
        {
            values.ForEach(v => v.Dispose());
            handles.ForEach(h => h.Free());
        }
    }

    private static string Datatype(TensorElementType t) => t switch
    {
        TensorElementType.Bool => "BOOL",
        TensorElementType.UInt8 => "UINT8",
        TensorElementType.UInt16 => "UINT16",
        TensorElementType.UInt32 => "UINT32",
        TensorElementType.UInt64 => "UINT64",
        TensorElementType.Int8 => "INT8",
        TensorElementType.Int16 => "INT16",
        TensorElementType.Int32 => "INT32",
        TensorElementType.Int64 => "INT64",
        TensorElementType.Float16 => "FP16",
        TensorElementType.BFloat16 => "BF16",
        TensorElementType.Float => "FP32",
        TensorElementType.Double => "FP64",
        TensorElementType.String => "BYTES",
        _ => throw new ArgumentOutOfRangeException(nameof(t)),
    };
}
