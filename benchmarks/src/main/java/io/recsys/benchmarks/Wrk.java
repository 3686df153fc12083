package io.recsys.benchmarks;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The load generator every HTTP benchmark runs: wrk, in a process of its own, optionally pinned to cores with
 * taskset so it does not share them with the API it measures. Its scripts report through lines of their own
 * ({@link #SUMMARY_SCRIPT}'s {@code RESULT} line), which {@link Summary#parse} reads.
 */
public final class Wrk {

    /**
     * wrk's {@code done()} writing one {@code RESULT} line: requests, wall seconds, latency percentiles and maximum
     * in µs, socket errors. Appended to a request script.
     */
    public static final String SUMMARY_SCRIPT = "local statuses = {}\n"
            + "response = function(status, headers, body)\n"
            + "  statuses[status] = (statuses[status] or 0) + 1\n"
            + "end\n"
            + "done = function(summary, latency, requests)\n"
            + "  io.write(string.format(\"RESULT requests=%d seconds=%.3f p50=%d p90=%d p99=%d p999=%d max=%d"
            + " errors=%d\\n\", summary.requests, summary.duration / 1e6, latency:percentile(50),"
            + " latency:percentile(90), latency:percentile(99), latency:percentile(99.9), latency.max,"
            + " summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))\n"
            + "end\n";

    private static final Pattern RESULT = Pattern.compile("RESULT requests=(\\d+) seconds=([\\d.]+) p50=(\\d+)"
            + " p90=(\\d+) p99=(\\d+) p999=(\\d+) max=(\\d+) errors=(\\d+)");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");

    private Wrk() {
    }

    /** What a {@link #SUMMARY_SCRIPT} run reports; latencies in µs, as wrk measures them. */
    public record Summary(long requests, double seconds, long p50, long p90, long p99, long p999, long max,
                          long socketErrors, long non2xx) {

        /** @throws IOException when the output holds no {@code RESULT} line (wrk's output is in the message) */
        public static Summary parse(String output) throws IOException {
            Matcher result = RESULT.matcher(output);
            if (!result.find()) {
                throw new IOException("cannot read wrk's output: " + output);
            }
            Matcher non2xx = NON_2XX.matcher(output);
            return new Summary(Long.parseLong(result.group(1)), Double.parseDouble(result.group(2)),
                    Long.parseLong(result.group(3)), Long.parseLong(result.group(4)), Long.parseLong(result.group(5)),
                    Long.parseLong(result.group(6)), Long.parseLong(result.group(7)), Long.parseLong(result.group(8)),
                    non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0);
        }
    }

    /** The wrk command line with these arguments, under {@code taskset -c cpus} when cpus is not null. */
    public static List<String> command(String cpus, List<String> arguments) {
        List<String> command = new ArrayList<>();
        if (cpus != null) {
            command.addAll(List.of("taskset", "-c", cpus));
        }
        command.add("wrk");
        command.addAll(arguments);
        return command;
    }

    /**
     * Runs wrk and returns what it printed (standard output and error together).
     *
     * @param seconds how long the run lasts; wrk that has not ended a minute after it failed
     * @throws IOException when wrk exits with an error or does not end (its output is in the message)
     */
    public static String run(List<String> command, int seconds) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(seconds + 60L, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("wrk failed: " + output);
        }
        return output;
    }
}
