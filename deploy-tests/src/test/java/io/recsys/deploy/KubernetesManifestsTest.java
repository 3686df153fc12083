package io.recsys.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.recsys.cli.Recsys;
import io.recsys.deploy.Manifests.Manifest;
import io.recsys.jobs.features.FeatureJobMain;
import io.recsys.jobs.features.KafkaEndpoints;
import io.recsys.kafka.KafkaPropertiesFile;
import io.recsys.kafka.Topics;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.KafkaAuthorizationSimple;
import io.strimzi.api.kafka.model.kafka.listener.GenericKafkaListener;
import io.strimzi.api.kafka.model.kafka.listener.KafkaListenerAuthenticationScramSha512;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.acl.AclOperation;
import io.strimzi.api.kafka.model.user.acl.AclResourcePatternType;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleGroupResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleType;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The manifests under k8s/: each one against its API's schema (strictly), and against each other and the code:
 * names that must agree (topics, Services, Secrets, ports, flags) do.
 */
class KubernetesManifestsTest {

    private static final List<Manifest> MANIFESTS = Manifests.all();
    private static final String CNPG_CLUSTER = "postgresql.cnpg.io/v1/Cluster";
    /**
     * The newest flink-kubernetes-operator-api this build can resolve from Maven Central is 1.10.0, whose FlinkVersion
     * enum ends at v1_20; the operator that runs Flink 2.0 (1.11+) knows v2_0. The manifest's value is checked by
     * name and the rest of the object by the 1.10 model.
     */
    private static final String FLINK_VERSION = "v2_0";
    private static final String NEWEST_FLINK_VERSION_THE_MODEL_KNOWS = "v1_20";
    /** Secrets the manifests refer to but do not contain: made by an operator, or by hand (never committed). */
    private static final Map<String, String> SECRETS_MADE_ELSEWHERE = Map.of(
            "recsys-pg-app", "CloudNativePG, for the Cluster's owner (<cluster>-app)",
            "ranker-api-admin", "by hand: kubectl create secret generic ranker-api-admin --from-literal=token=...",
            "ranker-api-producers", "by hand: kubectl create secret generic ranker-api-producers"
                    + " --from-file=tokens=FILE (one 'PRODUCER TOKEN' line each)",
            "recsys-cluster-ca-cert", "Strimzi, for the Kafka cluster: the CA of the brokers' certificates",
            "recsys-ranker-api", "Strimzi's User Operator, for the KafkaUser of that name",
            "recsys-feature-job", "Strimzi's User Operator, for the KafkaUser of that name");
    /** The Kafka topics and groups each component's code uses, and how (Topics, KafkaEndpoints, EventIngest...). */
    private static final Map<String, List<KafkaUse>> KAFKA_USES = Map.of(
            "ranker-api", List.of(
                    new KafkaUse("topic", Topics.EVENTS, AclOperation.WRITE),
                    new KafkaUse("topic", Topics.DEAD_LETTER, AclOperation.WRITE),
                    new KafkaUse("topic", Topics.FEATURE_CHANGES, AclOperation.READ)),
            "recsys-features", List.of(
                    new KafkaUse("topic", Topics.EVENTS, AclOperation.READ),
                    new KafkaUse("topic", Topics.CATALOGUE, AclOperation.READ),
                    new KafkaUse("group", KafkaEndpoints.CONSUMER_GROUP, AclOperation.READ),
                    new KafkaUse("group", KafkaEndpoints.CONSUMER_GROUP + "-catalogue", AclOperation.READ),
                    new KafkaUse("topic", Topics.DEAD_LETTER, AclOperation.WRITE),
                    new KafkaUse("topic", Topics.FEATURE_CHANGES, AclOperation.WRITE)));

    private record KafkaUse(String resourceType, String name, AclOperation operation) {
    }

    @Test
    void everyManifestReadsStrictlyIntoTheModelClassOfItsApi() {
        assertThat(MANIFESTS).hasSizeGreaterThan(15);
        Map<String, String> failures = new TreeMap<>();
        for (Manifest manifest : MANIFESTS) {
            String type = StrictModels.typeOf(manifest.object());
            if (type.equals(CNPG_CLUSTER)) {
                continue; // no Java model: see theCloudNativePgClusterHasWhatItsOperatorRequires
            }
            try {
                StrictModels.read(modelReadable(manifest.object()));
            } catch (Exception e) {
                failures.put(manifest.toString(), e.getMessage());
            }
        }
        assertThat(failures).isEmpty();
    }

    /** The negative control: a misspelt field fails in each family of models, where the lenient reader keeps it. */
    @Test
    void aFieldTheModelDoesNotKnowIsRefused() {
        ObjectNode deployment = copy("Deployment", "ranker-api");
        ((ObjectNode) deployment.at("/spec/template/spec/containers/0")).put("livenesProbe", "typo");
        ObjectNode topic = copy("KafkaTopic", "recsys-events");
        ((ObjectNode) topic.at("/spec")).put("partiton", 3);
        ObjectNode job = modelReadable(copy("FlinkDeployment", "recsys-features"));
        ((ObjectNode) job.at("/spec/job")).put("upgradeMod", "savepoint");
        ObjectNode monitor = copy("ServiceMonitor", "ranker-api");
        ((ObjectNode) monitor.at("/spec/endpoints/0")).put("intervall", "15s");

        for (ObjectNode wrong : List.of(deployment, topic, job, monitor)) {
            assertThatThrownBy(() -> StrictModels.read(wrong)).as(StrictModels.typeOf(wrong))
                    .hasMessageContaining("Unrecognized field");
        }
    }

    /** The API server takes no number for a string nor a string for a number; neither does the strict reader. */
    @Test
    void aValueOfTheWrongTypeIsRefused() {
        ObjectNode config = copy("ConfigMap", "ranker-api-config");
        ((ObjectNode) config.get("data")).put("RECSYS_WORKERS", 4);
        ObjectNode job = modelReadable(copy("FlinkDeployment", "recsys-features"));
        ((ObjectNode) job.at("/spec/flinkConfiguration")).put("execution.checkpointing.incremental", true);
        ObjectNode autoscaler = copy("HorizontalPodAutoscaler", "ranker-api");
        ((ObjectNode) autoscaler.get("spec")).put("minReplicas", "3");

        for (ObjectNode wrong : List.of(config, job, autoscaler)) {
            assertThatThrownBy(() -> StrictModels.read(wrong)).as(StrictModels.typeOf(wrong))
                    .isInstanceOf(com.fasterxml.jackson.databind.exc.MismatchedInputException.class);
        }
    }

    /**
     * CloudNativePG publishes no Java model and no CRD artifact on Maven Central or npm that this build can
     * use, so its Cluster is checked field by field: what its CRD requires and what the rest of k8s/ relies on.
     */
    @Test
    void theCloudNativePgClusterHasWhatItsOperatorRequires() {
        JsonNode cluster = the("Cluster", "recsys-pg").object();
        JsonNode spec = cluster.path("spec");

        assertThat(StrictModels.typeOf(cluster)).isEqualTo(CNPG_CLUSTER);
        assertThat(cluster.path("metadata").path("name").asText()).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
        assertThat(spec.path("instances").isInt()).as("spec.instances is required").isTrue();
        assertThat(spec.path("instances").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(spec.path("storage").path("size").asText()).as("spec.storage.size").matches("\\d+[MGT]i");
        assertThat(spec.path("bootstrap").path("initdb").path("database").asText()).isNotBlank();
        assertThat(spec.path("bootstrap").path("initdb").path("owner").asText()).isNotBlank();
        assertThat(spec.path("postgresql").path("parameters").properties())
                .as("PostgreSQL parameters are strings").allMatch(entry -> entry.getValue().isTextual());
        Set<String> known = Set.of("instances", "imageName", "bootstrap", "postgresql", "storage", "walStorage",
                "resources", "affinity", "monitoring", "backup", "primaryUpdateStrategy", "enableSuperuserAccess");
        assertThat(fieldNames(spec)).as("spec fields of CloudNativePG's Cluster").isSubsetOf(known);
    }

    @Test
    void everyYamlFileUnderK8sIsAppliedByTheKustomization() throws IOException {
        Set<Path> applied = new HashSet<>();
        MANIFESTS.forEach(manifest -> applied.add(manifest.file()));
        for (Path dir : Manifests.kustomizationDirs()) {
            JsonNode kustomization = Manifests.kustomization(dir);
            kustomization.path("resources").forEach(resource ->
                    assertThat(dir.resolve(resource.asText())).as("%s/kustomization.yaml", dir).exists());
            // kustomize's own configuration, not objects
            kustomization.path("configurations").forEach(file -> applied.add(dir.resolve(file.asText()).normalize()));
        }
        try (var files = Files.walk(Repository.K8S)) {
            List<Path> manifests = files.filter(p -> p.toString().endsWith(".yaml"))
                    .filter(p -> !p.getFileName().toString().equals("kustomization.yaml"))
                    .filter(p -> !p.startsWith(Repository.RULES)) // promtool's files, carried by prometheus-rules.yaml
                    .toList();
            assertThat(applied).containsExactlyInAnyOrderElementsOf(manifests);
        }
    }

    @Test
    void theFeatureJobsFlinkConfigurationIsFlinkConfsWithTheClustersStorage() {
        Map<String, String> cluster = flinkDeployment().getSpec().getFlinkConfiguration();
        Map<String, String> local = flatten(Manifests.read(Repository.FLINK_CONF).get(0));
        // where the cluster differs from a single host, and why
        Map<String, String> differences = Map.of(
                "execution.checkpointing.dir", "object storage, not a local directory",
                "execution.checkpointing.savepoint-dir", "object storage, not a local directory",
                "metrics.reporter.prom.port", "one JVM per pod: one port, not a range",
                "jobmanager.memory.process.size", "the operator sets it from spec.jobManager.resource.memory",
                "taskmanager.memory.process.size", "the operator sets it from spec.taskManager.resource.memory");

        local.forEach((key, value) -> {
            if (!differences.containsKey(key)) {
                assertThat(cluster).as("flinkConfiguration vs flink-conf/config.yaml").containsEntry(key, value);
            }
        });
        assertThat(cluster.get("execution.checkpointing.dir")).startsWith("s3://");
        assertThat(cluster.get("execution.checkpointing.savepoint-dir")).startsWith("s3://");
        assertThat(cluster.get("metrics.reporter.prom.port")).isEqualTo("9249");
        assertThat(flinkDeployment().getSpec().getJobManager().getResource().getMemory())
                .isEqualTo(local.get("jobmanager.memory.process.size"));
        assertThat(flinkDeployment().getSpec().getTaskManager().getResource().getMemory())
                .isEqualTo(local.get("taskmanager.memory.process.size"));
    }

    @Test
    void theFeatureJobRunsTheShadedJarWithSavepointUpgradesKubernetesHaAndIncrementalCheckpoints() {
        FlinkDeployment job = flinkDeployment();
        Map<String, String> conf = job.getSpec().getFlinkConfiguration();

        assertThat(the("FlinkDeployment", "recsys-features").object().at("/spec/flinkVersion").asText())
                .isEqualTo(FLINK_VERSION);
        assertThat(job.getSpec().getJob().getJarURI()).isEqualTo("local:///opt/flink/usrlib/recsys-feature-job.jar");
        assertThat(job.getSpec().getJob().getEntryClass()).isEqualTo(FeatureJobMain.class.getName());
        assertThat(job.getSpec().getJob().getUpgradeMode().name()).isEqualTo("SAVEPOINT");
        assertThat(conf).containsEntry("high-availability.type", "kubernetes")
                .containsEntry("state.backend.type", "rocksdb")
                .containsEntry("execution.checkpointing.incremental", "true");
        assertThat(conf.get("high-availability.storageDir")).startsWith("s3://");
        assertThat(Integer.parseInt(conf.get("pipeline.max-parallelism")))
                .isGreaterThanOrEqualTo(job.getSpec().getJob().getParallelism());
        assertThat(job.getSpec().getServiceAccount()).isEqualTo(
                the("RoleBinding", "recsys-flink").object().at("/subjects/0/name").asText());
        the("ServiceAccount", job.getSpec().getServiceAccount());
    }

    @Test
    void theKafkaTopicsAreTheOnesTheCodeUses() throws Exception {
        Map<String, JsonNode> configs = new LinkedHashMap<>();
        for (Manifest manifest : Manifests.ofKind(MANIFESTS, "KafkaTopic")) {
            KafkaTopic topic = (KafkaTopic) StrictModels.read(manifest.object());
            configs.put(topic.getSpec().getTopicName(), manifest.object().at("/spec/config"));
            assertThat(topic.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", kafka().getMetadata()
                    .getName());
        }
        assertThat(configs.keySet()).containsExactlyInAnyOrder(Topics.EVENTS, Topics.DEAD_LETTER, Topics.CATALOGUE,
                Topics.FEATURE_CHANGES);
        assertThat(configs.get(Topics.FEATURE_CHANGES).path("retention.ms").asLong()).isPositive();
        assertThat(configs.get(Topics.CATALOGUE).path("cleanup.policy").asText()).isEqualTo("compact");
        assertThat(configs.get(Topics.EVENTS).path("retention.ms").asLong()).isPositive();
        assertThat(configs.get(Topics.DEAD_LETTER).path("retention.ms").asLong()).isPositive();
    }

    @Test
    void kafkaLetsInOnlySignedInClientsAndChecksTheirAcls() {
        GenericKafkaListener listener = kafka().getSpec().getKafka().getListeners().get(0);

        assertThat(kafka().getSpec().getKafka().getListeners()).hasSize(1);
        assertThat(listener.isTls()).isTrue();
        assertThat(listener.getAuth()).isInstanceOf(KafkaListenerAuthenticationScramSha512.class);
        assertThat(kafka().getSpec().getKafka().getAuthorization()).isInstanceOf(KafkaAuthorizationSimple.class);
    }

    @Test
    void everyComponentSignsInAsAKafkaUserWhoseAclsCoverWhatItsCodeUses() throws Exception {
        Map<String, PodSpec> pods = Map.of("ranker-api", apiDeployment().getSpec().getTemplate().getSpec(),
                "recsys-features", flinkDeployment().getSpec().getPodTemplate().getSpec());
        List<String> jobArgs = List.of(flinkDeployment().getSpec().getJob().getArgs());
        Map<String, String> propertiesFiles = Map.of(
                "ranker-api", apiConfig().getData().get(KafkaPropertiesFile.ENVIRONMENT_VARIABLE),
                "recsys-features", jobArgs.get(jobArgs.indexOf("--kafka-properties") + 1));

        for (Map.Entry<String, List<KafkaUse>> component : KAFKA_USES.entrySet()) {
            PodSpec pod = pods.get(component.getKey());
            Properties settings = mountedFile(pod, propertiesFiles.get(component.getKey()));
            assertThat(settings.getProperty("security.protocol")).isEqualTo("SASL_SSL");
            assertThat(settings.getProperty("sasl.mechanism")).isEqualTo("SCRAM-SHA-512");
            String user = secretMountedAt(pod, settings.getProperty("sasl.jaas.config")
                    .replaceAll("^\\$\\{dir:([^:]+):sasl\\.jaas\\.config}$", "$1"));
            assertThat(secretMountedAt(pod, Path.of(settings.getProperty("ssl.truststore.location")).getParent()
                    .toString())).isEqualTo(kafka().getMetadata().getName() + "-cluster-ca-cert");

            KafkaUserAuthorizationSimple acls = (KafkaUserAuthorizationSimple) ((KafkaUser) StrictModels.read(
                    the("KafkaUser", user).object())).getSpec().getAuthorization();
            for (KafkaUse use : component.getValue()) {
                assertThat(acls.getAcls()).as("%s signs in as %s, whose ACLs allow %s", component.getKey(), user,
                        use).anyMatch(acl -> allows(acl, use));
            }
        }
    }

    @Test
    void theJobAndTheApiReachKafkaAndPostgresByTheNamesTheOperatorsGiveThem() {
        String bootstrap = kafka().getMetadata().getName() + "-kafka-bootstrap:"
                + kafka().getSpec().getKafka().getListeners().get(0).getPort();
        JsonNode cluster = the("Cluster", "recsys-pg").object();
        String store = "jdbc:postgresql://" + cluster.at("/metadata/name").asText() + "-rw:5432/"
                + cluster.at("/spec/bootstrap/initdb/database").asText() + "?user="
                + cluster.at("/spec/bootstrap/initdb/owner").asText();
        List<String> jobArgs = List.of(flinkDeployment().getSpec().getJob().getArgs());
        Map<String, String> apiConfig = apiConfig().getData();

        assertThat(jobArgs.get(jobArgs.indexOf("--kafka") + 1)).isEqualTo(bootstrap);
        assertThat(jobArgs.get(jobArgs.indexOf("--store") + 1)).isEqualTo(store);
        assertThat(apiConfig).containsEntry("RECSYS_KAFKA", bootstrap).containsEntry("RECSYS_STORE", store);
    }

    @Test
    void theApiRunsServeWithFlagsTheCliAccepts() {
        Container container = apiContainer();
        Map<String, String> env = new LinkedHashMap<>(apiConfig().getData());
        List<String> args = new ArrayList<>();
        for (String arg : container.getArgs()) {
            args.add(expand(arg, env));
        }

        CommandLine.ParseResult parsed = new CommandLine(new Recsys()).parseArgs(args.toArray(String[]::new));

        assertThat(parsed.subcommand().commandSpec().name()).isEqualTo("serve");
        assertThat(parsed.subcommand().matchedOptionValue("--bundles", null).toString())
                .isEqualTo(volumeMountPath(container, "bundles"));
    }

    @Test
    void theAdminTokenComesFromASecretAndNoSecretValueIsInTheRepository() {
        EnvVar token = apiContainer().getEnv().stream().filter(e -> e.getName().equals("RECSYS_ADMIN_TOKEN"))
                .findFirst().orElseThrow();

        assertThat(token.getValue()).isNull();
        assertThat(token.getValueFrom().getSecretKeyRef().getName()).isIn(SECRETS_MADE_ELSEWHERE.keySet());
        assertThat(Manifests.ofKind(MANIFESTS, "Secret")).isEmpty();
        assertThat(apiConfig().getData().keySet()).noneMatch(key -> key.contains("TOKEN") || key.contains("PASSWORD"));
        assertThat(apiConfig().getData().values()).noneMatch(value -> value.contains("password="));
    }

    @Test
    void theApiHasProbesResourcesAndAMetricsPortThePrometheusOperatorScrapes() throws Exception {
        Container container = apiContainer();
        assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/health/live");
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/health/ready");
        assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(container.getResources().getLimits()).containsKey("memory");
        assertThat(container.getPorts()).anyMatch(port -> port.getName().equals("http")
                && port.getContainerPort() == 8080);
        assertThat(container.getArgs()).containsSequence("--port", "8080");

        Service service = (Service) StrictModels.read(the("Service", "ranker-api").object());
        ServiceMonitor monitor = (ServiceMonitor) StrictModels.read(the("ServiceMonitor", "ranker-api").object());
        Map<String, String> podLabels = apiDeployment().getSpec().getTemplate().getMetadata().getLabels();
        assertThat(podLabels).containsAllEntriesOf(service.getSpec().getSelector());
        assertThat(service.getMetadata().getLabels()).containsAllEntriesOf(monitor.getSpec().getSelector()
                .getMatchLabels());
        assertThat(service.getSpec().getPorts()).anyMatch(port -> port.getName().equals(monitor.getSpec()
                .getEndpoints().get(0).getPort()));
        assertThat(monitor.getSpec().getEndpoints().get(0).getPath()).isEqualTo("/metrics");
    }

    @Test
    void theAutoscalerAndTheDisruptionBudgetCoverTheApiAndLeaveRoomToDrain() throws Exception {
        HorizontalPodAutoscaler hpa = (HorizontalPodAutoscaler) StrictModels.read(
                the("HorizontalPodAutoscaler", "ranker-api").object());
        PodDisruptionBudget pdb = (PodDisruptionBudget) StrictModels.read(
                the("PodDisruptionBudget", "ranker-api").object());
        Deployment deployment = apiDeployment();

        assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
        assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(deployment.getMetadata().getName());
        assertThat(deployment.getSpec().getReplicas()).as("the HPA owns the replica count").isNull();
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());
        assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isLessThan(hpa.getSpec().getMinReplicas());
    }

    @Test
    void theFlinkPodsExposeTheReporterPortThePodMonitorScrapes() throws Exception {
        PodMonitor monitor = (PodMonitor) StrictModels.read(the("PodMonitor", "recsys-features").object());
        FlinkDeployment job = flinkDeployment();
        Container main = job.getSpec().getPodTemplate().getSpec().getContainers().get(0);

        assertThat(main.getName()).isEqualTo("flink-main-container");
        assertThat(job.getSpec().getPodTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(monitor.getSpec().getSelector().getMatchLabels());
        String portName = monitor.getSpec().getPodMetricsEndpoints().get(0).getPort();
        String reporterPort = job.getSpec().getFlinkConfiguration().get("metrics.reporter.prom.port");
        assertThat(main.getPorts()).anyMatch(port -> port.getName().equals(portName)
                && String.valueOf(port.getContainerPort()).equals(reporterPort));
    }

    @Test
    void everyConfigMapSecretAndClaimThePodsMountIsInTheManifestsOrMadeByAnOperatorOrByHand() {
        List<PodSpec> pods = List.of(apiDeployment().getSpec().getTemplate().getSpec(),
                flinkDeployment().getSpec().getPodTemplate().getSpec());
        for (PodSpec pod : pods) {
            for (Volume volume : pod.getVolumes()) {
                if (volume.getSecret() != null) {
                    assertThat(SECRETS_MADE_ELSEWHERE).containsKey(volume.getSecret().getSecretName());
                } else if (volume.getConfigMap() != null) {
                    the("ConfigMap", volume.getConfigMap().getName());
                } else if (volume.getPersistentVolumeClaim() != null) {
                    the("PersistentVolumeClaim", volume.getPersistentVolumeClaim().getClaimName());
                }
            }
            for (Container container : pod.getContainers()) {
                container.getVolumeMounts().forEach(mount -> assertThat(pod.getVolumes())
                        .anyMatch(volume -> volume.getName().equals(mount.getName())));
            }
        }
        apiContainer().getEnvFrom().forEach(source -> the("ConfigMap", source.getConfigMapRef().getName()));
        assertThat(the("Cluster", "recsys-pg").name() + "-app").isIn(SECRETS_MADE_ELSEWHERE.keySet());
    }

    // ---- helpers ----

    /** A file of a ConfigMap the pod mounts, read as Java properties, and accepted by the code's own reader. */
    private static Properties mountedFile(PodSpec pod, String path) throws Exception {
        Path file = Path.of(path);
        VolumeMount mount = mountAt(pod, file.getParent().toString());
        Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst()
                .orElseThrow();
        ConfigMap map = (ConfigMap) StrictModels.read(the("ConfigMap", volume.getConfigMap().getName()).object());
        String text = map.getData().get(file.getFileName().toString());
        Path copy = Files.createTempFile("client", ".properties");
        try {
            KafkaPropertiesFile.read(Files.writeString(copy, text));
        } finally {
            Files.delete(copy);
        }
        Properties properties = new Properties();
        properties.load(new StringReader(text));
        return properties;
    }

    /** The name of the Secret the pod mounts at {@code directory}. */
    private static String secretMountedAt(PodSpec pod, String directory) {
        VolumeMount mount = mountAt(pod, directory);
        return pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst()
                .orElseThrow().getSecret().getSecretName();
    }

    private static VolumeMount mountAt(PodSpec pod, String directory) {
        return pod.getContainers().get(0).getVolumeMounts().stream()
                .filter(m -> m.getMountPath().equals(directory)).findFirst()
                .orElseThrow(() -> new AssertionError("nothing is mounted at " + directory));
    }

    private static boolean allows(AclRule acl, KafkaUse use) {
        String type;
        String name;
        AclResourcePatternType pattern;
        if (acl.getResource() instanceof AclRuleTopicResource topic) {
            type = "topic";
            name = topic.getName();
            pattern = topic.getPatternType();
        } else if (acl.getResource() instanceof AclRuleGroupResource group) {
            type = "group";
            name = group.getName();
            pattern = group.getPatternType();
        } else {
            return false;
        }
        boolean named = pattern == AclResourcePatternType.PREFIX ? use.name().startsWith(name)
                : use.name().equals(name);
        return acl.getType() != AclRuleType.DENY && type.equals(use.resourceType()) && named
                && (acl.getOperations().contains(use.operation()) || acl.getOperations().contains(AclOperation.ALL));
    }

    private static Manifest the(String kind, String name) {
        return Manifests.the(MANIFESTS, kind, name);
    }

    private static ObjectNode copy(String kind, String name) {
        return the(kind, name).object().deepCopy();
    }

    /** The FlinkDeployment with the one value the 1.10 model cannot hold replaced (see FLINK_VERSION). */
    private static ObjectNode modelReadable(JsonNode object) {
        ObjectNode copy = object.deepCopy();
        if (StrictModels.typeOf(copy).equals("flink.apache.org/v1beta1/FlinkDeployment")
                && copy.at("/spec/flinkVersion").asText().equals(FLINK_VERSION)) {
            ((ObjectNode) copy.get("spec")).set("flinkVersion", TextNode.valueOf(NEWEST_FLINK_VERSION_THE_MODEL_KNOWS));
        }
        return copy;
    }

    private static FlinkDeployment flinkDeployment() {
        return (FlinkDeployment) readUnchecked(modelReadable(the("FlinkDeployment", "recsys-features").object()));
    }

    private static Kafka kafka() {
        return (Kafka) readUnchecked(Manifests.ofKind(MANIFESTS, "Kafka").get(0).object());
    }

    private static Deployment apiDeployment() {
        return (Deployment) readUnchecked(the("Deployment", "ranker-api").object());
    }

    private static Container apiContainer() {
        return apiDeployment().getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    private static ConfigMap apiConfig() {
        return (ConfigMap) readUnchecked(the("ConfigMap", "ranker-api-config").object());
    }

    private static Object readUnchecked(JsonNode object) {
        try {
            return StrictModels.read(object);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String volumeMountPath(Container container, String volume) {
        return container.getVolumeMounts().stream().filter(m -> m.getName().equals(volume)).findFirst()
                .orElseThrow().getMountPath();
    }

    /** Kubernetes' $(VAR) expansion in args; an unknown variable stays as written, as Kubernetes leaves it. */
    private static String expand(String arg, Map<String, String> env) {
        Matcher matcher = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)").matcher(arg);
        StringBuilder expanded = new StringBuilder();
        while (matcher.find()) {
            String value = env.get(matcher.group(1));
            assertThat(value).as("$(%s) is defined in the ConfigMap", matcher.group(1)).isNotNull();
            matcher.appendReplacement(expanded, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(expanded);
        return expanded.toString();
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** flink-conf/config.yaml's nested YAML as Flink reads it: dotted keys, scalar values as text. */
    private static Map<String, String> flatten(JsonNode node) {
        Map<String, String> flat = new TreeMap<>();
        flatten("", node, flat);
        return flat;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> flat) {
        if (node.isObject()) {
            node.properties().forEach(entry -> flatten(prefix.isEmpty() ? entry.getKey()
                    : prefix + "." + entry.getKey(), entry.getValue(), flat));
        } else {
            flat.put(prefix, node.asText());
        }
    }
}
