package io.recsys.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Prometheus' own rule checker, from Debian's "prometheus" package ({@link PrometheusPackage}). */
final class Promtool {

    record Result(int exitCode, String output) {
    }

    private Promtool() {
    }

    /** Runs promtool in k8s/monitoring/rules (the test files name their rule files relative to their own place). */
    static Result run(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(PrometheusPackage.executable("promtool").toString());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).directory(Repository.RULES.toFile())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("promtool " + String.join(" ", arguments) + " did not finish in 2 minutes");
        }
        return new Result(process.exitValue(), output);
    }
}
