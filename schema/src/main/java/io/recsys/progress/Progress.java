package io.recsys.progress;

/**
 * What long-running work reports so a command can show how far it got: a replay, a training run, an evaluation. The
 * work runs as named stages one after another, each of a known number of steps. The one place this is drawn is
 * the CLI's {@code ConsoleProgress}; code that runs unattended passes {@link #NONE}.
 */
public interface Progress {

    Progress NONE = new Progress() {
        @Override
        public void stage(String name, long total) {
        }

        @Override
        public void done(long steps) {
        }
    };

    /** A new stage of {@code total} steps begins; the previous one, if any, is over. */
    void stage(String name, long total);

    /** {@code steps} of the current stage are done. */
    void done(long steps);

    /** The current stage is over and no other follows for now (a drawn bar is closed). */
    default void finish() {
    }
}
