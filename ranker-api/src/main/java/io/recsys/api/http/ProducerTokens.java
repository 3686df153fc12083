package io.recsys.api.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The producers allowed to write events and their bearer tokens, from a file of {@code PRODUCER TOKEN} lines (blank
 * lines and {@code #} comments allowed): a Kubernetes Secret mounted as a file, or any file an operator keeps. The
 * file is looked at again at most once a second and re-read when it changed, so tokens rotate without a restart (a
 * mounted Secret is updated in place); a file that became unreadable or malformed keeps the tokens read before, and
 * says so through {@link #lastReloadFailure}.
 */
public final class ProducerTokens {

    /** Shorter tokens can be guessed online at the rates an API answers. */
    static final int MIN_TOKEN_LENGTH = 16;

    private record Producer(String name, byte[] token) {
    }

    private final Path file;
    private final Clock clock;
    private final Runnable onReloadFailure;
    private volatile List<Producer> producers;
    private volatile FileTime readVersion;
    private volatile long lastLook;
    private volatile String lastReloadFailure;

    private ProducerTokens(Path file, Clock clock, Runnable onReloadFailure, List<Producer> producers,
                           FileTime readVersion) {
        this.file = file;
        this.clock = clock;
        this.onReloadFailure = onReloadFailure;
        this.producers = producers;
        this.readVersion = readVersion;
        this.lastLook = clock.millis();
    }

    /**
     * @param onReloadFailure called each time a changed file cannot be re-read (the tokens before stay in force)
     * @throws IllegalArgumentException naming the file and line when it cannot be read or is malformed
     */
    public static ProducerTokens fromFile(Path file, Clock clock, Runnable onReloadFailure) {
        try {
            FileTime version = Files.getLastModifiedTime(file);
            return new ProducerTokens(file, clock, onReloadFailure, parse(file), version);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the producer tokens file " + file + ": " + e.getMessage(), e);
        }
    }

    private static List<Producer> parse(Path file) throws IOException {
        List<Producer> producers = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split("\\s+");
            if (fields.length != 2) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": expected 'PRODUCER TOKEN'");
            }
            if (fields[1].length() < MIN_TOKEN_LENGTH) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": the token of " + fields[0]
                        + " is shorter than " + MIN_TOKEN_LENGTH + " characters");
            }
            producers.add(new Producer(fields[0], fields[1].getBytes(StandardCharsets.UTF_8)));
        }
        if (producers.isEmpty()) {
            throw new IllegalArgumentException(file + " names no producer: every event write would be refused");
        }
        return producers;
    }

    /**
     * The producer whose token this is, if any. Every token is compared, each in constant time, so the answer's
     * timing does not tell which token, or how much of one, a guess matched.
     */
    public Optional<String> producerOf(String token) {
        reloadIfChanged();
        String match = null;
        for (Producer producer : producers) {
            if (BearerToken.matches(token, producer.token()) && match == null) {
                match = producer.name();
            }
        }
        return Optional.ofNullable(match);
    }

    /** Why the last re-read of a changed file failed, or null if it did not. */
    public String lastReloadFailure() {
        return lastReloadFailure;
    }

    private void reloadIfChanged() {
        long now = clock.millis();
        if (now - lastLook < 1_000) {
            return;
        }
        lastLook = now;
        try {
            FileTime version = Files.getLastModifiedTime(file);
            if (version.equals(readVersion)) {
                return;
            }
            producers = parse(file);
            readVersion = version;
            lastReloadFailure = null;
        } catch (IOException | IllegalArgumentException e) {
            lastReloadFailure = e.getMessage();
            onReloadFailure.run();
        }
    }
}
