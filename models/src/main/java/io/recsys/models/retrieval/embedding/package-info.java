/**
 * Item and user embeddings learned from implicit feedback, for retrieval by inner product.
 *
 * <p>{@code ImplicitAlsTrainer} (the training module's {@code io.recsys.models.training.embedding}) learns the
 * factors offline; {@link io.recsys.models.retrieval.embedding.UserFoldIn} computes a user's vector at request time from their
 * recent interactions with the same least-squares step, so users unseen at training time still get a personal
 * vector.
 */
package io.recsys.models.retrieval.embedding;
