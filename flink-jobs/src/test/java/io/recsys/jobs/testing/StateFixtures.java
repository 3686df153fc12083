package io.recsys.jobs.testing;

import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Operator state that a released version of the feature job wrote, as a savepoint holds it, kept in
 * {@code src/test/resources/savepoints/UID-RELEASE.snapshot} so that tests can restore the operator of that uid from
 * it. Each test writes its fixture in a method that runs only with {@value #WRITE_PROPERTY}{@code =true}:
 * <pre>
 * mvn -o -pl flink-jobs -am test -Dtest='*SavepointTest' -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Drecsys.write-savepoint-fixtures=true
 * </pre>
 * Write new ones only with a release that breaks state compatibility on purpose (and says so in docs/operations.md,
 * "Upgrade the feature job with a savepoint"), under that release's name, keeping the old files while any
 * deployment may still run that release.
 */
public final class StateFixtures {

    /** The release whose state the fixtures hold. */
    public static final String RELEASE = "0.1";
    /** The system property that makes the fixture-writing methods run. */
    public static final String WRITE_PROPERTY = "recsys.write-savepoint-fixtures";

    private StateFixtures() {
    }

    /** The state of the operator with this uid, as {@link #RELEASE} wrote it. */
    public static OperatorSubtaskState read(String operatorUid) throws Exception {
        String resource = resource(operatorUid);
        Path file = Path.of(Objects.requireNonNull(StateFixtures.class.getResource("/" + resource),
                resource + " is missing from the test resources").toURI());
        return OperatorSnapshotUtil.readStateHandle(file.toString());
    }

    /** Writes the fixture into the module's test resources (the working directory of a Maven test run). */
    public static void write(String operatorUid, OperatorSubtaskState snapshot) throws Exception {
        Path file = Path.of("src/test/resources").resolve(resource(operatorUid));
        Files.createDirectories(file.getParent());
        OperatorSnapshotUtil.writeStateHandle(snapshot, file.toString());
    }

    private static String resource(String operatorUid) {
        return "savepoints/" + operatorUid + "-" + RELEASE + ".snapshot";
    }
}
