package io.recsys.models.evaluation.movielens;

import java.util.List;
import java.util.Set;

/** Anything the protocol can score: a user's top items, best first, leaving out the items they already rated. */
interface Recommender {

    List<String> recommend(String userId, Set<String> excluded, int count);
}
