package io.recsys.models.evaluation.movielens;

import io.recsys.datasets.MovieLensDataset.Rating;
import io.recsys.models.training.embedding.Interaction;

import java.util.Optional;

/** Which ratings become implicit-feedback interactions for the embeddings, and with what weight. */
public enum InteractionWeighting {

    /** Every rating, weight 1: having watched a film is the signal, whatever the grade. */
    ALL_RATINGS {
        @Override
        double weight(int rating) {
            return 1;
        }
    },
    /** Only positive ratings (the ones the protocol counts as hits), weight 1. */
    POSITIVE_RATINGS {
        @Override
        double weight(int rating) {
            return rating >= MovieLensEvaluation.POSITIVE_RATING ? 1 : 0;
        }
    },
    /** Every rating, weighted by its grade (1 to 5), so confidence grows with the rating. */
    RATING_VALUE {
        @Override
        double weight(int rating) {
            return rating;
        }
    };

    /** 0 means the rating is left out. */
    abstract double weight(int rating);

    Optional<Interaction> interaction(Rating rating) {
        double weight = weight(rating.rating());
        return weight > 0 ? Optional.of(new Interaction(rating.userId(), rating.itemId(), weight)) : Optional.empty();
    }
}
