package io.recsys.api.live;

import io.recsys.api.serving.ApiMetrics;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What the page's charts draw: once a second it reads the API's metrics (and the feature job's, when their
 * Prometheus endpoint is known), turns the last readings into rates, latency quantiles and CTRs ({@link Rates}),
 * and keeps the last {@link #HISTORY_SECONDS} of those points. {@link #series()} hands them out as columns, the
 * shape uPlot draws.
 */
public final class LiveSampler implements AutoCloseable {

    static final int INTERVAL_MILLIS = 1_000;
    /** Rates and quantiles are over the last 5 s: at a request every 2 s, a 1 s window would be mostly empty. */
    static final int RATE_WINDOW_SECONDS = 5;
    /** An arm's CTR is over the last minute: at a few clicks a second, shorter windows are mostly noise. */
    static final int CTR_WINDOW_SECONDS = 60;
    static final int HISTORY_SECONDS = 300;

    private final ApiReadings api;
    private final JobMetrics job;
    private final Clock clock;
    private final SampleRing<Reading> readings = new SampleRing<>(CTR_WINDOW_SECONDS + 1);
    private final SampleRing<Point> points = new SampleRing<>(HISTORY_SECONDS);
    private final ScheduledExecutorService timer;
    private volatile String jobError;

    private record Point(long atMillis, Map<String, Double> values) {
    }

    /**
     * @param jobMetrics the feature job's Prometheus endpoint, or null when the API does not know it: the job's
     *                   charts then say so instead of drawing
     */
    public LiveSampler(ApiMetrics metrics, URI jobMetrics, Clock clock) {
        this(new ApiReadings(metrics), jobMetrics == null ? null : new JobMetrics(jobMetrics), clock, true);
    }

    LiveSampler(ApiReadings api, JobMetrics job, Clock clock, boolean scheduled) {
        this.api = api;
        this.job = job;
        this.clock = clock;
        this.jobError = job == null ? null : "not scraped yet";
        if (scheduled) {
            this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "live-sampler");
                thread.setDaemon(true);
                return thread;
            });
            timer.scheduleAtFixedRate(this::sampleQuietly, 0, INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
        } else {
            this.timer = null;
        }
    }

    private void sampleQuietly() {
        try {
            sample();
        } catch (RuntimeException e) {
            // a sample lost is a gap in the charts; an exception escaping would stop every later sample
            System.getLogger(LiveSampler.class.getName()).log(System.Logger.Level.WARNING, "live sample failed", e);
        }
    }

    /** Takes one reading and, once there are two, adds one point to every series. */
    void sample() {
        long now = clock.millis();
        readings.add(new Reading(now, api.read(), readJob()));
        int held = readings.size();
        if (held < 2) {
            return;
        }
        Reading newest = readings.fromNewest(0);
        Reading rateFrom = readings.fromNewest(Math.min(RATE_WINDOW_SECONDS, held - 1));
        Reading ctrFrom = readings.fromNewest(Math.min(CTR_WINDOW_SECONDS, held - 1));
        points.add(new Point(now, Rates.between(rateFrom, ctrFrom, newest)));
    }

    private Reading.Job readJob() {
        if (job == null) {
            return null;
        }
        try {
            Reading.Job reading = job.read();
            jobError = null;
            return reading;
        } catch (IOException e) {
            jobError = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * The points held, as columns: {@code t} (epoch seconds, oldest first) and one array per series, null where a
     * point has no value. Series are named {@code api.*} (this API's own metrics) and {@code job.*} (the feature
     * job's, from its metrics endpoint).
     */
    public Map<String, Object> series() {
        List<Point> held = points.toList();
        double[] t = new double[held.size()];
        Map<String, Double[]> columns = new TreeMap<>();
        for (int i = 0; i < held.size(); i++) {
            Point point = held.get(i);
            t[i] = point.atMillis() / 1000.0;
            for (Map.Entry<String, Double> value : point.values().entrySet()) {
                columns.computeIfAbsent(value.getKey(), name -> new Double[held.size()])[i] = value.getValue();
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("interval_seconds", INTERVAL_MILLIS / 1000);
        body.put("rate_window_seconds", RATE_WINDOW_SECONDS);
        body.put("ctr_window_seconds", CTR_WINDOW_SECONDS);
        Map<String, Object> jobSource = new LinkedHashMap<>();
        jobSource.put("url", job == null ? null : job.url().toString());
        jobSource.put("error", job == null ? "the API was not given the feature job's metrics endpoint (--job-metrics)"
                : jobError);
        body.put("job_metrics", jobSource);
        body.put("t", t);
        Map<String, List<Double>> series = new LinkedHashMap<>();
        columns.forEach((name, values) -> series.put(name, new ArrayList<>(Arrays.asList(values))));
        body.put("series", series);
        return body;
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
