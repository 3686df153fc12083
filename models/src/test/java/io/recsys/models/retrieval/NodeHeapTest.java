package io.recsys.models.retrieval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class NodeHeapTest {

    private static final Comparator<long[]> BY_SCORE_THEN_NODE =
            Comparator.<long[]>comparingLong(pair -> pair[0]).thenComparingLong(pair -> pair[1]);

    @Test
    void packingKeepsNegativeScoresAndLargeNodes() {
        long packed = NodeHeap.pack(-123_456, Integer.MAX_VALUE);

        assertThat(NodeHeap.score(packed)).isEqualTo(-123_456);
        assertThat(NodeHeap.node(packed)).isEqualTo(Integer.MAX_VALUE);
        assertThat(NodeHeap.pack(-1, 5)).isLessThan(NodeHeap.pack(0, 0));
        assertThat(NodeHeap.pack(3, 1)).isLessThan(NodeHeap.pack(3, 2));
    }

    /** Random pushes, pops and replacements against {@link PriorityQueue}, growing past the initial capacity. */
    @ParameterizedTest
    @ValueSource(ints = {1, 7, 97, 551})
    void bothOrdersPopWhatAPriorityQueuePops(int operations) {
        for (boolean bestFirst : new boolean[] {false, true}) {
            SplittableRandom random = new SplittableRandom(operations);
            NodeHeap heap = bestFirst ? NodeHeap.bestFirst(1) : NodeHeap.worstFirst(1);
            PriorityQueue<long[]> reference = new PriorityQueue<>(
                    bestFirst ? BY_SCORE_THEN_NODE.reversed() : BY_SCORE_THEN_NODE);
            for (int i = 0; i < operations; i++) {
                int score = random.nextInt(-50, 50);
                int node = random.nextInt(1000);
                int action = random.nextInt(4);
                if (action == 0 && !reference.isEmpty()) {
                    long popped = heap.pop();
                    long[] expected = reference.poll();
                    assertThat(new long[] {NodeHeap.score(popped), NodeHeap.node(popped)}).containsExactly(expected);
                } else if (action == 1 && !reference.isEmpty()) {
                    heap.replaceTop(score, node);
                    reference.poll();
                    reference.add(new long[] {score, node});
                } else {
                    heap.push(score, node);
                    reference.add(new long[] {score, node});
                }
                assertThat(heap.size()).isEqualTo(reference.size());
                if (!reference.isEmpty()) {
                    assertThat(NodeHeap.score(heap.peek())).isEqualTo(reference.peek()[0]);
                }
            }
            while (!reference.isEmpty()) {
                long popped = heap.pop();
                assertThat(new long[] {NodeHeap.score(popped), NodeHeap.node(popped)}).containsExactly(reference.poll());
            }
            assertThat(heap.isEmpty()).isTrue();
        }
    }

    @Test
    void clearEmptiesTheHeapForReuse() {
        NodeHeap heap = NodeHeap.worstFirst(4);
        heap.push(5, 1);
        heap.push(2, 2);
        heap.clear();
        heap.push(9, 3);

        assertThat(heap.size()).isOne();
        assertThat(NodeHeap.node(heap.pop())).isEqualTo(3);
    }
}
