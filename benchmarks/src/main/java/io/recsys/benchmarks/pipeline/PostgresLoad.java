package io.recsys.benchmarks.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.Stream;

/**
 * How hard a PostgreSQL server on this host works: CPU seconds of its processes (from /proc, so only a server on
 * the same machine) and rows its database read and wrote (pg_stat_database). Two samples give the load between.
 */
record PostgresLoad(long atNanos, double cpuSeconds, long rowsRead, long rowsWritten) {

    private static final double TICKS_PER_SECOND = 100.0; // USER_HZ, 100 on Linux x86-64 and arm64

    static PostgresLoad sample(String jdbcUrl) throws SQLException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl);
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT tup_returned + tup_fetched, tup_inserted + tup_updated"
                     + " + tup_deleted FROM pg_stat_database WHERE datname = current_database()")) {
            rs.next();
            return new PostgresLoad(System.nanoTime(), serverCpuSeconds(), rs.getLong(1), rs.getLong(2));
        }
    }

    /** CPU cores busy, rows read and written per second, from this sample to a later one. */
    String describeUntil(PostgresLoad later) {
        double seconds = (later.atNanos - atNanos) / 1e9;
        return String.format("%.2f cores, %.0f rows read/s, %.0f rows written/s", (later.cpuSeconds - cpuSeconds)
                / seconds, (later.rowsRead - rowsRead) / seconds, (later.rowsWritten - rowsWritten) / seconds);
    }

    double coresUntil(PostgresLoad later) {
        return (later.cpuSeconds - cpuSeconds) / ((later.atNanos - atNanos) / 1e9);
    }

    double rowsReadPerSecondUntil(PostgresLoad later) {
        return (later.rowsRead - rowsRead) / ((later.atNanos - atNanos) / 1e9);
    }

    private static double serverCpuSeconds() {
        double ticks = 0;
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : (Iterable<Path>) processes::iterator) {
                if (!process.getFileName().toString().chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String stat = Files.readString(process.resolve("stat"));
                    int nameEnd = stat.lastIndexOf(')');
                    if (!stat.substring(stat.indexOf('(') + 1, nameEnd).startsWith("postgres")) {
                        continue;
                    }
                    String[] fields = stat.substring(nameEnd + 2).split(" ");
                    ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
                } catch (IOException | RuntimeException e) {
                    // the process ended between listing and reading: its CPU is lost to both samples
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc to measure PostgreSQL's CPU", e);
        }
        return ticks / TICKS_PER_SECOND;
    }
}
