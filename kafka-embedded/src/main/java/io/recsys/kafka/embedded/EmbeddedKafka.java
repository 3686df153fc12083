package io.recsys.kafka.embedded;

import io.recsys.kafka.KafkaConnection;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node Kafka broker in this JVM, in KRaft mode (broker and controller in one process), built from
 * Kafka's own server artifacts. Its log directory persists under the given path, so a restarted demo keeps its
 * topics; the listener port is chosen fresh each start unless one is given. By default any client may do anything;
 * {@link #startSecured} makes a broker that asks for credentials and ACLs, to test the clients' security settings.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    /** The secured broker's own user: the inter-broker listener's, and the one {@link #connection()} signs in as. */
    public static final String SUPER_USER = "admin";
    public static final String SCRAM_MECHANISM = "SCRAM-SHA-512";

    private final KafkaRaftServer server;
    private final KafkaConnection connection;
    private final Path logDir;
    private final Map<String, String> scramPasswords;

    private EmbeddedKafka(KafkaRaftServer server, KafkaConnection connection, Path logDir,
                          Map<String, String> scramPasswords) {
        this.server = server;
        this.connection = connection;
        this.logDir = logDir;
        this.scramPasswords = scramPasswords;
    }

    public static EmbeddedKafka start(Path logDir) {
        return start(logDir, freePort());
    }

    public static EmbeddedKafka start(Path logDir, int port) {
        return start(logDir, port, null);
    }

    /**
     * A broker that lets in only the given users, each with a SCRAM-SHA-512 password (the mechanism the Strimzi
     * cluster of k8s/kafka uses), and lets each do only what an ACL allows it (Kafka's StandardAuthorizer;
     * {@link #connection()} is a super user who may create the ACLs). The users are written when the log directory
     * is formatted, so it must be a fresh one.
     *
     * @param passwords each user's password; neither may hold ',' '[' ']' or '=' (the format's argument syntax)
     */
    public static EmbeddedKafka startSecured(Path logDir, Map<String, String> passwords) {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            throw new IllegalArgumentException("a secured embedded Kafka writes its users when it formats its log"
                    + " directory, so it needs a fresh one; " + logDir + " was formatted before");
        }
        Map<String, String> users = new HashMap<>(passwords);
        if (users.putIfAbsent(SUPER_USER, UUID.randomUUID().toString()) != null) {
            throw new IllegalArgumentException(SUPER_USER + " is the secured broker's own super user: choose another"
                    + " name");
        }
        return start(logDir, freePort(), Map.copyOf(users));
    }

    /** @param scramPasswords null: a PLAINTEXT listener open to every client */
    private static EmbeddedKafka start(Path logDir, int port, Map<String, String> scramPasswords) {
        int controllerPort = freePort();
        String listener = scramPasswords == null ? "PLAINTEXT" : "SASL_PLAINTEXT";
        try {
            Files.createDirectories(logDir);
            Properties props = new Properties();
            props.put("process.roles", "broker,controller");
            props.put("node.id", "1");
            props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
            props.put("listeners", listener + "://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
            props.put("advertised.listeners", listener + "://127.0.0.1:" + port);
            props.put("controller.listener.names", "CONTROLLER");
            props.put("listener.security.protocol.map", listener + ":" + listener + ",CONTROLLER:PLAINTEXT");
            props.put("inter.broker.listener.name", listener);
            if (scramPasswords != null) {
                props.putAll(securityConfig(listener, scramPasswords.get(SUPER_USER)));
            }
            props.put("log.dirs", logDir.toAbsolutePath().toString());
            props.put("offsets.topic.replication.factor", "1");
            props.put("offsets.topic.num.partitions", "4");
            props.put("transaction.state.log.replication.factor", "1");
            props.put("transaction.state.log.min.isr", "1");
            props.put("transaction.state.log.num.partitions", "4");
            props.put("group.initial.rebalance.delay.ms", "0");
            props.put("auto.create.topics.enable", "false");
            props.put("num.partitions", "1");
            props.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
            KafkaConfig config = new KafkaConfig(props, false);
            format(logDir, scramPasswords == null ? Map.of() : scramPasswords);
            KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
            server.startup();
            String bootstrap = "127.0.0.1:" + port;
            KafkaConnection connection = scramPasswords == null ? KafkaConnection.plaintext(bootstrap)
                    : scram(bootstrap, SUPER_USER, scramPasswords.get(SUPER_USER));
            EmbeddedKafka kafka = new EmbeddedKafka(server, connection, logDir,
                    scramPasswords == null ? Map.of() : scramPasswords);
            kafka.awaitReady(Duration.ofSeconds(60));
            LOG.info("embedded Kafka broker ready at {} (logs in {})", connection, logDir);
            return kafka;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare Kafka log directory " + logDir, e);
        }
    }

    /**
     * SCRAM on the client listener, and the StandardAuthorizer. The controller listener stays PLAINTEXT, so its
     * principal, ANONYMOUS, is a super user: it is this process's broker registering with its own controller, and
     * a client on the client listener can never be ANONYMOUS there.
     */
    private static Map<String, String> securityConfig(String listener, String superUserPassword) {
        return Map.of(
                "sasl.enabled.mechanisms", SCRAM_MECHANISM,
                "sasl.mechanism.inter.broker.protocol", SCRAM_MECHANISM,
                "listener.name." + listener.toLowerCase(Locale.ROOT) + "." + SCRAM_MECHANISM.toLowerCase(Locale.ROOT)
                        + ".sasl.jaas.config", jaasConfig(SUPER_USER, superUserPassword),
                "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                "super.users", "User:" + SUPER_USER + ";User:ANONYMOUS");
    }

    /** How a client signs in as {@code user} on a secured embedded broker. */
    public static KafkaConnection scram(String bootstrapServers, String user, String password) {
        return new KafkaConnection(bootstrapServers, Map.of(
                CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT",
                SaslConfigs.SASL_MECHANISM, SCRAM_MECHANISM,
                SaslConfigs.SASL_JAAS_CONFIG, jaasConfig(user, password)));
    }

    private static String jaasConfig(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }

    /** Formats the log directory once; a directory formatted by an earlier run is reused as it is. */
    private static void format(Path logDir, Map<String, String> scramPasswords) {
        Path meta = logDir.resolve("meta.properties");
        if (Files.exists(meta)) {
            return;
        }
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(PrintStream.nullOutputStream()))
                    .setNodeId(1)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(logDir.toAbsolutePath().toString()))
                    .setMetadataLogDirectory(logDir.toAbsolutePath().toString())
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setControllerListenerName("CONTROLLER")
                    .setNoInitialControllersFlag(true)
                    .setScramArguments(scramPasswords.entrySet().stream()
                            .map(user -> SCRAM_MECHANISM + "=[name=" + user.getKey() + ",password=" + user.getValue()
                                    + "]")
                            .toList())
                    .setIgnoreFormatted(true)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format Kafka log directory " + logDir + ": " + e.getMessage(), e);
        }
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        try (Admin admin = Admin.create(connection.clientConfig(Map.of()))) {
            while (System.nanoTime() < deadline) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    last = e;
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
        throw new IllegalStateException("embedded Kafka did not become ready within " + timeout, last);
    }

    public String bootstrapServers() {
        return connection.bootstrapServers();
    }

    /** How to reach this broker; on a secured one, as its super user. */
    public KafkaConnection connection() {
        return connection;
    }

    /** How to reach this secured broker as one of its users. */
    public KafkaConnection connectionAs(String user) {
        String password = scramPasswords.get(user);
        if (password == null) {
            throw new IllegalArgumentException("this embedded Kafka has no user " + user + "; it has "
                    + scramPasswords.keySet());
        }
        return scram(bootstrapServers(), user, password);
    }

    /** Lets {@code user} of this secured broker do {@code operation} on {@code resource}, as a KafkaUser's ACL does. */
    public void allow(String user, AclOperation operation, ResourcePattern resource) {
        AclBinding acl = new AclBinding(resource,
                new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW));
        try (Admin admin = Admin.create(connection.clientConfig(Map.of()))) {
            admin.createAcls(List.of(acl)).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("cannot create the ACL " + acl + " on Kafka at " + connection + ": "
                    + e.getMessage(), e);
        }
    }

    public Path logDir() {
        return logDir;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for the embedded Kafka broker", e);
        }
    }
}
