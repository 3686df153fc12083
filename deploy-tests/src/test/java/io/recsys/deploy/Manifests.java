package io.recsys.deploy;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The Kubernetes objects of k8s/, found the way kustomize finds them: from k8s/kustomization.yaml through its
 * {@code resources}, a directory standing for the kustomization.yaml in it. Kustomize's own transformations
 * (namespace, labels, images) are not applied: the objects are checked as written.
 */
final class Manifests {

    /** A duplicated key in a YAML map is an error, not "the last one wins". */
    static final ObjectMapper YAML = YAMLMapper.builder(new YAMLFactory())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    /** One object and the file it is in. */
    record Manifest(Path file, JsonNode object) {
        String kind() {
            return object.path("kind").asText();
        }

        String apiVersion() {
            return object.path("apiVersion").asText();
        }

        String name() {
            return object.path("metadata").path("name").asText();
        }

        @Override
        public String toString() {
            return Repository.ROOT.relativize(file) + ": " + kind() + " " + name();
        }
    }

    private Manifests() {
    }

    static List<Manifest> all() {
        List<Manifest> found = new ArrayList<>();
        collect(Repository.K8S, found);
        return found;
    }

    static Manifest the(List<Manifest> manifests, String kind, String name) {
        return find(manifests, kind, name).orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    static Optional<Manifest> find(List<Manifest> manifests, String kind, String name) {
        return manifests.stream().filter(m -> m.kind().equals(kind) && m.name().equals(name)).findFirst();
    }

    static List<Manifest> ofKind(List<Manifest> manifests, String kind) {
        return manifests.stream().filter(m -> m.kind().equals(kind)).toList();
    }

    static JsonNode kustomization(Path dir) {
        return read(dir.resolve("kustomization.yaml")).get(0);
    }

    static List<JsonNode> read(Path file) {
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            List<JsonNode> nodes = new ArrayList<>();
            documents.forEachRemaining(node -> {
                if (node != null && !node.isNull() && !node.isMissingNode()) {
                    nodes.add(node);
                }
            });
            return nodes;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static void collect(Path dir, List<Manifest> found) {
        for (JsonNode resource : kustomization(dir).path("resources")) {
            Path path = dir.resolve(resource.asText()).normalize();
            if (Files.isDirectory(path)) {
                collect(path, found);
            } else {
                read(path).forEach(object -> found.add(new Manifest(path, object)));
            }
        }
    }

    /** Every kustomization.yaml under k8s/, reachable or not. */
    static List<Path> kustomizationDirs() {
        try (var files = Files.walk(Repository.K8S)) {
            Predicate<Path> isKustomization = p -> p.getFileName().toString().equals("kustomization.yaml");
            return files.filter(isKustomization).map(Path::getParent).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
