package io.recsys.deploy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus' own rule checker. Debian's "prometheus" package installs it (./recsys test does); a missing promtool is a
 * failure, not a skip, so unchecked rules cannot pass as checked.
 */
final class Promtool {

    record Result(int exitCode, String output) {
    }

    private Promtool() {
    }

    static Path path() {
        String configured = System.getProperty("recsys.promtool");
        if (configured != null) {
            if (!Files.isExecutable(Path.of(configured))) {
                throw new AssertionError("-Drecsys.promtool=" + configured + " is not an executable file");
            }
            return Path.of(configured);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "promtool");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("promtool is not on the PATH: install Debian's prometheus package"
                + " (apt-get install -y prometheus; ./recsys test does) or point -Drecsys.promtool at it");
    }

    /** Runs promtool in k8s/monitoring/rules (the test files name their rule files relative to their own place). */
    static Result run(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(path().toString());
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
