package io.recsys.jobs.features;

import io.recsys.schema.feature.Counters;

/** Cumulative counters through event time {@code ts}. */
public record CounterPoint(long ts, Counters counters) {
}
