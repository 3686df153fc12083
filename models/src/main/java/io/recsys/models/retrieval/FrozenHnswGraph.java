package io.recsys.models.retrieval;

import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.util.hnsw.HnswGraph;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * An immutable HNSW graph in flat arrays: per level, the nodes on it (level 0 holds every node), and their
 * neighbour lists back to back.
 *
 * <p>Lucene's {@link HnswGraph} is a cursor ({@code seek} then {@code nextNeighbor}), so one instance cannot serve
 * two searches at once; {@link #cursor()} hands each search its own cheap view of the shared arrays. Freezing also
 * drops the per-edge scores and locks the builder keeps, and gives the graph a layout that is simple to save.
 */
final class FrozenHnswGraph {

    private final int size;
    private final int entryNode;
    /** {@code nodesOnLevel[level]}, sorted; {@code null} for level 0, which holds every node. */
    private final int[][] nodesOnLevel;
    /** {@code offsets[level][i]} .. {@code offsets[level][i + 1]} index the neighbours of the i-th node on level. */
    private final int[][] offsets;
    private final int[][] neighbours;
    /** The largest degree on any level: Lucene's searcher sizes its scratch arrays from it. */
    private final int maxDegree;

    FrozenHnswGraph(int size, int entryNode, int[][] nodesOnLevel, int[][] offsets, int[][] neighbours) {
        this.size = size;
        this.entryNode = entryNode;
        this.nodesOnLevel = nodesOnLevel;
        this.offsets = offsets;
        this.neighbours = neighbours;
        int largest = 1;
        for (int[] levelOffsets : offsets) {
            for (int i = 1; i < levelOffsets.length; i++) {
                largest = Math.max(largest, levelOffsets[i] - levelOffsets[i - 1]);
            }
        }
        this.maxDegree = largest;
    }

    /** Copies a finished graph; the source must not change while this runs. */
    static FrozenHnswGraph copyOf(HnswGraph graph) {
        try {
            int size = graph.size();
            // Lucene reports one level even for an empty graph; with no nodes there is nothing to search.
            int levels = size == 0 ? 0 : graph.numLevels();
            int[][] nodesOnLevel = new int[levels][];
            int[][] offsets = new int[levels][];
            int[][] neighbours = new int[levels][];
            for (int level = 0; level < levels; level++) {
                int[] nodes = level == 0 ? null : sortedNodes(graph.getNodesOnLevel(level));
                int count = nodes == null ? size : nodes.length;
                int[] levelOffsets = new int[count + 1];
                int[] levelNeighbours = new int[Math.max(16, count * 8)];
                int used = 0;
                for (int i = 0; i < count; i++) {
                    graph.seek(level, nodes == null ? i : nodes[i]);
                    for (int n = graph.nextNeighbor(); n != DocIdSetIterator.NO_MORE_DOCS; n = graph.nextNeighbor()) {
                        if (used == levelNeighbours.length) {
                            levelNeighbours = Arrays.copyOf(levelNeighbours, used * 2);
                        }
                        levelNeighbours[used++] = n;
                    }
                    levelOffsets[i + 1] = used;
                }
                nodesOnLevel[level] = nodes;
                offsets[level] = levelOffsets;
                neighbours[level] = Arrays.copyOf(levelNeighbours, used);
            }
            return new FrozenHnswGraph(size, size == 0 ? -1 : graph.entryNode(), nodesOnLevel, offsets, neighbours);
        } catch (IOException e) {
            throw new UncheckedIOException("an on-heap graph does no I/O", e);
        }
    }

    private static int[] sortedNodes(HnswGraph.NodesIterator iterator) {
        int[] nodes = new int[iterator.size()];
        iterator.consume(nodes);
        Arrays.sort(nodes);
        return nodes;
    }

    int size() {
        return size;
    }

    int entryNode() {
        return entryNode;
    }

    /** The heap the graph's arrays take (array headers included). */
    long bytes() {
        long total = 0;
        for (int level = 0; level < levels(); level++) {
            total += intArrayBytes(offsets[level]) + intArrayBytes(neighbours[level]) + intArrayBytes(nodesOnLevel[level]);
        }
        return total;
    }

    private static long intArrayBytes(int[] array) {
        return array == null ? 0 : 16 + 4L * array.length;
    }

    int levels() {
        return offsets.length;
    }

    /** The nodes on {@code level} in ascending order; level 0 holds every node. */
    int[] nodesOnLevel(int level) {
        if (level == 0) {
            int[] all = new int[size];
            Arrays.setAll(all, i -> i);
            return all;
        }
        return nodesOnLevel[level];
    }

    /** The neighbours of the i-th node on {@code level} (in {@link #nodesOnLevel} order). */
    int[] neighbours(int level, int i) {
        return Arrays.copyOfRange(neighbours[level], offsets[level][i], offsets[level][i + 1]);
    }

    /** Level {@code level}'s neighbour lists back to back, unshared with no copy: for {@link PackedHnswGraph}. */
    int[] neighboursOnLevel(int level) {
        return neighbours[level];
    }

    /** Where each node's list starts in {@link #neighboursOnLevel}, in {@link #nodesOnLevel} order, plus the end. */
    int[] offsetsOnLevel(int level) {
        return offsets[level];
    }

    /** The position of {@code node} in {@link #nodesOnLevel}; negative if it is not on {@code level}. */
    int indexOnLevel(int level, int node) {
        return level == 0 ? node : Arrays.binarySearch(nodesOnLevel[level], node);
    }

    /** A view for one search at a time. */
    HnswGraph cursor() {
        return new Cursor();
    }

    private final class Cursor extends HnswGraph {
        private int[] current = new int[0];
        private int start;
        private int next;
        private int end;

        @Override
        public void seek(int level, int target) {
            int i = level == 0 ? target : Arrays.binarySearch(nodesOnLevel[level], target);
            if (i < 0) {
                throw new IllegalStateException("node " + target + " is not on level " + level);
            }
            current = neighbours[level];
            start = offsets[level][i];
            next = start;
            end = offsets[level][i + 1];
        }

        @Override
        public int neighborCount() {
            return end - start;
        }

        @Override
        public int maxConn() {
            return maxDegree; // an upper bound: Lucene reads it as M, and allows twice that on level 0
        }

        @Override
        public int nextNeighbor() {
            return next < end ? current[next++] : DocIdSetIterator.NO_MORE_DOCS;
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public int numLevels() {
            return offsets.length;
        }

        @Override
        public int entryNode() {
            return entryNode;
        }

        @Override
        public NodesIterator getNodesOnLevel(int level) {
            return level == 0 ? new DenseNodesIterator(size)
                    : new ArrayNodesIterator(nodesOnLevel[level], nodesOnLevel[level].length);
        }
    }
}
