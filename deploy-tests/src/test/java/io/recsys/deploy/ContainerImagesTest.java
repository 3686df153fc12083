package io.recsys.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The images the manifests run are the ones docker/ builds: every image k8s/ names has a Dockerfile (its
 * {@value Dockerfiles#TITLE} label says which), each Dockerfile copies a jar the Maven build writes and the build
 * context lets in, and what each image holds is where the manifests look for it. No container daemon runs here, so
 * the images are never built in the suite; dockerfilelint (tools/lint, installed by ./recsys test) checks the files.
 */
class ContainerImagesTest {

    private static final Path DOCKERIGNORE = Repository.ROOT.resolve(".dockerignore");

    @Test
    void everyImageTheManifestsNameIsBuiltByExactlyOneDockerfile() {
        Set<String> named = new TreeSet<>();
        Manifests.all().forEach(manifest -> collectImages(manifest.object(), named));
        Manifests.kustomization(Repository.K8S).path("images").forEach(image -> named.add(image.path("name").asText()));
        List<String> built = Dockerfiles.all().stream().map(Dockerfiles::image).toList();

        assertThat(named).as("images named in k8s/").containsExactlyInAnyOrder("recsys-api", "recsys-flink");
        assertThat(built).as("%s labels of docker/*/Dockerfile", Dockerfiles.TITLE).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(named);
    }

    @Test
    void everyDockerfileCopiesAJarTheMavenBuildWritesAndTheBuildContextLetsIn() throws IOException {
        List<String> ignoreRules = Files.readAllLines(DOCKERIGNORE).stream().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        for (Dockerfiles dockerfile : Dockerfiles.all()) {
            assertThat(dockerfile.copies()).as("%s copies", dockerfile).isNotEmpty();
            for (Dockerfiles.Copy copy : dockerfile.copies()) {
                for (String source : copy.sources()) {
                    String module = source.split("/")[0];
                    assertThat(MavenArtifacts.packagedJars(module)).as("%s copies %s", dockerfile, source)
                            .contains(source);
                    assertThat(inBuildContext(source, ignoreRules)).as(".dockerignore lets %s in", source).isTrue();
                }
            }
        }
    }

    @Test
    void theApiImageStartsTheJarAsTheDeploymentCommandsIt() {
        Dockerfiles api = built("recsys-api");
        JsonNode container = Manifests.the(Manifests.all(), "Deployment", "ranker-api").object()
                .path("spec").path("template").path("spec").path("containers").get(0);
        List<String> command = new ArrayList<>();
        container.path("command").forEach(word -> command.add(word.asText()));

        assertThat(container.path("image").asText()).isEqualTo("recsys-api");
        assertThat(api.entrypoint()).as("%s ENTRYPOINT, the Deployment's command", api).isEqualTo(command);
        String jar = command.get(command.indexOf("-jar") + 1);
        assertThat(api.copies()).extracting(Dockerfiles.Copy::destination).containsExactly(jar);
        assertThat(api.baseImage()).isEqualTo("eclipse-temurin:25-jre");
    }

    @Test
    void theFlinkImageIsTheJobsFlinkWithTheJarAndPluginTheFlinkDeploymentUses() {
        Dockerfiles flink = built("recsys-flink");
        String flinkVersion = MavenArtifacts.property("flink.version");
        JsonNode spec = Manifests.the(Manifests.all(), "FlinkDeployment", "recsys-features").object().path("spec");
        String[] majorMinor = flinkVersion.split("\\.");

        assertThat(flink.baseImage()).isEqualTo("flink:" + flinkVersion + "-java21");
        assertThat(flink.argDefaults()).containsEntry("RECSYS_VERSION", MavenArtifacts.projectVersion());
        assertThat(spec.path("image").asText()).isEqualTo("recsys-flink");
        assertThat(spec.path("flinkVersion").asText()).isEqualTo("v" + majorMinor[0] + "_" + majorMinor[1]);
        assertThat(flink.copies()).extracting(copy -> "local://" + copy.destination())
                .containsExactly(spec.path("job").path("jarURI").asText());
        List<String> plugins = spec.findValues("env").stream().flatMap(env -> {
            List<String> values = new ArrayList<>();
            env.forEach(variable -> {
                if (variable.path("name").asText().equals("ENABLE_BUILT_IN_PLUGINS")) {
                    values.add(variable.path("value").asText());
                }
            });
            return values.stream();
        }).toList();
        assertThat(plugins).as("the S3 plugin the image's opt/ holds").containsExactly(
                "flink-s3-fs-presto-" + flinkVersion + ".jar");
    }

    @Test
    void everyDockerfilePassesDockerfilelint() throws Exception {
        for (Dockerfiles dockerfile : Dockerfiles.all()) {
            LintTools.Result result = LintTools.run("dockerfilelint", "--json", dockerfile.toString());

            JsonNode report = new ObjectMapper().readTree(result.stdout());
            assertThat(report.path("totalIssues").asInt(-1)).as("%s: %s", dockerfile, result.stdout()).isZero();
            assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isZero();
        }
    }

    /** The negative control: the linter the test above trusts does find faults. */
    @Test
    void dockerfilelintFindsTheFaultsOfABrokenDockerfile(@TempDir Path dir) throws Exception {
        Path broken = Files.writeString(dir.resolve("Dockerfile"),
                "FROM eclipse-temurin:latest\nRUN apt-get install curl\nEXPOSE 80000\n");

        LintTools.Result result = LintTools.run("dockerfilelint", "--json", broken.toString());

        JsonNode issues = new ObjectMapper().readTree(result.stdout()).path("files").get(0).path("issues");
        assertThat(issues.findValuesAsText("title")).contains("Base Image Latest Tag", "Invalid Port Exposed");
        assertThat(result.exitCode()).isNotZero();
    }

    private static Dockerfiles built(String image) {
        return Dockerfiles.all().stream().filter(dockerfile -> image.equals(dockerfile.image())).findFirst()
                .orElseThrow(() -> new AssertionError("no Dockerfile under docker/ builds " + image));
    }

    private static void collectImages(JsonNode node, Set<String> images) {
        node.fields().forEachRemaining(field -> {
            if (field.getKey().equals("image") && field.getValue().isTextual()) {
                images.add(field.getValue().asText());
            }
        });
        node.forEach(child -> collectImages(child, images));
    }

    /**
     * Docker's rule: the last .dockerignore pattern that matches the path or one of its parent folders decides,
     * a leading "!" letting it back in.
     */
    private static boolean inBuildContext(String path, List<String> rules) {
        boolean included = true;
        String[] segments = path.split("/");
        for (String rule : rules) {
            boolean letIn = rule.startsWith("!");
            var matcher = FileSystems.getDefault().getPathMatcher("glob:" + (letIn ? rule.substring(1) : rule));
            for (int length = 1; length <= segments.length; length++) {
                if (matcher.matches(Path.of(String.join("/", List.of(segments).subList(0, length))))) {
                    included = letIn;
                    break;
                }
            }
        }
        return included;
    }
}
