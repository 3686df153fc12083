package io.recsys.api.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recsys.models.bundle.BundleRegistry;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The learning loop's latest decisions, newest first, from its journal in the bundle directory (written by
 * `recsys trainer` or the demo's loop). Only the file's tail is read: the journal grows by a line per look.
 */
public final class LoopJournalTail {

    /** Enough for hundreds of decisions; the page shows ten. */
    static final int TAIL_BYTES = 256 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    public LoopJournalTail(Path bundles) {
        this.file = bundles.resolve(BundleRegistry.LOOP_JOURNAL_FILE);
    }

    /** Up to {@code limit} decisions, newest first; none when no loop has written yet. */
    public List<JsonNode> latest(int limit) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        String tail;
        long from;
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            from = Math.max(0, in.length() - TAIL_BYTES);
            byte[] bytes = new byte[(int) (in.length() - from)];
            in.seek(from);
            in.readFully(bytes);
            tail = new String(bytes, StandardCharsets.UTF_8);
        }
        String[] lines = tail.split("\n");
        List<JsonNode> latest = new ArrayList<>(limit);
        // a tail that starts mid-file starts mid-line: its first piece is not a whole decision
        int first = from > 0 ? 1 : 0;
        for (int i = lines.length - 1; i >= first && latest.size() < limit; i--) {
            if (!lines[i].isBlank()) {
                try {
                    latest.add(JSON.readTree(lines[i]));
                } catch (IOException e) {
                    throw new IOException("line " + (i + 1) + " of the last " + TAIL_BYTES + " bytes of " + file
                            + " is not JSON: " + e.getMessage(), e);
                }
            }
        }
        return latest;
    }
}
