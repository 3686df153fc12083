package io.recsys.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one entry point: {@code ./recsys COMMAND}. */
@Command(name = "recsys", mixinStandardHelpOptions = true, version = "recsys 0.1.0",
        description = "Real-time features and ranking on Kafka, Flink and a JDBC feature store.",
        subcommands = {FeaturesCommand.class, EvaluateCommand.class, DemoCommand.class, ServeCommand.class,
                BenchCommand.class})
public final class Recsys implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
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
