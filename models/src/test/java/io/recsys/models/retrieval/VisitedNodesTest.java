package io.recsys.models.retrieval;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class VisitedNodesTest {

    @Test
    void aNodeIsNewOnlyOnItsFirstVisitInASearch() {
        VisitedNodes visited = new VisitedNodes(7);
        visited.clear();

        assertThat(visited.visit(3)).isFalse();
        assertThat(visited.visit(3)).isTrue();
        assertThat(visited.visit(6)).isFalse();
        assertThat(visited.visit(0)).isFalse();
    }

    @Test
    void clearingForgetsEveryVisit() {
        VisitedNodes visited = new VisitedNodes(7);
        visited.clear();
        for (int node = 0; node < 7; node++) {
            visited.visit(node);
        }

        visited.clear();

        for (int node = 0; node < 7; node++) {
            assertThat(visited.visit(node)).as("node %d", node).isFalse();
        }
    }

    @Test
    void visitsStayForgottenWhenTheSearchNumbersWrapAround() {
        VisitedNodes visited = new VisitedNodes(97);
        visited.clear();
        visited.visit(5);
        visited.skipSearches(Integer.MAX_VALUE - 3);
        visited.clear(); // numbered MAX_VALUE - 1
        visited.visit(7);

        visited.clear(); // would be MAX_VALUE: wraps, clears the array
        assertThat(visited.visit(5)).isFalse();
        assertThat(visited.visit(7)).isFalse();
        assertThat(visited.visit(7)).isTrue();
        visited.clear();
        assertThat(visited.visit(7)).isFalse();
    }
}
