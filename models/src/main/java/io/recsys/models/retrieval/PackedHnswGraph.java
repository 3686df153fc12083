package io.recsys.models.retrieval;

/**
 * An HNSW graph laid out for our own search, over the graph Lucene built: level 0 (where a search spends nearly all
 * its time) as one flat neighbour array indexed by per-node offsets, the items' int8 codes back to back in one
 * {@code byte[]}, and the nodes renumbered in breadth-first order from the entry node, so that a node's neighbours
 * mostly sit near it in both arrays. The upper levels, a few percent of the nodes, are walked greedily on the
 * {@link FrozenHnswGraph} as built.
 *
 * <p>Why not Lucene's searcher: a JFR profile at 1M × 64-d put 87% of a search in Lucene's level-0 walk, mostly
 * waiting for one 64-byte code per visited node in a million separate arrays, and 9% in its visited set
 * (docs/benchmarks.md, "ANN retrieval"). Here a thread's {@link Searcher} keeps an epoch-stamped visited array and
 * two primitive heaps, and collects a node's unvisited neighbours first, touches each one's code, and only then
 * scores them: the reads of all the codes are issued back to back, so their cache misses overlap instead of
 * queueing behind each score.
 *
 * <p>Rows are the items' positions in {@link ItemEmbeddings} and in the saved files; nodes are this layout's numbers.
 */
final class PackedHnswGraph {

    private static final Int8DotProduct DOT = Int8DotProduct.FASTEST;

    private final FrozenHnswGraph graph;
    private final int dimension;
    /** Node n's code at {@code n × dimension}. */
    private final byte[] codes;
    /** Node n's level-0 neighbours, as node numbers, at {@code neighbours[offsets[n]] .. neighbours[offsets[n + 1]]}. */
    private final int[] offsets;
    private final int[] neighbours;
    private final int[] rowOfNode;
    private final int[] nodeOfRow;
    private final int maxDegree;

    private PackedHnswGraph(FrozenHnswGraph graph, Int8Codes codes, int[] rowOfNode) {
        int size = graph.size();
        this.graph = graph;
        this.dimension = codes.dimension();
        this.rowOfNode = rowOfNode;
        this.nodeOfRow = new int[size];
        for (int node = 0; node < size; node++) {
            nodeOfRow[rowOfNode[node]] = node;
        }
        this.codes = codes.reordered(rowOfNode);
        int[] rowOffsets = size == 0 ? new int[] {0} : graph.offsetsOnLevel(0);
        int[] rowNeighbours = size == 0 ? new int[0] : graph.neighboursOnLevel(0);
        this.offsets = new int[size + 1];
        this.neighbours = new int[rowNeighbours.length];
        int used = 0;
        int largest = 0;
        for (int node = 0; node < size; node++) {
            int row = rowOfNode[node];
            for (int i = rowOffsets[row]; i < rowOffsets[row + 1]; i++) {
                neighbours[used++] = nodeOfRow[rowNeighbours[i]];
            }
            offsets[node + 1] = used;
            largest = Math.max(largest, used - offsets[node]);
        }
        this.maxDegree = largest;
    }

    /** Lays out {@code graph} with {@code codes} (in row order) for search. */
    static PackedHnswGraph of(FrozenHnswGraph graph, Int8Codes codes) {
        if (codes.size() != graph.size()) {
            throw new IllegalArgumentException(codes.size() + " codes for a graph of " + graph.size() + " nodes");
        }
        return new PackedHnswGraph(graph, codes, breadthFirstOrder(graph));
    }

    /**
     * The rows in the order a breadth-first walk of level 0 from the entry node meets them (nodes it cannot reach
     * follow in row order): each node's neighbours are numbered together, close to the node that first found them.
     */
    static int[] breadthFirstOrder(FrozenHnswGraph graph) {
        int size = graph.size();
        int[] order = new int[size];
        if (size == 0) {
            return order;
        }
        int[] rowOffsets = graph.offsetsOnLevel(0);
        int[] rowNeighbours = graph.neighboursOnLevel(0);
        boolean[] seen = new boolean[size];
        int head = 0;
        int tail = 0;
        int unreached = 0;
        order[tail++] = graph.entryNode();
        seen[graph.entryNode()] = true;
        while (tail < size) {
            if (head == tail) {
                while (seen[unreached]) {
                    unreached++;
                }
                seen[unreached] = true;
                order[tail++] = unreached;
            }
            int row = order[head++];
            for (int i = rowOffsets[row]; i < rowOffsets[row + 1]; i++) {
                int next = rowNeighbours[i];
                if (!seen[next]) {
                    seen[next] = true;
                    order[tail++] = next;
                }
            }
        }
        return order;
    }

    int size() {
        return rowOfNode.length;
    }

    /** The code inner product of {@code query} with the item at {@code row}. */
    int score(byte[] query, int row) {
        return DOT.dot(query, 0, codes, nodeOfRow[row] * dimension, dimension);
    }

    /** The heap this layout adds to its {@link FrozenHnswGraph} (which it keeps, for saving and the upper levels). */
    long bytes() {
        return 16 + (long) codes.length + 4L * (offsets.length + neighbours.length + rowOfNode.length
                + nodeOfRow.length) + 4 * 16;
    }

    /** One thread's search state, reused search after search; not thread-safe. */
    Searcher newSearcher() {
        return new Searcher();
    }

    final class Searcher {
        private final VisitedNodes visited = new VisitedNodes(size());
        private final NodeHeap candidates = NodeHeap.bestFirst(256);
        private final NodeHeap results = NodeHeap.worstFirst(256);
        private final int[] unvisited = new int[Math.max(1, maxDegree)];
        /** Sums the touched code bytes, so that the JIT cannot drop the touching reads. */
        private int touched;

        private Searcher() {
        }

        /**
         * Walks the graph for {@code query}'s code keeping the {@code beamWidth} best nodes by code score, and writes
         * the rows of the best {@code rows.length} of them (fewer if the walk found fewer) into {@code rows}, best
         * first.
         *
         * @return how many rows were written
         */
        int search(byte[] query, int beamWidth, int[] rows) {
            if (size() == 0) {
                return 0;
            }
            long entry = entryPoint(query);
            searchLevel0(query, NodeHeap.score(entry), NodeHeap.node(entry), beamWidth);
            int found = results.size();
            int count = Math.min(found, rows.length);
            for (int i = found; i > count; i--) {
                results.pop();
            }
            for (int i = count - 1; i >= 0; i--) {
                rows[i] = rowOfNode[NodeHeap.node(results.pop())];
            }
            return count;
        }

        /** Greedy descent through the upper levels, as HNSW does with a beam of one: the node to start level 0 from. */
        private long entryPoint(byte[] query) {
            int row = graph.entryNode();
            int best = score(query, nodeOfRow[row]);
            for (int level = graph.levels() - 1; level >= 1; level--) {
                int[] levelOffsets = graph.offsetsOnLevel(level);
                int[] levelNeighbours = graph.neighboursOnLevel(level);
                boolean moved = true;
                while (moved) {
                    moved = false;
                    int i = graph.indexOnLevel(level, row);
                    for (int j = levelOffsets[i]; j < levelOffsets[i + 1]; j++) {
                        int next = levelNeighbours[j];
                        int score = score(query, nodeOfRow[next]);
                        if (score > best) {
                            best = score;
                            row = next;
                            moved = true;
                        }
                    }
                }
            }
            return NodeHeap.pack(best, nodeOfRow[row]);
        }

        private void searchLevel0(byte[] query, int entryScore, int entry, int beamWidth) {
            visited.clear();
            candidates.clear();
            results.clear();
            visited.visit(entry);
            candidates.push(entryScore, entry);
            results.push(entryScore, entry);
            while (!candidates.isEmpty()) {
                long best = candidates.pop();
                if (results.size() >= beamWidth && NodeHeap.score(best) < NodeHeap.score(results.peek())) {
                    break; // the best candidate left is worse than every result: no neighbour of it will do
                }
                int node = NodeHeap.node(best);
                int count = 0;
                for (int i = offsets[node], end = offsets[node + 1]; i < end; i++) {
                    int next = neighbours[i];
                    if (!visited.visit(next)) {
                        unvisited[count++] = next;
                    }
                }
                touch(count);
                for (int j = 0; j < count; j++) {
                    int next = unvisited[j];
                    int score = score(query, next);
                    if (results.size() < beamWidth) {
                        results.push(score, next);
                        candidates.push(score, next);
                    } else if (score > NodeHeap.score(results.peek())) {
                        results.replaceTop(score, next);
                        candidates.push(score, next);
                    }
                }
            }
        }

        /**
         * Reads the first and last byte of each unvisited neighbour's code (a code may straddle two cache lines):
         * independent loads the CPU keeps in flight together, so the scoring that follows finds the codes cached.
         */
        private void touch(int count) {
            if (dimension == 0) {
                return;
            }
            int sum = 0;
            for (int j = 0; j < count; j++) {
                int start = unvisited[j] * dimension;
                sum += codes[start] + codes[start + dimension - 1];
            }
            touched += sum;
        }

        private int score(byte[] query, int node) {
            return DOT.dot(query, 0, codes, node * dimension, dimension);
        }
    }
}
