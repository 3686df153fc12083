package io.recsys.api.serving.ranking;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The candidates of a request before filtering, in the order they were found (ANN first), each with the source
 * that found it first. Built from the ANN list's arrays rather than a map of all ~550: only the few items other
 * sources add are checked against the ANN list.
 */
final class CandidatePool {

    static final String ANN = "ann";
    static final String TRENDING = "trending";
    static final String CATALOGUE = "catalogue";

    private final AnnCandidates.Neighbours neighbours;
    private final List<String> ids = new ArrayList<>();
    private final List<String> sources = new ArrayList<>();

    /** A pool holding the ANN list, or nothing when there is none (null). */
    CandidatePool(AnnCandidates.Neighbours neighbours) {
        this.neighbours = neighbours;
        if (neighbours != null) {
            ids.addAll(Arrays.asList(neighbours.itemIds()));
            sources.addAll(Collections.nCopies(ids.size(), ANN));
        }
    }

    int size() {
        return ids.size();
    }

    String id(int i) {
        return ids.get(i);
    }

    String source(int i) {
        return sources.get(i);
    }

    /** NaN where the score is not known yet: items that did not come from the ANN list. */
    double retrievalScore(int i) {
        return neighbours != null && i < neighbours.retrievalScores().length ? neighbours.retrievalScores()[i]
                : Double.NaN;
    }

    /** Adds the items not in the pool yet, in order. */
    void addAll(List<String> items, String source) {
        Set<String> fresh = new LinkedHashSet<>(items);
        ids.forEach(fresh::remove);
        for (String item : fresh) {
            ids.add(item);
            sources.add(source);
        }
    }

    /** Adds items not in the pool yet, in order, until it holds {@code upTo}. */
    void fill(List<String> items, String source, int upTo) {
        Set<String> held = new HashSet<>(ids);
        for (String item : items) {
            if (ids.size() >= upTo) {
                break;
            }
            if (held.add(item)) {
                ids.add(item);
                sources.add(source);
            }
        }
    }
}
