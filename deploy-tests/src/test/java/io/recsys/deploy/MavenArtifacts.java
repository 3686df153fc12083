package io.recsys.deploy;

import org.w3c.dom.Document;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathExpressionException;
import javax.xml.xpath.XPathFactory;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What {@code mvn package} leaves in a module's target/, worked out from the poms rather than from a build, so the
 * check needs no packaged jar: the main jar ({@code finalName}, else artifactId-version) and the shaded jar the shade
 * plugin attaches beside it under its classifier.
 */
final class MavenArtifacts {

    private static final XPath XPATH = XPathFactory.newInstance().newXPath();
    private static final String SHADE = "/project/build/plugins/plugin[artifactId='maven-shade-plugin']";

    private MavenArtifacts() {
    }

    static String projectVersion() {
        return text(pom(Repository.ROOT), "/project/version");
    }

    static String property(String name) {
        String value = text(pom(Repository.ROOT), "/project/properties/" + name);
        if (value.isEmpty()) {
            throw new AssertionError("the parent pom has no property " + name);
        }
        return value;
    }

    /** The jars packaging {@code module} writes, as paths from the repository's root. */
    static Set<String> packagedJars(String module) {
        Document pom = pom(Repository.ROOT.resolve(module));
        String finalName = text(pom, "/project/build/finalName");
        if (finalName.isEmpty()) {
            String version = text(pom, "/project/version");
            finalName = text(pom, "/project/artifactId") + "-"
                    + (version.isEmpty() ? text(pom, "/project/parent/version") : version);
        }
        Set<String> jars = new LinkedHashSet<>();
        jars.add(module + "/target/" + finalName + ".jar");
        if (text(pom, SHADE + "//configuration/shadedArtifactAttached").equals("true")) {
            String classifier = text(pom, SHADE + "//configuration/shadedClassifierName");
            jars.add(module + "/target/" + finalName + "-" + (classifier.isEmpty() ? "shaded" : classifier) + ".jar");
        }
        return jars;
    }

    private static Document pom(Path moduleDir) {
        Path file = moduleDir.resolve("pom.xml");
        try {
            return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
        } catch (Exception e) {
            throw new AssertionError("cannot read " + file, e);
        }
    }

    private static String text(Document pom, String path) {
        try {
            return ((String) XPATH.evaluate(path, pom, XPathConstants.STRING)).strip();
        } catch (XPathExpressionException e) {
            throw new IllegalArgumentException(path, e);
        }
    }
}
