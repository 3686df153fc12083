package io.recsys.cli;

import io.recsys.models.rollout.LearningLoop;

import java.time.Duration;

/** Runs the learning loop's looks one after another until interrupted; a look that fails is tried again later. */
final class LoopRunner implements Runnable {

    private final LearningLoop loop;
    private final LoopJournal journal;
    private final Duration lookEvery;

    LoopRunner(LearningLoop loop, LoopJournal journal, Duration lookEvery) {
        this.loop = loop;
        this.journal = journal;
        this.lookEvery = lookEvery;
    }

    @Override
    public void run() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                loop.step(System.currentTimeMillis());
                Thread.sleep(lookEvery.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                // the API restarting, the job's endpoint away, a round with too little data: the next look retries
                journal.failed(e);
                try {
                    Thread.sleep(lookEvery.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
