package io.recsys.api.http;

import io.recsys.api.serving.ApiMetrics;
import io.vertx.ext.web.RoutingContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** Admission over real HTTP: the requests it lets through are held by the test until it answers them. */
class AdmissionControlTest {

    private final ApiMetrics metrics = new ApiMetrics();
    private final AtomicBoolean modelLoaded = new AtomicBoolean(true);
    private final AdmissionControl admission = AdmissionControl.create(modelLoaded::get, 2, 5, metrics);
    private final BlockingQueue<RoutingContext> admitted = new LinkedBlockingQueue<>();
    private final RouterOnAPort server = new RouterOnAPort(router ->
            router.get("/rank").handler(admission).handler(admitted::add));

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void theRequestBeyondMaxInFlightIsRefusedAtOnceWith503RetryAfterAndCountedAsInFlight() throws Exception {
        CompletableFuture<HttpResponse<String>> first = server.getAsync("/rank");
        CompletableFuture<HttpResponse<String>> second = server.getAsync("/rank");
        RoutingContext one = admitted.poll(10, TimeUnit.SECONDS);
        RoutingContext two = admitted.poll(10, TimeUnit.SECONDS);
        assertThat(two).as("two requests admitted").isNotNull();
        assertThat(metrics.inFlight.get()).isEqualTo(2);

        HttpResponse<String> refused = server.get("/rank");
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(refused.body()).contains("\"error\":\"overloaded\"", "too many requests in flight");
        assertThat(shed("in_flight")).isEqualTo(1.0);
        assertThat(metrics.shed.get()).isEqualTo(1.0);

        one.response().end("ranked");
        two.response().end("ranked");
        assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(second.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        CompletableFuture<HttpResponse<String>> third = server.getAsync("/rank");
        RoutingContext three = admitted.poll(10, TimeUnit.SECONDS);
        assertThat(three).as("admitted again once the earlier answers ended").isNotNull();
        three.response().end("ranked");
        assertThat(third.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        awaitNoneInFlight();
        assertThat(metrics.shed.get()).isEqualTo(1.0);
    }

    @Test
    void beforeAModelIsLoadedEveryRequestIsRefusedWith503ButNotCountedAsShed() throws Exception {
        modelLoaded.set(false);
        HttpResponse<String> refused = server.get("/rank");
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.body()).contains("\"error\":\"unavailable\"", "no model bundle is loaded yet");
        assertThat(refused.headers().firstValue("Retry-After")).isEmpty();
        assertThat(admitted).isEmpty();
        assertThat(metrics.shed.get()).isZero();
        assertThat(metrics.inFlight.get()).isZero();
    }

    @Test
    void aRequestThatWaitedLongerThanTheIntervalIsRefusedLateAndItsWaitRecorded() {
        long waitedHalfASecond = System.nanoTime() - 500_000_000L;
        assertThat(admission.refuseLate(waitedHalfASecond)).isTrue();
        assertThat(admission.refuseLate(System.nanoTime())).as("a request taken at once").isFalse();
        assertThat(metrics.registry.getSampleValue("recsys_queue_wait_seconds_count")).isEqualTo(2.0);
        assertThat(metrics.registry.getSampleValue("recsys_queue_wait_seconds_sum")).isGreaterThanOrEqualTo(0.5);
    }

    @Test
    void aRequestRefusedLateGets503RetryAfterAndIsCountedAsQueueTime() throws Exception {
        try (RouterOnAPort late = new RouterOnAPort(router ->
                router.get("/late").handler(admission).handler(admission::shedLate))) {
            HttpResponse<String> refused = late.get("/late");
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(refused.body()).contains("\"error\":\"overloaded\"",
                    "waiting more than 5 ms for a ranking worker");
        }
        assertThat(shed("queue_time")).isEqualTo(1.0);
        awaitNoneInFlight();
    }

    /** The count goes down when the response has ended, which may be just after the client has read it. */
    private void awaitNoneInFlight() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (metrics.inFlight.get() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(metrics.inFlight.get()).as("requests in flight").isZero();
    }

    private double shed(String reason) {
        Double value = metrics.registry.getSampleValue("recsys_requests_shed_by_reason_total",
                new String[]{"reason"}, new String[]{reason});
        return value == null ? 0 : value;
    }
}
