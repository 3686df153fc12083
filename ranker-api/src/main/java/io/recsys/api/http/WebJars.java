package io.recsys.api.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Where a webjar on the classpath keeps its files, found from the version its own pom.properties names. */
final class WebJars {

    private WebJars() {
    }

    /**
     * The version of the npm webjar {@code artifactId}, so the page's URLs stay the same when the pom moves to
     * another version.
     *
     * @throws IllegalStateException when the webjar is not on the classpath
     */
    static String version(String artifactId) {
        String path = "META-INF/maven/org.webjars.npm/" + artifactId + "/pom.properties";
        try (InputStream in = WebJars.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("the webjar org.webjars.npm:" + artifactId
                        + " is missing from the classpath (" + path + ")");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path, e);
        }
    }
}
