package io.recsys.cli;

import io.recsys.benchmarks.api.ApiBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code ./recsys bench api}: the options of {@link ApiBench}, which measures; an API it starts itself is configured
 * by {@link ApiOptions}.
 */
@Command(name = "api", mixinStandardHelpOptions = true,
        description = "Requests/s and latency of GET /v1/recommendations under load from wrk.")
final class ApiBenchCommand implements Callable<Integer> {

    @Option(names = "--items", defaultValue = "100000")
    int items;

    @Option(names = "--users", defaultValue = "10000")
    int users;

    @Option(names = "--user-prefix", defaultValue = "bench-u",
            description = "Requests ask for users PREFIX<n>, n from --first-user on (default: ${DEFAULT-VALUE}; the"
                    + " demo's simulated users are u1 to u1000).")
    String userPrefix;

    @Option(names = "--first-user", defaultValue = "0")
    int firstUser;

    @Option(names = "--target", paramLabel = "URL",
            description = "Measure an API that is already running (e.g. ./recsys demo's) instead of starting one with"
                    + " a synthetic store and bundle; --items is then ignored and nothing is written anywhere but"
                    + " --out (default: start one).")
    URI target;

    @Option(names = "--load-cpus", paramLabel = "LIST",
            description = "Run wrk under taskset -c LIST, e.g. 1 while this command runs under taskset -c 0, so the"
                    + " load generator and the API do not share cores (default: wherever the OS puts it).")
    String loadCpus;

    @Option(names = "--connections", split = ",", defaultValue = "8,16,64",
            description = "wrk connection counts, one run each (default: ${DEFAULT-VALUE}).")
    List<Integer> connections;

    @Option(names = "--rates", split = ",",
            description = "Offered requests/s per run, in the order of --connections (0: as fast as the connections"
                    + " go). A paced run makes each connection wait connections/rate between requests (wrk's"
                    + " delay()), so the load stays near the rate when the API answers fast, sheds included.")
    List<Integer> rates = List.of();

    @Option(names = "--seconds", defaultValue = "30", description = "Length of each run.")
    int seconds;

    @Option(names = "--out", defaultValue = "out/bench-api.json")
    Path out;

    @Option(names = "--overload-seconds", defaultValue = "0",
            description = "After the runs, offer half the sustainable rate for --baseline-seconds, twice it for this"
                    + " long, then half of it again for --recovery-seconds, sampling memory and answers every"
                    + " --sample-seconds (default: 0, none).")
    int overloadSeconds;

    @Option(names = "--baseline-seconds", defaultValue = "30")
    int baselineSeconds;

    @Option(names = "--recovery-seconds", defaultValue = "60")
    int recoverySeconds;

    @Option(names = "--sustainable-rate", defaultValue = "0",
            description = "Requests/s the API sustains, for the overload run (default: 0, what the first run"
                    + " answered per second).")
    int sustainableRate;

    @Option(names = "--overload-connections", defaultValue = "64",
            description = "wrk connections (one thread each) of the overload run (default: ${DEFAULT-VALUE}).")
    int overloadConnections;

    @Option(names = "--sample-seconds", defaultValue = "5")
    int sampleSeconds;

    @Mixin
    Environment environment;

    @Mixin
    ApiOptions api;


    @Override
    public Integer call() throws Exception {
        new ApiBench(new ApiBench.Settings(items, users, userPrefix, firstUser, target, loadCpus, connections, rates,
                seconds, out, overloadSeconds, baselineSeconds, recoverySeconds, sustainableRate,
                overloadConnections, sampleSeconds, environment.dataDir, environment.storeUrl(), api.candidates,
                api.annCacheUsers, api.rerankHead, api::config)).run();
        return 0;
    }
}
