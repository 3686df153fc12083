package io.recsys.api.serving;

import io.recsys.models.bundle.BundleException;
import io.recsys.models.bundle.BundleRegistry;
import io.recsys.models.bundle.ModelBundle;
import io.recsys.schema.event.ExperimentArm;
import io.recsys.schema.feature.FeatureRegistry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;

/**
 * The bundles serving now: a control and optionally a treatment given to a fixed share of users (split by a hash
 * of the user id, so a user stays in one arm). A reload loads and checks the new bundles completely before one
 * atomic swap; a bundle that fails to load is refused and the old ones keep serving.
 */
public final class ServingModels implements AutoCloseable {

    public static final String CONTROL = ExperimentArm.CONTROL.label();
    public static final String TREATMENT = ExperimentArm.TREATMENT.label();

    /** The bundle a user gets, and under which arm name. */
    public record Assignment(String arm, ModelBundle bundle) {
    }

    private record Arms(ModelBundle control, ModelBundle treatment, double treatmentShare) {
    }

    private final BundleRegistry registry;
    private final FeatureRegistry features;
    private final AtomicReference<Arms> arms = new AtomicReference<>();

    public ServingModels(BundleRegistry registry, FeatureRegistry features) {
        this.registry = registry;
        this.features = features;
    }

    public boolean loaded() {
        return arms.get() != null;
    }

    public Assignment forUser(String userId) {
        Arms current = arms.get();
        if (current == null) {
            throw new IllegalStateException("no model bundle is loaded");
        }
        if (current.treatment() != null && bucket(userId) < current.treatmentShare()) {
            return new Assignment(TREATMENT, current.treatment());
        }
        return new Assignment(CONTROL, current.control());
    }

    /** A stable number in [0, 1) per user. */
    static double bucket(String userId) {
        CRC32 crc = new CRC32();
        crc.update(userId.getBytes(StandardCharsets.UTF_8));
        return (crc.getValue() % 10_000) / 10_000.0;
    }

    /**
     * Loads {@code version} (default: the registry's current) and optionally a treatment, then swaps them in.
     *
     * @return the arms now serving, as "control=VERSION[, treatment=VERSION@SHARE]"
     */
    public synchronized String reload(String version, String treatmentVersion, double treatmentShare)
            throws BundleException, IOException {
        String controlVersion = version != null ? version : registry.current().orElseThrow(() ->
                new BundleException("no version given and " + registry.root() + " has no "
                        + BundleRegistry.CURRENT + " bundle"));
        ModelBundle control = ModelBundle.load(registry.path(controlVersion), features);
        ModelBundle treatment = null;
        if (treatmentVersion != null) {
            try {
                treatment = ModelBundle.load(registry.path(treatmentVersion), features);
            } catch (BundleException e) {
                closeQuietly(control);
                throw e;
            }
        }
        Arms previous = arms.getAndSet(new Arms(control, treatment, treatment == null ? 0 : treatmentShare));
        if (previous != null) {
            retire(previous);
        }
        return describe();
    }

    public String describe() {
        Arms current = arms.get();
        if (current == null) {
            return "none";
        }
        return "control=" + current.control().version() + (current.treatment() == null ? ""
                : ", treatment=" + current.treatment().version() + "@" + current.treatmentShare());
    }

    /** Each arm serving now → the version of its bundle, from one look at the arms; empty before the first load. */
    public Map<String, String> versionsByArm() {
        Arms current = arms.get();
        Map<String, String> versions = new LinkedHashMap<>();
        if (current != null) {
            versions.put(CONTROL, current.control().version());
            if (current.treatment() != null) {
                versions.put(TREATMENT, current.treatment().version());
            }
        }
        return versions;
    }

    public ModelBundle control() {
        Arms current = arms.get();
        return current == null ? null : current.control();
    }

    public ModelBundle treatment() {
        Arms current = arms.get();
        return current == null ? null : current.treatment();
    }

    public double treatmentShare() {
        Arms current = arms.get();
        return current == null ? 0 : current.treatmentShare();
    }

    /** Closes replaced bundles once requests that picked them up before the swap have had time to finish. */
    private static void retire(Arms previous) {
        Thread closer = new Thread(() -> {
            try {
                Thread.sleep(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            closeQuietly(previous.control());
            if (previous.treatment() != null) {
                closeQuietly(previous.treatment());
            }
        }, "bundle-retire");
        closer.setDaemon(true);
        closer.start();
    }

    private static void closeQuietly(ModelBundle bundle) {
        try {
            bundle.close();
        } catch (Exception e) {
            System.getLogger(ServingModels.class.getName()).log(System.Logger.Level.WARNING,
                    "closing bundle " + bundle.version() + " failed", e);
        }
    }

    @Override
    public void close() {
        Arms current = arms.getAndSet(null);
        if (current != null) {
            closeQuietly(current.control());
            if (current.treatment() != null) {
                closeQuietly(current.treatment());
            }
        }
    }
}
