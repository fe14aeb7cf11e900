using System.CommandLine;
using System.Globalization;
using System.Net;
using AiOperator.ControllerRuntime.Client;
using AiOperator.ControllerRuntime.Hosting;
using AiOperator.ControllerRuntime.LeaderElection;
using AiOperator.ControllerRuntime.Metrics;
using AiOperator.Operator.Monitoring;
using k8s;
using Microsoft.Extensions.Logging;

namespace AiOperator.Operator.Hosting;

/// <summary>The aiop-operator command line: flags → configuration → run until SIGTERM.</summary>
internal static class OperatorCommand
{
    public static RootCommand Create()
    {
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = "Kubeconfig file; default: in-cluster config, else $KUBECONFIG or ~/.kube/config" };
        var namespaces = new Option<string?>("--namespaces") { Description = "Comma-separated namespaces to watch; default: all" };
        var leaderElect = new Option<bool>("--leader-elect") { Description = "Elect one active replica through a Lease" };
        var leaseNamespace = new Option<string?>("--leader-election-namespace") { Description = "Namespace of the Lease; default: $POD_NAMESPACE" };
        var leaseName = new Option<string>("--leader-election-id") { Description = "Name of the Lease", DefaultValueFactory = _ => "ai-operator-leader" };
        var probeAddress = new Option<string>("--health-probe-bind-address") { Description = "Address of /healthz, /readyz and /metrics", DefaultValueFactory = _ => ":8081" };
        var image = new Option<string>("--model-server-image") { Description = "Default model-server image", DefaultValueFactory = _ => OperatorOptions.DefaultModelServerImage };
        var readerImage = new Option<string>("--output-reader-image")
        {
            Description = "Image of the pod that reads a TrainingJob's output (sha256, metrics.json) when rank 0 reports nothing; it runs `report --output PATH`",
            DefaultValueFactory = _ => OperatorOptions.DefaultOutputReaderImage,
        };
        var concurrency = new Option<int>("--max-concurrent-reconciles") { Description = "Reconciles in parallel per controller", DefaultValueFactory = _ => 4 };
        var logFormat = new Option<string>("--log-format") { Description = "json or text", DefaultValueFactory = _ => "json" };
        var scrapeInterval = new Option<double>("--model-scrape-interval-seconds")
        {
            Description = "How often model pods' /metrics are read (status.metrics, early ModelLoaded=False, autoscaling); 0 turns the scraper off",
            DefaultValueFactory = _ => 2,
        };
        logFormat.AcceptOnlyFromAmong("json", "text");
        scrapeInterval.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double>() is < 0 or > 300)
            {
                r.AddError("--model-scrape-interval-seconds must be between 0 and 300");
            }
        });
        concurrency.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
            {
                r.AddError("--max-concurrent-reconciles must be at least 1");
            }
        });

        var root = new RootCommand("aiop-operator: reconciles ModelDeployments and TrainingJobs")
        {
            kubeconfig, namespaces, leaderElect, leaseNamespace, leaseName, probeAddress, image, readerImage, concurrency, logFormat, scrapeInterval,
        };
        root.SetAction(async (result, cancellationToken) =>
        {
            using var loggers = LoggerFactory.Create(b =>
            {
                if (result.GetValue(logFormat) == "json")
                {
                    b.AddJsonConsole(o => o.IncludeScopes = false);
                }
                else
                {
                    b.AddSimpleConsole(o => o.SingleLine = true);
                }
            });
            var log = loggers.CreateLogger("aiop-operator");

            var config = LoadConfiguration(result.GetValue(kubeconfig));
            var watched = result.GetValue(namespaces)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var podNamespace = Environment.GetEnvironmentVariable("POD_NAMESPACE");
            var identity = Environment.GetEnvironmentVariable("POD_NAME") is { Length: > 0 } pod ? pod : $"{Environment.MachineName}_{Guid.NewGuid():N}";
            var (probeIp, probePort) = ParseBindAddress(result.GetValue(probeAddress)!);
            var hostOptions = new ControllerHostOptions
            {
                ProbeAddress = probeIp,
                ProbePort = probePort,
                Namespaces = watched is { Length: > 0 } ? watched : null,
                LeaderElection = result.GetValue(leaderElect)
                    ? new LeaderElectionOptions
                    {
                        LeaseName = result.GetValue(leaseName)!,
                        LeaseNamespace = result.GetValue(leaseNamespace) ?? podNamespace ?? "default",
                        Identity = identity,
                    }
                    : null,
            };

            var metrics = new ControllerMetrics();
            using var api = new KubeApi(config, metrics);
            var interval = TimeSpan.FromSeconds(result.GetValue(scrapeInterval));
            var monitoring = interval == TimeSpan.Zero
                ? new MonitoringOptions { Enabled = false }
                : new MonitoringOptions { ScrapeInterval = interval, ScrapeTimeout = interval < TimeSpan.FromSeconds(2) ? interval * 0.75 : TimeSpan.FromSeconds(1.5) };
            await using var host = OperatorHost.Build(api, hostOptions, result.GetValue(image)!, result.GetValue(concurrency), metrics, TimeProvider.System, loggers,
                monitoringOptions: monitoring, outputReaderImage: result.GetValue(readerImage));
            log.LogInformation("aiop-operator starting against {Server}", config.Host);
            await host.RunAsync(cancellationToken);
            log.LogInformation("aiop-operator stopped");
            return 0;
        });
        return root;
    }

    private static KubernetesClientConfiguration LoadConfiguration(string? kubeconfig)
    {
        if (kubeconfig is null && KubernetesClientConfiguration.IsInCluster())
        {
            return KubernetesClientConfiguration.InClusterConfig();
        }

        return KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig);
    }

    // kubebuilder's flag shape: ":8081" (every interface), "127.0.0.1:8081", "[::1]:8081"; port 0 disables the endpoint.
    internal static (IPAddress Address, int? Port) ParseBindAddress(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var colon = address.LastIndexOf(':');
        var host = colon < 0 ? string.Empty : address[..colon].Trim('[', ']');
        var text = address[(colon + 1)..];
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new ArgumentException($"--health-probe-bind-address: \"{address}\" is not [host]:port", nameof(address));
        }

        IPAddress? ip = IPAddress.Any;
        if (host.Length > 0 && !IPAddress.TryParse(host, out ip))
        {
            throw new ArgumentException($"--health-probe-bind-address: \"{host}\" is not an IP address", nameof(address));
        }

        return (ip, port == 0 ? null : port);
    }
}
