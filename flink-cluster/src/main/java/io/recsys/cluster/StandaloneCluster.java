package io.recsys.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A standalone Flink session cluster on this machine: one JobManager and N TaskManagers, each its own JVM, started
 * the way Flink's {@code bin/jobmanager.sh} and {@code bin/taskmanager.sh} start them: Flink's
 * {@code BashJavaUtils} turns the configured process size into JVM flags and memory settings, then
 * {@code StandaloneSessionClusterEntrypoint} and {@code TaskManagerRunner} run on the runtime jars in {@code lib/}.
 *
 * <p>Everything lives under one directory: {@code flink-conf/config.yaml} (the project's flink-conf/config.yaml),
 * {@code flink-cluster.properties} (addresses and the overrides given to every process), {@code jobmanager.pid},
 * {@code taskmanager-<n>.pid}, {@code logs/flink-*.log}, {@code checkpoints/}, {@code savepoints/}. Processes
 * outlive the JVM that started them; {@link #stop} ends them.
 */
public final class StandaloneCluster {

    static final String JOBMANAGER_MAIN = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    static final String TASKMANAGER_MAIN = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    private static final String BASH_JAVA_UTILS = "org.apache.flink.runtime.util.bash.BashJavaUtils";
    private static final String EXEC_RESULT = "BASH_JAVA_UTILS_EXEC_RESULT:";
    private static final String PROPERTIES_FILE = "flink-cluster.properties";

    /** The flags Flink 2.0's default config.yaml passes to every JVM on Java 17 ({@code env.java.opts.all}). */
    private static final List<String> JAVA_17_OPENS = List.of(
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED",
            "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    private final Path directory;
    private final Path flinkLib;

    private StandaloneCluster(Path directory, Path flinkLib) {
        this.directory = directory.toAbsolutePath();
        this.flinkLib = flinkLib.toAbsolutePath();
    }

    /** The cluster whose files are (or will be) under {@code directory}, run from the jars in {@code flinkLib}. */
    public static StandaloneCluster at(Path directory, Path flinkLib) {
        return new StandaloneCluster(directory, flinkLib);
    }

    /** Sizes and how long to wait; the defaults suit a laptop or a CI machine. */
    public record Options(int taskManagers, String taskManagerMemory, String jobManagerMemory, Duration readyTimeout) {

        public static Options defaults() {
            return new Options(2, "1536m", "1g", Duration.ofMinutes(2));
        }

        public Options withTaskManagers(int count) {
            return new Options(count, taskManagerMemory, jobManagerMemory, readyTimeout);
        }

        public Options withTaskManagerMemory(String size) {
            return new Options(taskManagers, size, jobManagerMemory, readyTimeout);
        }
    }

    /**
     * Starts the JobManager and the TaskManagers and returns once every TaskManager has registered.
     *
     * @return the JobManager's REST address, {@code http://127.0.0.1:PORT}
     * @throws IllegalStateException if a cluster from this directory is still running
     */
    public String start(Options options) throws IOException, InterruptedException, TimeoutException {
        if (options.taskManagers() < 1) {
            throw new IllegalArgumentException("--taskmanagers must be at least 1, got " + options.taskManagers());
        }
        if (!Files.isDirectory(flinkLib) || jars().isEmpty()) {
            throw new IllegalStateException("no Flink runtime jars in " + flinkLib
                    + "; build the project first (mvn -B package -DskipTests)");
        }
        Optional<ProcessHandle> running = runningProcesses().stream().findFirst();
        if (running.isPresent()) {
            throw new IllegalStateException("a cluster started from " + directory + " is still running (pid "
                    + running.get().pid() + "); stop it first with: ./recsys cluster stop --data-dir " + directory);
        }
        Files.createDirectories(configDirectory());
        Files.createDirectories(logDirectory());
        Files.createDirectories(directory.resolve("flink-tmp"));
        copyConfiguration();

        int restPort = freePort();
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("jobmanager.rpc.address", "127.0.0.1");
        overrides.put("jobmanager.rpc.port", String.valueOf(freePort()));
        overrides.put("jobmanager.bind-host", "127.0.0.1");
        overrides.put("taskmanager.host", "127.0.0.1");
        overrides.put("taskmanager.bind-host", "127.0.0.1");
        overrides.put("rest.address", "127.0.0.1");
        overrides.put("rest.bind-address", "127.0.0.1");
        overrides.put("rest.port", String.valueOf(restPort));
        overrides.put("execution.checkpointing.dir", directory.resolve("checkpoints").toUri().toString());
        overrides.put("execution.checkpointing.savepoint-dir", directory.resolve("savepoints").toUri().toString());
        overrides.put("io.tmp.dirs", directory.resolve("flink-tmp").toString());
        overrides.put("taskmanager.memory.process.size", options.taskManagerMemory());
        overrides.put("jobmanager.memory.process.size", options.jobManagerMemory());
        String restAddress = "http://127.0.0.1:" + restPort;
        writeProperties(restAddress, options.taskManagers(), overrides);

        List<String> jobManagerJvm = resourceParameters("GET_JM_RESOURCE_PARAMS", overrides);
        launch("jobmanager", JOBMANAGER_MAIN, jobManagerJvm, overrides, List.of("--executionMode", "cluster"));
        for (int n = 1; n <= options.taskManagers(); n++) {
            startTaskManager(n, overrides);
        }
        awaitTaskManagers(restAddress, options.taskManagers(), options.readyTimeout());
        return restAddress;
    }

    private void startTaskManager(int n, Map<String, String> overrides) throws IOException, InterruptedException {
        Map<String, String> own = new LinkedHashMap<>(overrides);
        own.put("taskmanager.resource-id", taskManagerId(n));
        List<String> jvmAndMemory = resourceParameters("GET_TM_RESOURCE_PARAMS", own);
        launch("taskmanager-" + n, TASKMANAGER_MAIN, jvmAndMemory, own, List.of());
    }

    /** The resource id TaskManager {@code n} registers under; the REST API names it so. */
    public static String taskManagerId(int n) {
        return "taskmanager-" + n;
    }

    /** The pid of a TaskManager started by this directory's cluster. */
    public long taskManagerPid(int n) throws IOException {
        return readPid(pidFile("taskmanager-" + n));
    }

    /**
     * Stops every process this directory's pid files name: SIGTERM, then SIGKILL after the grace period.
     *
     * @return how many processes were running
     */
    public int stop(Duration grace) throws IOException, InterruptedException {
        List<ProcessHandle> processes = runningProcesses();
        processes.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        for (ProcessHandle process : processes) {
            long left = Math.max(0, deadline - System.nanoTime());
            try {
                process.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
                process.destroyForcibly();
            }
        }
        for (Path pid : pidFiles()) {
            Files.delete(pid);
        }
        return processes.size();
    }

    /** Processes named by pid files here that are still alive and still Java. */
    List<ProcessHandle> runningProcesses() throws IOException {
        List<ProcessHandle> alive = new ArrayList<>();
        for (Path pid : pidFiles()) {
            // a pid file left by a crash may name a pid the system has since reused: only a java process counts
            ProcessHandle.of(readPid(pid))
                    .filter(ProcessHandle::isAlive)
                    .filter(p -> p.info().command().map(c -> c.endsWith("java")).orElse(false))
                    .ifPresent(alive::add);
        }
        return alive;
    }

    private List<Path> pidFiles() throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".pid")).sorted().toList();
        }
    }

    private static long readPid(Path pidFile) throws IOException {
        return Long.parseLong(Files.readString(pidFile).trim());
    }

    private void launch(String name, String mainClass, List<String> resourceParameters,
                        Map<String, String> overrides, List<String> extraArguments)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable());
        command.addAll(splitJvmFlags(resourceParameters.get(0)));
        command.addAll(JAVA_17_OPENS);
        command.add("-Dlog.file=" + logDirectory().resolve("flink-" + name + ".log"));
        command.add("-Dlog4j.configurationFile=" + configDirectory().resolve("log4j.properties").toUri());
        command.add("-classpath");
        command.add(classpath());
        command.add(mainClass);
        command.add("--configDir");
        command.add(configDirectory().toString());
        // the memory settings BashJavaUtils derived, then ours: later -D wins
        command.addAll(splitJvmFlags(resourceParameters.get(1)));
        command.addAll(dynamicProperties(overrides));
        command.addAll(extraArguments);
        Process process = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logDirectory().resolve("flink-" + name + ".out")
                        .toFile()))
                .redirectErrorStream(true)
                .start();
        Files.writeString(pidFile(name), process.pid() + "\n");
    }

    /**
     * Runs Flink's BashJavaUtils, as bin/config.sh does, and returns its two results: the JVM memory flags and
     * the derived memory settings as {@code -D key=value} arguments.
     */
    private List<String> resourceParameters(String command, Map<String, String> overrides)
            throws IOException, InterruptedException {
        List<String> invocation = new ArrayList<>(List.of(javaExecutable(), "-classpath", classpath(),
                BASH_JAVA_UTILS, command, "--configDir", configDirectory().toString()));
        invocation.addAll(dynamicProperties(overrides));
        Process process = new ProcessBuilder(invocation).redirectErrorStream(true).start();
        String output;
        try (InputStream in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        int exit = process.waitFor();
        List<String> results = output.lines().filter(l -> l.startsWith(EXEC_RESULT))
                .map(l -> l.substring(EXEC_RESULT.length())).toList();
        if (exit != 0 || results.size() < 2) {
            throw new IllegalStateException("Flink could not derive the memory settings (" + command + ", exit "
                    + exit + "):\n" + output);
        }
        return results.subList(results.size() - 2, results.size());
    }

    private void awaitTaskManagers(String restAddress, int expected, Duration timeout)
            throws InterruptedException, TimeoutException, IOException {
        ClusterRest rest = new ClusterRest(restAddress);
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!pidAlive("jobmanager")) {
                throw new IllegalStateException("the JobManager exited during start-up; see "
                        + logDirectory());
            }
            try {
                int registered = rest.overview().path("taskmanagers").asInt();
                if (registered >= expected) {
                    return;
                }
                last = registered + " of " + expected + " TaskManagers registered";
            } catch (IOException e) {
                last = e.getMessage();
            }
            Thread.sleep(250);
        }
        throw new TimeoutException("the cluster was not ready within " + timeout + " (" + last + "); logs in "
                + logDirectory());
    }

    private boolean pidAlive(String name) throws IOException {
        Path file = pidFile(name);
        return Files.exists(file) && ProcessHandle.of(readPid(file)).map(ProcessHandle::isAlive).orElse(false);
    }

    private void copyConfiguration() throws IOException {
        for (String file : List.of("flink-conf/config.yaml", "log4j.properties")) {
            try (InputStream in = StandaloneCluster.class.getResourceAsStream(file)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + file);
                }
                Path target = configDirectory().resolve(Path.of(file).getFileName());
                Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private void writeProperties(String restAddress, int taskManagers, Map<String, String> overrides)
            throws IOException {
        Properties properties = new Properties();
        properties.setProperty("rest.address", restAddress);
        properties.setProperty("taskmanagers", String.valueOf(taskManagers));
        overrides.forEach((key, value) -> properties.setProperty("override." + key, value));
        try (var out = Files.newBufferedWriter(directory.resolve(PROPERTIES_FILE))) {
            properties.store(out, "written by ./recsys cluster start; the overrides go to every process as -D");
        }
    }

    private Path logDirectory() {
        return directory.resolve("logs");
    }

    private Path configDirectory() {
        return directory.resolve("flink-conf");
    }

    private Path pidFile(String name) {
        return directory.resolve(name + ".pid");
    }

    private List<Path> jars() throws IOException {
        try (Stream<Path> files = Files.list(flinkLib)) {
            return files.filter(f -> f.toString().endsWith(".jar")).sorted().toList();
        }
    }

    private String classpath() throws IOException {
        return String.join(java.io.File.pathSeparator, jars().stream().map(Path::toString).toList());
    }

    /** Settings as Flink's entry points take them on the command line: {@code -D key=value} each. */
    private static List<String> dynamicProperties(Map<String, String> settings) {
        List<String> arguments = new ArrayList<>();
        settings.forEach((key, value) -> {
            arguments.add("-D");
            arguments.add(key + "=" + value);
        });
        return arguments;
    }

    private static List<String> splitJvmFlags(String flags) {
        return flags.isBlank() ? List.of() : List.of(flags.trim().split("\\s+"));
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
