package io.recsys.api.http;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

class ReadinessTest {

    private final AtomicBoolean modelLoaded = new AtomicBoolean();
    private final AtomicBoolean storeUp = new AtomicBoolean();
    private final Readiness readiness = new Readiness(modelLoaded::get, () -> "v1", () -> {
        if (!storeUp.get()) {
            throw new IllegalStateException("connection refused");
        }
    }, null);

    @Test
    void notReadyWithoutAModelBundleEvenWithTheStoreUp() {
        storeUp.set(true);
        assertThat(readiness.check()).containsEntry("ready", false).containsEntry("bundle", null)
                .containsEntry("store", "up");
    }

    @Test
    void notReadyWhileTheStoreHasNeverAnswered() {
        modelLoaded.set(true);
        assertThat(readiness.check()).containsExactly(entry("bundle", "v1"),
                entry("store_error", "connection refused"), entry("store", "down"), entry("ready", false));
    }

    @Test
    void onceTheStoreHasAnsweredAnOutageLeavesThePodReadyToServeDegraded() {
        modelLoaded.set(true);
        storeUp.set(true);
        assertThat(readiness.check()).containsExactly(entry("bundle", "v1"), entry("store", "up"),
                entry("ready", true));
        storeUp.set(false);
        assertThat(readiness.check()).containsEntry("store", "down")
                .containsEntry("store_error", "connection refused").containsEntry("ready", true);
    }
}
