package io.recsys.cli;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Where the build put what runs outside this JVM: Flink's runtime jars for the local cluster, and the shaded
 * feature-job jar submitted to a cluster. {@code ./recsys} passes both as system properties; otherwise they are
 * looked up beside this jar in the source tree it was built from.
 */
final class Installation {

    private Installation() {
    }

    static Path flinkLib() {
        return fromPropertyOrTree("recsys.flink.lib", Path.of("flink-cluster", "target", "flink", "lib"));
    }

    static Path featureJobJar() {
        String property = System.getProperty("recsys.job.jar");
        if (property != null) {
            return Path.of(property);
        }
        Path target = projectRoot().resolve("flink-jobs").resolve("target");
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(f -> f.getFileName().toString().matches("flink-jobs-.*-job\\.jar")).findFirst()
                    .orElse(target.resolve("flink-jobs-job.jar"));
        } catch (IOException e) {
            return target.resolve("flink-jobs-job.jar");
        }
    }

    private static Path fromPropertyOrTree(String property, Path inTree) {
        String value = System.getProperty(property);
        return value != null ? Path.of(value) : projectRoot().resolve(inTree);
    }

    /** The source tree: this jar is {@code ROOT/cli/target/recsys.jar}. */
    private static Path projectRoot() {
        try {
            Path jar = Path.of(Installation.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return jar.toAbsolutePath().getParent().getParent().getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the recsys jar", e);
        }
    }
}
