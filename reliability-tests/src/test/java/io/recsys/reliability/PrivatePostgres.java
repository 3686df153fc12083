package io.recsys.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of this test's own, so a test may stop and start it without disturbing the machine's shared
 * one: {@code initdb} into a fresh temporary directory, trust authentication, listening on 127.0.0.1 only, on a free
 * port that stays the same across {@link #stop()} and {@link #start()} (clients reconnect to the same URL).
 *
 * <p>The server binaries are taken from the newest {@code /usr/lib/postgresql/<major>/bin} (Debian's layout), or
 * from {@code -Drecsys.test.postgres.bin=DIR}; without them the test fails with that message rather than skipping.
 * PostgreSQL refuses to run as root, so under root every command runs as the {@code postgres} OS user
 * ({@code runuser}, else {@code su}).
 */
final class PrivatePostgres implements AutoCloseable {

    private static final Path DEBIAN_INSTALLATIONS = Path.of("/usr/lib/postgresql");
    private static final String SERVICE_USER = "postgres";
    private static final long COMMAND_TIMEOUT_SECONDS = 120;

    private final Path bin;
    private final Path home;
    private final Path data;
    private final int port;
    private final Thread cleanupOnExit = new Thread(this::stopQuietly, "private-postgres-stop");
    private boolean running;

    private PrivatePostgres(Path bin, Path home, int port) {
        this.bin = bin;
        this.home = home;
        this.data = home.resolve("data");
        this.port = port;
    }

    /** Creates the database cluster and starts it; {@link #close()} stops it and deletes its files. */
    static PrivatePostgres start(String database) throws IOException, InterruptedException {
        Path bin = serverBinaries();
        Path home = Files.createTempDirectory("private-postgres");
        if (runsAsRoot()) {
            UserPrincipal owner = home.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByName(SERVICE_USER);
            Files.setOwner(home, owner);
        }
        PrivatePostgres postgres = new PrivatePostgres(bin, home, freePort());
        Runtime.getRuntime().addShutdownHook(postgres.cleanupOnExit);
        try {
            postgres.run("initdb", "-D", postgres.data.toString(), "-A", "trust", "-U", SERVICE_USER, "-E", "UTF8",
                    "--locale=C", "--no-sync", "--no-instructions");
            postgres.start();
            postgres.execute("CREATE DATABASE " + database);
        } catch (IOException | InterruptedException | RuntimeException e) {
            postgres.close();
            throw e;
        }
        return postgres;
    }

    /** A JDBC URL of {@code database} on this server. */
    String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=" + SERVICE_USER;
    }

    /** Starts the server (again) on the same port and data directory; returns once it accepts connections. */
    synchronized void start() throws IOException, InterruptedException {
        running = true; // from here on a failure may leave a server behind: close() stops it
        run("pg_ctl", "-D", data.toString(), "-l", home.resolve("server.log").toString(), "-w", "-t", "60",
                "-o", "-c listen_addresses=127.0.0.1 -p " + port + " -c unix_socket_directories=" + data
                        + " -c fsync=off", "start");
    }

    /** A fast shutdown: open connections are cut, as in a failover or a restart of the database. */
    synchronized void stop() throws IOException, InterruptedException {
        run("pg_ctl", "-D", data.toString(), "-m", "fast", "-w", "-t", "60", "stop");
        running = false;
    }

    @Override
    public void close() {
        stopQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
        try (Stream<Path> files = Files.walk(home)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + home, e);
        }
    }

    private synchronized void stopQuietly() {
        if (running) {
            try {
                run("pg_ctl", "-D", data.toString(), "-m", "immediate", "-w", "-t", "60", "stop");
            } catch (IOException | InterruptedException | RuntimeException e) {
                System.err.println("could not stop the private PostgreSQL in " + data + ": " + e.getMessage());
            }
            running = false;
        }
    }

    private void execute(String sql) {
        try (Connection connection = DriverManager.getConnection(jdbcUrl("postgres"));
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("'" + sql + "' failed on the private PostgreSQL: " + e.getMessage(), e);
        }
    }

    /** Runs one of the server's programs (as the postgres user under root) and fails with its output if it fails. */
    private void run(String program, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(bin.resolve(program).toString());
        command.addAll(Arrays.asList(args));
        if (runsAsRoot()) {
            command = asServiceUser(command);
        }
        Path output = Files.createTempFile("private-postgres-" + program, ".log");
        try {
            Process process = new ProcessBuilder(command).directory(Path.of("/").toFile())
                    .redirectErrorStream(true).redirectOutput(output.toFile()).start();
            if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(program + " did not finish within " + COMMAND_TIMEOUT_SECONDS + " s: "
                        + String.join(" ", command));
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(program + " failed (exit " + process.exitValue() + "): "
                        + String.join(" ", command) + "\n" + Files.readString(output) + serverLog());
            }
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private String serverLog() throws IOException {
        Path log = home.resolve("server.log");
        return Files.isRegularFile(log) ? "\nserver log:\n" + Files.readString(log) : "";
    }

    private static List<String> asServiceUser(List<String> command) {
        for (Path runuser : List.of(Path.of("/usr/sbin/runuser"), Path.of("/sbin/runuser"))) {
            if (Files.isExecutable(runuser)) {
                List<String> wrapped = new ArrayList<>(List.of(runuser.toString(), "-u", SERVICE_USER, "--"));
                wrapped.addAll(command);
                return wrapped;
            }
        }
        // su takes one shell command line; no argument here holds a single quote
        StringBuilder line = new StringBuilder("exec");
        command.forEach(argument -> line.append(" '").append(argument).append('\''));
        return List.of("su", SERVICE_USER, "-s", "/bin/sh", "-c", line.toString());
    }

    private static boolean runsAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** The newest installed major version's bin directory, or the one named by -Drecsys.test.postgres.bin. */
    static Path serverBinaries() {
        String configured = System.getProperty("recsys.test.postgres.bin");
        Optional<Path> bin;
        if (configured != null) {
            bin = Optional.of(Path.of(configured));
        } else {
            try (Stream<Path> versions = Files.isDirectory(DEBIAN_INSTALLATIONS) ? Files.list(DEBIAN_INSTALLATIONS)
                    : Stream.empty()) {
                bin = versions.filter(v -> v.getFileName().toString().matches("\\d+"))
                        .max(Comparator.comparingInt(v -> Integer.parseInt(v.getFileName().toString())))
                        .map(v -> v.resolve("bin"));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + DEBIAN_INSTALLATIONS, e);
            }
        }
        return bin.filter(dir -> Stream.of("initdb", "pg_ctl", "postgres")
                        .allMatch(program -> Files.isExecutable(dir.resolve(program))))
                .orElseThrow(() -> new IllegalStateException("this test needs PostgreSQL's server binaries (initdb,"
                        + " pg_ctl, postgres) in "
                        + bin.map(Path::toString).orElse(DEBIAN_INSTALLATIONS + "/<major>/bin")
                        + "; install Debian's postgresql package or name the directory with"
                        + " -Drecsys.test.postgres.bin=DIR"));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for the private PostgreSQL", e);
        }
    }
}
