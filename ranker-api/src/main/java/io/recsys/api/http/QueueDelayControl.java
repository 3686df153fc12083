package io.recsys.api.http;

/**
 * Decides, as a worker takes a request, whether it waited so long that it should be refused instead of ranked —
 * CoDel's rule (Nichols and Jacobson, "Controlling Queue Delay"), as servers use it for admission: a queue is only a
 * problem when it <em>stands</em>. A GC pause or a burst leaves a few requests waiting longer than the target and
 * then drains; refusing them would turn a 20 ms hiccup into 503s for clients the server could serve. A standing
 * queue — one where even the shortest wait over a whole interval exceeded the target — means more arrives than the
 * workers can rank, and then every request that waited longer than the target is refused, which drains the queue
 * quickly because a refusal costs next to nothing. Requests that waited longer than the interval are refused in any
 * case: their answer would be late whatever follows.
 */
final class QueueDelayControl {

    private final long targetNanos;
    private final long intervalNanos;
    private long intervalEnd;
    private long shortestWaitInInterval = Long.MAX_VALUE;
    private boolean standingQueue;

    QueueDelayControl(long targetNanos, long intervalNanos) {
        if (targetNanos <= 0 || intervalNanos < targetNanos) {
            throw new IllegalArgumentException("the queue-delay target must be positive and within the interval, got "
                    + targetNanos + " ns / " + intervalNanos + " ns");
        }
        this.targetNanos = targetNanos;
        this.intervalNanos = intervalNanos;
    }

    /** @return whether the request taken at {@code nowNanos} after waiting {@code waitedNanos} should be refused */
    synchronized boolean refuse(long waitedNanos, long nowNanos) {
        if (intervalEnd == 0) {
            intervalEnd = nowNanos + intervalNanos;
        }
        if (nowNanos - intervalEnd >= 0) {
            standingQueue = shortestWaitInInterval > targetNanos;
            shortestWaitInInterval = waitedNanos;
            intervalEnd = nowNanos + intervalNanos;
        } else {
            shortestWaitInInterval = Math.min(shortestWaitInInterval, waitedNanos);
        }
        return waitedNanos > intervalNanos || (standingQueue && waitedNanos > targetNanos);
    }
}
