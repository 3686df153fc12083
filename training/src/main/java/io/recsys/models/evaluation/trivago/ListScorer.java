package io.recsys.models.evaluation.trivago;

/** Scores the hotels of one list, higher first. */
@FunctionalInterface
public interface ListScorer {

    double[] score(ClickoutList list);
}
