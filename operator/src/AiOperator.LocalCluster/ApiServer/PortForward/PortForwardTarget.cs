using System.Net;

namespace AiOperator.LocalCluster.ApiServer.PortForward;

// The pod a port-forward connection reaches: its containers listen on PodIp.
internal sealed record PortForwardTarget(string Namespace, string Name, string Uid, IPAddress PodIp);
