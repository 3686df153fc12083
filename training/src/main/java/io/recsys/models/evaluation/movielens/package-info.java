/**
 * The MovieLens 100K offline evaluation of DESIGN.md: a per-user temporal split, popularity baselines that reproduce
 * the reference numbers, and the embedding retrieval system with its setting chosen on a validation split.
 */
package io.recsys.models.evaluation.movielens;
