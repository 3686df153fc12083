package io.recsys.models.evaluation;

/** What a long-running training or evaluation reports, so a command can show progress bars. */
public interface Progress {

    Progress NONE = new Progress() {
        @Override
        public void stage(String name, long total) {
        }

        @Override
        public void done(long steps) {
        }
    };

    /** A new stage of {@code total} steps begins. */
    void stage(String name, long total);

    /** {@code steps} of the current stage are done. */
    void done(long steps);
}
