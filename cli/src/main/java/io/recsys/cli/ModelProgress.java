package io.recsys.cli;

import io.recsys.models.evaluation.Progress;
import me.tongfei.progressbar.ProgressBar;

/** Shows each stage of a training or evaluation run as its own progress bar. */
final class ModelProgress implements Progress, AutoCloseable {

    private ProgressBar bar;

    @Override
    public void stage(String name, long total) {
        close();
        bar = io.recsys.cli.Progress.bar(name, total);
    }

    @Override
    public void done(long steps) {
        if (bar != null) {
            bar.stepTo(steps);
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
