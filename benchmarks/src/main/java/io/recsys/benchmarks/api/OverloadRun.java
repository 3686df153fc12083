package io.recsys.benchmarks.api;

import io.recsys.benchmarks.ScrapeDifference;
import io.recsys.benchmarks.Scrapes;
import io.recsys.benchmarks.Wrk;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Overload and recovery of the API in this JVM: wrk offers a rate in phases (half the sustainable request rate, twice
 * it, half again), while a sampler records every few seconds what the API answered (200s, 503s and 429s from its own
 * counters, the workers' latency from its histograms) and this JVM's memory (heap after the last collection, heap in
 * use, resident set). wrk runs one connection per thread, so its script can time each request on its connection
 * and report the latency of answered and of refused requests apart (wrk's own statistics mix them).
 */
final class OverloadRun {

    /** What one phase offers: a name, requests/s, how long. */
    record Phase(String name, int rate, int seconds) {
    }

    private static final Pattern CLASS_LINE = Pattern.compile("CLASS (\\w+) count=(\\d+) p50=(\\d+) p90=(\\d+)"
            + " p99=(\\d+) p999=(\\d+) max=(\\d+)");
    private static final Pattern TOTALS = Pattern.compile("TOTALS requests=(\\d+) seconds=([\\d.]+) other=(\\d+)"
            + " errors=(\\d+)");

    private final String base;
    private final Path scriptDir;
    private final LoadProfile load;
    private final int connections;
    private final int sampleSeconds;

    OverloadRun(String base, Path scriptDir, LoadProfile load, int connections, int sampleSeconds) {
        this.base = base;
        this.scriptDir = scriptDir;
        this.load = load;
        this.connections = connections;
        this.sampleSeconds = sampleSeconds;
    }

    /** Runs the phases back to back, sampling throughout; returns each phase's numbers and the samples. */
    Map<String, Object> run(List<Phase> phases) throws Exception {
        List<Map<String, Object>> samples = new ArrayList<>();
        Sampler sampler = new Sampler(samples);
        ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "overload-sampler");
            thread.setDaemon(true);
            return thread;
        });
        List<Map<String, Object>> results = new ArrayList<>();
        try {
            sampler.sample("before");
            for (Phase phase : phases) {
                var sampling = clock.scheduleAtFixedRate(() -> sampler.sampleQuietly(phase.name()), sampleSeconds,
                        sampleSeconds, TimeUnit.SECONDS);
                String loadBefore = Scrapes.loadAverage();
                String metricsBefore = Scrapes.get(base + "/metrics");
                Map<String, Object> result = wrk(phase);
                String metricsAfter = Scrapes.get(base + "/metrics");
                sampling.cancel(false);
                result.put("load_average_before", loadBefore);
                result.put("load_average_after", Scrapes.loadAverage());
                result.put("api_responses", ScrapeDifference.counterIncrease(metricsBefore, metricsAfter,
                        ApiBench.RECOMMENDATION_RESPONSES));
                result.put("shed_by_reason", ScrapeDifference.counterIncrease(metricsBefore, metricsAfter,
                        ApiBench.SHED_BY_REASON));
                result.put("stages", ScrapeDifference.stageLatency(metricsBefore, metricsAfter));
                results.add(result);
                System.err.println(result);
            }
            sampler.sample("after");
        } finally {
            clock.shutdownNow();
        }
        Map<String, Object> overload = new LinkedHashMap<>();
        overload.put("connections", connections);
        overload.put("sample_seconds", sampleSeconds);
        overload.put("phases", results);
        overload.put("samples", samples);
        return overload;
    }

    private Map<String, Object> wrk(Phase phase) throws Exception {
        Path script = scriptDir.resolve("bench-overload-" + phase.name() + ".lua");
        Files.writeString(script, luaScript(load, Math.max(1, connections * 1000 / phase.rate())));
        String output = Wrk.run(load.wrk(List.of("-t" + connections, "-c" + connections,
                "-d" + phase.seconds() + "s", "--timeout", "5s", "-s", script.toString(), base + "/")), phase.seconds());
        return phase(phase, output);
    }

    /** A phase's numbers from the TOTALS and CLASS lines its script prints. */
    static Map<String, Object> phase(Phase phase, String output) throws IOException {
        Matcher totals = TOTALS.matcher(output);
        if (!totals.find()) {
            throw new IOException("cannot read wrk's output: " + output);
        }
        double seconds = Double.parseDouble(totals.group(2));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("phase", phase.name());
        result.put("offered_rate", phase.rate());
        result.put("seconds", seconds);
        result.put("sent_per_s", Math.round(Long.parseLong(totals.group(1)) / seconds));
        Matcher line = CLASS_LINE.matcher(output);
        while (line.find()) {
            long count = Long.parseLong(line.group(2));
            result.put(line.group(1) + "_per_s", Math.round(count / seconds));
            result.put(line.group(1) + "_latency_ms", Map.of("p50", millis(line.group(3)), "p90",
                    millis(line.group(4)), "p99", millis(line.group(5)), "p99.9", millis(line.group(6)),
                    "max", millis(line.group(7))));
        }
        result.put("other_status", Long.parseLong(totals.group(3)));
        result.put("socket_errors", Long.parseLong(totals.group(4)));
        return result;
    }

    private static double millis(String micros) {
        return Math.round(Long.parseLong(micros) / 10.0) / 100.0;
    }

    /**
     * The request script plus timing per connection: with one connection per wrk thread, {@code request()} (called
     * as the request is written) and {@code response()} alternate in each thread's Lua state, so the time between
     * them is that request's latency. CLOCK_MONOTONIC through LuaJIT's FFI: wrk gives scripts no clock.
     */
    static String luaScript(LoadProfile load, int delayMillis) {
        return load.requestScript(delayMillis)
                + "local ffi = require(\"ffi\")\n"
                + "ffi.cdef[[\n"
                + "typedef struct { long tv_sec; long tv_nsec; } bench_timespec;\n"
                + "int clock_gettime(int clock, bench_timespec *now);\n"
                + "]]\n"
                + "local now = ffi.new(\"bench_timespec\")\n"
                + "local function micros()\n"
                + "  ffi.C.clock_gettime(1, now)\n"
                + "  return tonumber(now.tv_sec) * 1000000 + tonumber(now.tv_nsec) / 1000\n"
                + "end\n"
                + "local format = request\n"
                + "local started = 0\n"
                + "answered = {}\n"
                + "refused = {}\n"
                + "other = 0\n"
                + "request = function()\n"
                + "  started = micros()\n"
                + "  return format()\n"
                + "end\n"
                + "response = function(status, headers, body)\n"
                + "  local took = micros() - started\n"
                + "  if status == 200 then answered[#answered + 1] = took\n"
                + "  elseif status == 503 or status == 429 then refused[#refused + 1] = took\n"
                + "  else other = other + 1 end\n"
                + "end\n"
                + "local threads = {}\n"
                + "setup = function(thread)\n"
                + "  threads[#threads + 1] = thread\n"
                + "end\n"
                + "local function report(name)\n"
                + "  local all = {}\n"
                + "  for _, thread in ipairs(threads) do\n"
                + "    for _, took in ipairs(thread:get(name)) do all[#all + 1] = took end\n"
                + "  end\n"
                + "  table.sort(all)\n"
                + "  local function at(q)\n"
                + "    if #all == 0 then return 0 end\n"
                + "    return all[math.max(1, math.ceil(q * #all))]\n"
                + "  end\n"
                + "  io.write(string.format(\"CLASS %s count=%d p50=%d p90=%d p99=%d p999=%d max=%d\\n\", name, #all,"
                + " at(0.5), at(0.9), at(0.99), at(0.999), at(1)))\n"
                + "end\n"
                + "done = function(summary, latency, requests)\n"
                + "  report(\"answered\")\n"
                + "  report(\"refused\")\n"
                + "  local others = 0\n"
                + "  for _, thread in ipairs(threads) do others = others + thread:get(\"other\") end\n"
                + "  io.write(string.format(\"TOTALS requests=%d seconds=%.3f other=%d errors=%d\\n\","
                + " summary.requests, summary.duration / 1e6, others, summary.errors.connect + summary.errors.read"
                + " + summary.errors.write + summary.errors.timeout))\n"
                + "end\n";
    }

    /**
     * Every few seconds: this JVM's memory and collections, and what the API answered since the last sample. The API
     * runs in this JVM (with the embedded broker and store), so its heap is this heap.
     */
    private final class Sampler {
        private final List<Map<String, Object>> samples;
        private final long started = System.nanoTime();
        private String lastMetrics;
        private long lastGcCount;
        private long lastGcMillis;

        Sampler(List<Map<String, Object>> samples) {
            this.samples = samples;
        }

        void sampleQuietly(String name) {
            try {
                sample(name);
            } catch (Exception e) {
                System.err.println("sample failed: " + e);
            }
        }

        synchronized void sample(String name) throws Exception {
            String metrics = Scrapes.get(base + "/metrics");
            Map<String, Object> sample = new LinkedHashMap<>();
            sample.put("t_s", Math.round((System.nanoTime() - started) / 1e8) / 10.0);
            sample.put("phase", name);
            long afterGc = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null) {
                    afterGc += pool.getCollectionUsage().getUsed();
                }
            }
            sample.put("heap_after_last_gc_mb", afterGc >> 20);
            sample.put("heap_used_mb", ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20);
            sample.put("heap_committed_mb",
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted() >> 20);
            sample.put("rss_mb", residentMegabytes());
            long gcCount = 0;
            long gcMillis = 0;
            for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
                gcCount += collector.getCollectionCount();
                gcMillis += collector.getCollectionTime();
            }
            sample.put("gc_count", gcCount - lastGcCount);
            sample.put("gc_ms", gcMillis - lastGcMillis);
            lastGcCount = gcCount;
            lastGcMillis = gcMillis;
            sample.put("threads", ManagementFactory.getThreadMXBean().getThreadCount());
            if (lastMetrics != null) {
                sample.put("api_responses", ScrapeDifference.counterIncrease(lastMetrics, metrics,
                        ApiBench.RECOMMENDATION_RESPONSES));
                Map<String, Object> stages = ScrapeDifference.stageLatency(lastMetrics, metrics);
                sample.put("worker_total_ms", stages.get("total"));
                sample.put("queue_ms", stages.get("queue"));
            }
            lastMetrics = metrics;
            sample.put("load_average", Scrapes.loadAverage());
            samples.add(sample);
        }

        private static long residentMegabytes() throws IOException {
            Path status = Path.of("/proc/self/status");
            if (!Files.exists(status)) {
                return -1;
            }
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) >> 10;
                }
            }
            return -1;
        }
    }
}
