package io.recsys.deploy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The programs of Debian's "prometheus" package (./recsys test installs it). A missing one is a failure, not a
 * skip, so that what they check cannot pass unchecked.
 */
final class PrometheusPackage {

    private PrometheusPackage() {
    }

    /** {@code program} as -Drecsys.PROGRAM names it, else the first on the PATH. */
    static Path executable(String program) {
        String property = "recsys." + program;
        String configured = System.getProperty(property);
        if (configured != null) {
            if (!Files.isExecutable(Path.of(configured))) {
                throw new AssertionError("-D" + property + "=" + configured + " is not an executable file");
            }
            return Path.of(configured);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError(program + " is not on the PATH: install Debian's prometheus package"
                + " (apt-get install -y prometheus; ./recsys test does) or point -D" + property + " at it");
    }
}
