package io.recsys.models.training;

import io.recsys.models.ranking.GbdtRanker;
import io.recsys.models.ranking.RankingFeatures;
import io.recsys.models.training.embedding.ImplicitAlsModel;
import io.recsys.models.training.embedding.ImplicitAlsParams;
import io.recsys.models.training.embedding.ImplicitAlsTrainer;
import io.recsys.models.training.embedding.Interaction;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Small, complete bundles for tests of what serves them: trained in a second, deterministic per seed. */
public final class SyntheticBundles {

    private SyntheticBundles() {
    }

    /**
     * ALS item vectors over items i1…i200 (40 users u0…u39 in four taste groups of 50 items), and a GBDT and a
     * reranker trained on synthetic lists.
     */
    public static Path write(Path root, String version, long seed, int registryVersion) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        List<Interaction> interactions = new ArrayList<>();
        for (int u = 0; u < 40; u++) {
            for (int n = 0; n < 8; n++) {
                int group = u % 4;
                interactions.add(new Interaction("u" + u, "i" + (1 + group * 50 + random.nextInt(50)), 1.0));
            }
        }
        ImplicitAlsModel als = new ImplicitAlsTrainer(new ImplicitAlsParams(8, 1.0, 1.0, 5, seed))
                .train(interactions);
        RankingTrainer.Models models = RankingTrainer.train(RankingFeatures.all().names(),
                SyntheticLists.generate(100, 10, seed), GbdtRanker.Params.DEFAULT, FmReranker.Params.DEFAULT, 0.3);
        return BundleWriter.write(root, new BundleWriter.Description(version, "synthetic", registryVersion,
                        RankingFeatures.all().names(), 20, 0, 1, Map.of()), models,
                new BundleWriter.Retrieval(als.itemEmbeddings(), als.params().alpha(), als.params().regularization()));
    }
}
