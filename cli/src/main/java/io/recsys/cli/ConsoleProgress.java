package io.recsys.cli;

import io.recsys.progress.Progress;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * {@link Progress} drawn as progress bars on standard error, so standard output stays machine-readable: each stage
 * of a replay, training or evaluation run is its own bar. {@link #bar} makes a single bar for a command's own loop.
 */
final class ConsoleProgress implements Progress, AutoCloseable {

    private ProgressBar bar;

    static ProgressBar bar(String task, long total) {
        return new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(500)
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .showSpeed()
                .build();
    }

    @Override
    public void stage(String name, long total) {
        close();
        bar = bar(name, total);
    }

    @Override
    public void done(long steps) {
        if (bar != null) {
            bar.stepTo(steps);
        }
    }

    @Override
    public void finish() {
        close();
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
