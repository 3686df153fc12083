package io.recsys.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the files under test live: this module sits beside k8s/ and flink-conf/ in the repository. */
final class Repository {

    static final Path ROOT = findRoot();
    static final Path K8S = ROOT.resolve("k8s");
    static final Path MONITORING = K8S.resolve("monitoring");
    static final Path RULES = MONITORING.resolve("rules");
    static final Path RULE_TESTS = RULES.resolve("tests");
    static final Path DASHBOARDS = MONITORING.resolve("dashboards");
    static final Path FLINK_CONF = ROOT.resolve("flink-conf").resolve("config.yaml");

    private Repository() {
    }

    /** Maven runs tests in the module's directory; an IDE may run them in the repository's. */
    private static Path findRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("k8s").resolve("kustomization.yaml"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no k8s/kustomization.yaml above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
