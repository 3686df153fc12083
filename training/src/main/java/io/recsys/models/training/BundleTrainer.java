package io.recsys.models.training;

import io.recsys.models.ranking.GbdtRanker;
import io.recsys.models.ranking.RankingFeatures;
import io.recsys.models.retrieval.ExactIndex;
import io.recsys.models.retrieval.RetrievalModel;
import io.recsys.models.training.PointInTimeJoin.LabeledGroup;
import io.recsys.models.training.embedding.ImplicitAlsModel;
import io.recsys.models.training.embedding.ImplicitAlsParams;
import io.recsys.models.training.embedding.ImplicitAlsTrainer;
import io.recsys.models.training.embedding.Interaction;
import io.recsys.progress.Progress;
import io.recsys.schema.event.Event;
import io.recsys.schema.event.EventType;
import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.store.OfflineStore;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Trains a whole bundle from an event log whose events are already in the feature store: implicit-ALS embeddings
 * from the feedback before {@code until}, then the GBDT and the reranker on the lists shown in [from, until),
 * joined with point-in-time features and the retrieval score the API will compute.
 */
public final class BundleTrainer {

    /** Feedback weights for the embeddings: stronger signals count more. */
    private static final Map<EventType, Double> WEIGHTS = Map.of(EventType.CLICK, 1.0, EventType.VIEW, 0.3,
            EventType.ADD_TO_CART, 2.0, EventType.PURCHASE, 3.0);

    /**
     * Embedding settings for click logs. ImplicitAlsParams.DEFAULTS were chosen on MovieLens ratings (weights 1-5,
     * ~100 per user); with a handful of clicks per user their λ = 30 shrinks vectors to ~1e-19. These are not tuned.
     */
    static final ImplicitAlsParams EVENT_LOG_ALS = new ImplicitAlsParams(32, 1.0, 5.0, 15, 42L);

    /** The models trained, before they are written, and how the GBDT's shape was chosen. */
    public record Trained(RankingFeatures features, RankingTrainer.Models ranking, ImplicitAlsModel embeddings,
                          RetrievalModel retrieval, List<LabeledGroup> training, GbdtShapeChoice gbdtChoice) {
    }

    /** Lists held out, the latest of the training range, to choose the GBDT's shape on. */
    static final double HELD_OUT_SHARE = 0.2;

    private BundleTrainer() {
    }

    /**
     * Trains the bundle; the GBDT's shape is chosen on the latest {@link #HELD_OUT_SHARE} of the lists
     * ({@link GbdtShapeChoice}), then the GBDT and the reranker are trained on all of them.
     */
    public static Trained train(List<Event> events, Map<String, String> itemCategories, long from, long until,
                                OfflineStore store, FmReranker.Params reranker, double rerankShare,
                                Progress progress) {
        return train(events, itemCategories, from, until, store, null, reranker, rerankShare, progress);
    }

    /**
     * Trains the bundle with the GBDT's shape given (an evaluation that fixes its settings), or chosen on held-out
     * lists when {@code gbdt} is null.
     */
    public static Trained train(List<Event> events, Map<String, String> itemCategories, long from, long until,
                                OfflineStore store, GbdtRanker.Params gbdt, FmReranker.Params reranker,
                                double rerankShare, Progress progress) {
        progress.stage("train embeddings", 1);
        List<Interaction> interactions = new ArrayList<>();
        for (Event event : events) {
            Double weight = WEIGHTS.get(event.type());
            if (weight != null && event.eventTime() < until) {
                interactions.add(new Interaction(event.userId(), event.itemId(), weight));
            }
        }
        if (interactions.isEmpty()) {
            throw new IllegalArgumentException("no feedback (clicks, views, ...) before the end of training to learn"
                    + " embeddings from");
        }
        ImplicitAlsModel embeddings = new ImplicitAlsTrainer(EVENT_LOG_ALS).train(interactions);
        RetrievalModel retrieval = new RetrievalModel(embeddings.itemEmbeddings(),
                new ExactIndex(embeddings.itemEmbeddings()), embeddings.foldIn());
        progress.done(1);

        List<ImpressionGroup> groups = ImpressionLog.groups(events, from, until);
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("no impressions in the training range to learn ranking from");
        }
        RankingFeatures features = RankingFeatures.all();
        progress.stage("join training lists", groups.size());
        List<LabeledGroup> joined = new PointInTimeJoin(store, features, itemCategories)
                .join(groups, retrieval.scorer(), progress::done);
        progress.stage(gbdt == null ? "choose the GBDT's shape, train GBDT and reranker" : "train GBDT and reranker",
                1);
        int split = (int) Math.round(joined.size() * (1 - HELD_OUT_SHARE));
        GbdtShapeChoice choice = gbdt != null ? GbdtShapeChoice.given(gbdt)
                : GbdtShapeChoice.choose(features.names(), joined.subList(0, split), joined.subList(split,
                joined.size()));
        RankingTrainer.Models ranking = RankingTrainer.train(features.names(), joined, choice.chosen(), reranker,
                rerankShare);
        progress.done(1);
        return new Trained(features, ranking, embeddings, retrieval, joined, choice);
    }

    /** Writes the bundle; its manifest's metrics hold {@code metrics} and how the GBDT's shape was chosen. */
    public static Path write(Trained trained, Path bundlesRoot, String version, String dataset,
                             FeatureRegistry registry, int rerankHead, long from, long until,
                             Map<String, Object> metrics) throws IOException {
        metrics = new java.util.LinkedHashMap<>(metrics);
        metrics.put("gbdt_choice", trained.gbdtChoice().record());
        ImplicitAlsParams params = trained.embeddings().params();
        return BundleWriter.write(bundlesRoot, new BundleWriter.Description(version, dataset, registry.version(),
                        trained.features().names(), rerankHead, from, until, metrics), trained.ranking(),
                new BundleWriter.Retrieval(trained.embeddings().itemEmbeddings(), params.alpha(),
                        params.regularization()));
    }
}
