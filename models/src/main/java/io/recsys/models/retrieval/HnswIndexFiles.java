package io.recsys.models.retrieval;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The on-disk form of an {@link HnswIndex}: two big-endian files, each ending in a CRC32 of everything before it.
 *
 * <pre>
 * hnsw-items.bin  magic, version, count, dimension, count × (id length, UTF-8 id), count × dimension floats, crc
 * hnsw-graph.bin  magic, version, crc of hnsw-items.bin, count, maxConnections, beamWidth, searchBeamWidth,
 *                 levels, entry node, per level: [level > 0: node count, nodes], per node: degree, neighbours; crc
 * </pre>
 *
 * The graph records the items file's checksum so that files from two different saves are not mixed.
 */
final class HnswIndexFiles {

    static final String ITEMS_FILE = "hnsw-items.bin";
    static final String GRAPH_FILE = "hnsw-graph.bin";
    private static final int ITEMS_MAGIC = 0x524e4954; // "RNIT"
    private static final int GRAPH_MAGIC = 0x524e4752; // "RNGR"
    private static final int VERSION = 1;
    /** Guards allocations against a corrupt length field; no item id is anywhere near this long. */
    private static final int MAX_ID_BYTES = 1 << 16;

    private HnswIndexFiles() {
    }

    static void save(Path directory, ItemEmbeddings items, FrozenHnswGraph graph, HnswIndex.Params params)
            throws IOException {
        Files.createDirectories(directory);
        long itemsChecksum = writeAtomically(directory.resolve(ITEMS_FILE), ITEMS_MAGIC, out -> writeItems(out, items));
        writeAtomically(directory.resolve(GRAPH_FILE), GRAPH_MAGIC, out -> writeGraph(out, itemsChecksum, graph, params));
    }

    static HnswIndex load(Path directory) throws IOException {
        Path itemsFile = directory.resolve(ITEMS_FILE);
        Path graphFile = directory.resolve(GRAPH_FILE);
        Checked<ItemEmbeddings> checkedItems = read(itemsFile, ITEMS_MAGIC, in -> readItems(in, itemsFile));
        ItemEmbeddings items = checkedItems.value();
        return read(graphFile, GRAPH_MAGIC, in -> {
            if (in.readLong() != checkedItems.checksum()) {
                throw new IOException(graphFile + " was saved with a different " + ITEMS_FILE + " than " + itemsFile
                        + "; the two files come from different saves");
            }
            int count = in.readInt();
            if (count != items.size()) {
                throw new IOException(graphFile + " is corrupt: it holds a graph of " + count + " nodes but "
                        + itemsFile + " holds " + items.size() + " items");
            }
            HnswIndex.Params params;
            try {
                params = new HnswIndex.Params(in.readInt(), in.readInt(), in.readInt());
            } catch (IllegalArgumentException e) {
                throw new IOException(graphFile + " is corrupt: " + e.getMessage(), e);
            }
            return new HnswIndex(items, readGraph(in, count, graphFile), params);
        }).value();
    }

    private static void writeItems(DataOutputStream out, ItemEmbeddings items) throws IOException {
        out.writeInt(items.size());
        out.writeInt(items.dimension());
        for (String id : items.itemIds()) {
            byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
            out.writeInt(bytes.length);
            out.write(bytes);
        }
        ByteBuffer row = ByteBuffer.allocate(items.dimension() * Float.BYTES);
        for (float[] vector : items.vectors()) {
            row.clear();
            row.asFloatBuffer().put(vector);
            out.write(row.array());
        }
    }

    private static ItemEmbeddings readItems(DataInputStream in, Path file) throws IOException {
        int count = in.readInt();
        int dimension = in.readInt();
        if (count < 0 || dimension < 0 || (dimension == 0 && count > 0)) {
            throw new IOException(file + " is corrupt: " + count + " items of dimension " + dimension);
        }
        if ((long) count * dimension * Float.BYTES > Files.size(file)) {
            throw new IOException(file + " is truncated: its header promises " + count + " vectors of dimension "
                    + dimension + " but the file has only " + Files.size(file) + " bytes");
        }
        List<String> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int length = in.readInt();
            if (length < 0 || length > MAX_ID_BYTES) {
                throw new IOException(file + " is corrupt: item id " + i + " has length " + length);
            }
            byte[] id = new byte[length];
            in.readFully(id);
            ids.add(new String(id, StandardCharsets.UTF_8));
        }
        float[][] vectors = new float[count][dimension];
        byte[] row = new byte[dimension * Float.BYTES];
        for (float[] vector : vectors) {
            in.readFully(row);
            ByteBuffer.wrap(row).asFloatBuffer().get(vector);
        }
        return new ItemEmbeddings(ids, vectors);
    }

    private static void writeGraph(DataOutputStream out, long itemsChecksum, FrozenHnswGraph graph,
                                   HnswIndex.Params params) throws IOException {
        out.writeLong(itemsChecksum);
        out.writeInt(graph.size());
        out.writeInt(params.maxConnections());
        out.writeInt(params.beamWidth());
        out.writeInt(params.searchBeamWidth());
        out.writeInt(graph.levels());
        out.writeInt(graph.entryNode());
        for (int level = 0; level < graph.levels(); level++) {
            int[] nodes = graph.nodesOnLevel(level);
            if (level > 0) {
                out.writeInt(nodes.length);
                writeInts(out, nodes);
            }
            for (int i = 0; i < nodes.length; i++) {
                int[] neighbours = graph.neighbours(level, i);
                out.writeInt(neighbours.length);
                writeInts(out, neighbours);
            }
        }
    }

    private static FrozenHnswGraph readGraph(DataInputStream in, int size, Path file) throws IOException {
        int levels = in.readInt();
        int entryNode = in.readInt();
        if (levels < 0 || levels > 64 || (size == 0) != (levels == 0) || entryNode < -1 || entryNode >= size) {
            throw new IOException(file + " is corrupt: " + levels + " levels, entry node " + entryNode + " of " + size);
        }
        int[][] nodesOnLevel = new int[levels][];
        int[][] offsets = new int[levels][];
        int[][] neighbours = new int[levels][];
        for (int level = 0; level < levels; level++) {
            int count = size;
            if (level > 0) {
                count = in.readInt();
                if (count < 0 || count > size) {
                    throw new IOException(file + " is corrupt: level " + level + " has " + count + " nodes of " + size);
                }
                nodesOnLevel[level] = readNodeIds(in, count, size, file);
                for (int i = 1; i < count; i++) {
                    if (nodesOnLevel[level][i - 1] >= nodesOnLevel[level][i]) {
                        throw new IOException(file + " is corrupt: the nodes on level " + level + " are not sorted");
                    }
                }
            }
            int[] levelOffsets = new int[count + 1];
            int[] levelNeighbours = new int[Math.max(16, count * 8)];
            int used = 0;
            for (int i = 0; i < count; i++) {
                int degree = in.readInt();
                if (degree < 0 || degree > size) {
                    throw new IOException(file + " is corrupt: a node on level " + level + " has degree " + degree);
                }
                if (used + degree > levelNeighbours.length) {
                    levelNeighbours = Arrays.copyOf(levelNeighbours,
                            Math.max(used + degree, levelNeighbours.length * 2));
                }
                int[] read = readNodeIds(in, degree, size, file);
                if (level > 0 && !allOn(nodesOnLevel[level], read)) {
                    throw new IOException(file + " is corrupt: a node on level " + level + " links to a node that is "
                            + "not on that level");
                }
                System.arraycopy(read, 0, levelNeighbours, used, degree);
                used += degree;
                levelOffsets[i + 1] = used;
            }
            offsets[level] = levelOffsets;
            neighbours[level] = Arrays.copyOf(levelNeighbours, used);
        }
        if (levels > 1 && !allOn(nodesOnLevel[levels - 1], new int[]{entryNode})) {
            throw new IOException(file + " is corrupt: the entry node " + entryNode + " is not on the top level");
        }
        return new FrozenHnswGraph(size, entryNode, nodesOnLevel, offsets, neighbours);
    }

    private static boolean allOn(int[] sortedLevelNodes, int[] nodes) {
        for (int node : nodes) {
            if (Arrays.binarySearch(sortedLevelNodes, node) < 0) {
                return false;
            }
        }
        return true;
    }

    private static int[] readNodeIds(DataInputStream in, int count, int size, Path file) throws IOException {
        byte[] bytes = new byte[count * Integer.BYTES];
        in.readFully(bytes);
        int[] nodes = new int[count];
        ByteBuffer.wrap(bytes).asIntBuffer().get(nodes);
        for (int node : nodes) {
            if (node < 0 || node >= size) {
                throw new IOException(file + " is corrupt: node " + node + " outside 0.." + (size - 1));
            }
        }
        return nodes;
    }

    private static void writeInts(DataOutputStream out, int[] values) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Integer.BYTES);
        bytes.asIntBuffer().put(values);
        out.write(bytes.array());
    }

    private interface Body {
        void write(DataOutputStream out) throws IOException;
    }

    private interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    /** What a file held, and the checksum it ends with. */
    private record Checked<T>(T value, long checksum) {
    }

    /**
     * Writes magic, version, body and checksum to a temporary file, then moves it into place, so that a failed save
     * leaves the previous file intact (though the pair may then mix saves, which {@link #load} detects).
     *
     * @return the checksum written
     */
    private static long writeAtomically(Path file, int magic, Body body) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        CRC32 checksum = new CRC32();
        try (DataOutputStream raw = new DataOutputStream(
                new BufferedOutputStream(Files.newOutputStream(temporary), 1 << 16))) {
            DataOutputStream out = new DataOutputStream(new CheckedOutputStream(raw, checksum));
            out.writeInt(magic);
            out.writeInt(VERSION);
            body.write(out);
            raw.writeLong(checksum.getValue());
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return checksum.getValue();
    }

    /** Checks magic and version, reads the body, then checks that the checksum matches and nothing follows. */
    private static <T> Checked<T> read(Path file, int magic, Reader<T> body) throws IOException {
        CRC32 checksum = new CRC32();
        try (DataInputStream raw = new DataInputStream(
                new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            DataInputStream in = new DataInputStream(new CheckedInputStream(raw, checksum));
            if (in.readInt() != magic) {
                throw new IOException(file + " is not an HNSW " + (magic == ITEMS_MAGIC ? "items" : "graph")
                        + " file (wrong magic number)");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new IOException(file + " has format version " + version + "; this build reads version "
                        + VERSION);
            }
            T result = body.read(in);
            long computed = checksum.getValue();
            long stored = raw.readLong();
            if (stored != computed || raw.read() != -1) {
                throw new IOException(file + " is corrupt: its checksum does not match its content");
            }
            return new Checked<>(result, computed);
        } catch (EOFException e) {
            throw new IOException(file + " is truncated: it ends before the data its header describes", e);
        }
    }
}
