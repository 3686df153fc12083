package io.recsys.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one entry point: {@code ./recsys COMMAND}. */
@Command(name = "recsys", mixinStandardHelpOptions = true, version = "recsys 0.1.0",
        description = "Real-time features and ranking on Kafka, Flink and a JDBC feature store.",
        subcommands = {FeaturesCommand.class, EvaluateCommand.class, DemoCommand.class, ServeCommand.class,
                BenchCommand.class, ClusterCommand.class, TrainCommand.class, TrainerCommand.class})
public final class Recsys implements Runnable {

    /** Tribuo logs every training epoch through java.util.logging; held here so the level setting sticks. */
    private static final java.util.logging.Logger TRIBUO_LOG = java.util.logging.Logger.getLogger("org.tribuo");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        TRIBUO_LOG.setLevel(java.util.logging.Level.WARNING);
        int exitCode = 1;
        try {
            exitCode = execute(args);
        } catch (Throwable error) {
            // an Error escapes picocli's handler; exit anyway, or the broker and MiniCluster threads keep the JVM up
            System.err.println("error: " + error);
            error.printStackTrace();
        } finally {
            System.exit(exitCode);
        }
    }

    static int execute(String... args) {
        CommandLine commandLine = new CommandLine(new Recsys());
        commandLine.setExecutionExceptionHandler((error, cmd, parsed) -> {
            cmd.getErr().println("error: " + messageOf(error));
            if (System.getenv("RECSYS_DEBUG") != null) {
                error.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        return commandLine.execute(args);
    }

    private static String messageOf(Throwable error) {
        Throwable cause = error;
        while (cause.getMessage() == null && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
