package io.recsys.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The linters of the repository's tools/lint (npm packages pinned in its package-lock.json), which ./recsys test
 * installs with {@code npm ci}. A missing linter fails the test that needs it, naming the install command, so an
 * unlinted document cannot pass as linted.
 */
final class LintTools {

    record Result(int exitCode, String stdout, String stderr) {
    }

    static final Path ROOT = findRoot();
    static final Path DIR = ROOT.resolve("tools").resolve("lint");

    private LintTools() {
    }

    static Path binary(String name) {
        Path binary = DIR.resolve("node_modules").resolve(".bin").resolve(name);
        if (!Files.isExecutable(binary)) {
            throw new AssertionError(binary + " is not installed: run `npm ci --prefix tools/lint` in "
                    + ROOT + " (./recsys test does)");
        }
        return binary;
    }

    /**
     * Runs a linter in the repository's root. Update checks and telemetry are off: the suite runs without a network
     * and sends nothing.
     */
    static Result run(String name, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(binary(name).toString());
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile());
        builder.environment().put("REDOCLY_TELEMETRY", "off");
        builder.environment().put("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true");
        Process process = builder.start();
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
        String stdout = readAll(process.getInputStream());
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(name + " " + String.join(" ", arguments) + " did not finish in 2 minutes");
        }
        return new Result(process.exitValue(), stdout, stderr.join());
    }

    private static String readAll(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Maven runs tests in the module's directory; an IDE may run them in the repository's. */
    private static Path findRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("tools").resolve("lint").resolve("package.json"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no tools/lint/package.json above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
