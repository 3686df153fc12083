package io.recsys.models.retrieval;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class HnswIndexTest {

    private static final int ITEMS = 10_000;
    private static final int DIMENSION = 32;
    private static final int K = 10;

    private static ItemEmbeddings items;
    private static float[][] queries;
    private static HnswIndex index;

    @BeforeAll
    static void buildOnce() {
        SplittableRandom random = new SplittableRandom(7);
        items = randomUnnormalised(random, ITEMS);
        queries = randomUnnormalised(random, 200).vectors();
        index = HnswIndex.build(items, HnswIndex.Params.defaults());
    }

    private static ItemEmbeddings randomUnnormalised(SplittableRandom random, int count) {
        return TestVectors.unnormalised(random, count, DIMENSION);
    }

    @Test
    void findsAtLeast95PercentOfTheExactTop10OnUnnormalisedVectors() {
        ExactIndex exact = new ExactIndex(items);
        int found = 0;
        for (float[] query : queries) {
            Set<String> truth = idsOf(exact.search(query, K));
            for (ScoredItem item : index.search(query, K)) {
                found += truth.contains(item.itemId()) ? 1 : 0;
            }
        }
        assertThat(found / (double) (queries.length * K)).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void returnsKItemsBestFirstScoredByTheirExactInnerProduct() {
        List<ScoredItem> found = index.search(queries[0], K);
        assertThat(found).hasSize(K);
        assertThat(found).extracting(ScoredItem::score).isSortedAccordingTo((a, b) -> Double.compare(b, a));
        var rows = items.rowsById();
        for (ScoredItem item : found) {
            double exact = ExactIndex.dot(queries[0], items.vectors()[rows.get(item.itemId())]);
            assertThat(item.score()).isCloseTo(exact, within(1e-4 * Math.abs(exact)));
        }
    }

    @Test
    void aLoadedIndexAnswersExactlyLikeTheOneThatWasSaved(@TempDir Path directory) throws IOException {
        index.save(directory);
        HnswIndex loaded = HnswIndex.load(directory);

        assertThat(loaded.size()).isEqualTo(ITEMS);
        assertThat(loaded.dimension()).isEqualTo(DIMENSION);
        assertThat(loaded.params()).isEqualTo(index.params());
        for (float[] query : queries) {
            assertThat(loaded.search(query, K)).isEqualTo(index.search(query, K));
        }
    }

    @Test
    void savingAgainReplacesTheEarlierSave(@TempDir Path directory) throws IOException {
        HnswIndex small = HnswIndex.build(randomUnnormalised(new SplittableRandom(1), 50), HnswIndex.Params.defaults());
        small.save(directory);
        index.save(directory);

        assertThat(HnswIndex.load(directory).size()).isEqualTo(ITEMS);
        try (var files = Files.list(directory)) {
            assertThat(files.map(file -> file.getFileName().toString()))
                    .containsExactlyInAnyOrder("hnsw-items.bin", "hnsw-graph.bin");
        }
    }

    @Test
    void loadingATruncatedGraphFileFailsNamingTheFile(@TempDir Path directory) throws IOException {
        index.save(directory);
        Path graph = directory.resolve("hnsw-graph.bin");
        truncateToHalf(graph);

        assertThatThrownBy(() -> HnswIndex.load(directory))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(graph.toString())
                .hasMessageContaining("truncated");
    }

    @Test
    void loadingATruncatedItemsFileFailsNamingTheFile(@TempDir Path directory) throws IOException {
        index.save(directory);
        Path itemsFile = directory.resolve("hnsw-items.bin");
        truncateToHalf(itemsFile);

        assertThatThrownBy(() -> HnswIndex.load(directory))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(itemsFile.toString())
                .hasMessageContaining("truncated");
    }

    @Test
    void loadingAFileWithAFlippedByteFailsOnItsChecksum(@TempDir Path directory) throws IOException {
        index.save(directory);
        Path itemsFile = directory.resolve("hnsw-items.bin");
        byte[] bytes = Files.readAllBytes(itemsFile);
        bytes[bytes.length - 100] ^= 0x10;
        Files.write(itemsFile, bytes);

        assertThatThrownBy(() -> HnswIndex.load(directory))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(itemsFile.toString())
                .hasMessageContaining("checksum");
    }

    @Test
    void loadingAGraphSavedWithOtherItemsFails(@TempDir Path directory, @TempDir Path other) throws IOException {
        index.save(directory);
        HnswIndex.build(randomUnnormalised(new SplittableRandom(1), 50), HnswIndex.Params.defaults()).save(other);
        Files.copy(other.resolve("hnsw-graph.bin"), directory.resolve("hnsw-graph.bin"),
                StandardCopyOption.REPLACE_EXISTING);

        assertThatThrownBy(() -> HnswIndex.load(directory))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(directory.resolve("hnsw-graph.bin").toString())
                .hasMessageContaining("different saves");
    }

    @Test
    void loadingSomethingElseFailsNamingTheFile(@TempDir Path directory) throws IOException {
        index.save(directory);
        Path graph = directory.resolve("hnsw-graph.bin");
        Files.writeString(graph, "{\"not\": \"a graph\"}");

        assertThatThrownBy(() -> HnswIndex.load(directory))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(graph.toString())
                .hasMessageContaining("not an HNSW graph file");
    }

    @Test
    void aQueryOfTheWrongDimensionIsRejected() {
        assertThatThrownBy(() -> index.search(new float[DIMENSION - 1], K))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("query of dimension 31, index of 32");
    }

    @Test
    void nonPositiveParametersAreRejectedByName() {
        assertThatThrownBy(() -> new HnswIndex.Params(16, 0, 100))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("beamWidth must be positive, was 0");
        assertThatThrownBy(() -> index.search(queries[0], 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("k and searchBeamWidth must be positive");
    }

    @Test
    void anEmptyIndexSavesLoadsAndFindsNothing(@TempDir Path directory) throws IOException {
        HnswIndex empty = HnswIndex.build(new ItemEmbeddings(List.of(), new float[0][]), HnswIndex.Params.defaults());
        empty.save(directory);

        assertThat(HnswIndex.load(directory).search(new float[0], K)).isEmpty();
    }

    @Test
    void asksForMoreThanTheIndexHoldsGetsEveryItem() {
        ItemEmbeddings three = randomUnnormalised(new SplittableRandom(3), 3);
        HnswIndex small = HnswIndex.build(three, HnswIndex.Params.defaults());

        assertThat(small.search(queries[0], K)).extracting(ScoredItem::itemId)
                .containsExactlyInAnyOrderElementsOf(three.itemIds());
    }

    /**
     * The walk scores byte codes and only the final ranking uses floats; with a beam as wide as the index every item
     * is a candidate, so the answer must be the exact one, on sizes no SIMD lane width divides.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 7, 97, 551})
    void withABeamAsWideAsTheIndexTheAnswerIsTheExactTopKOnOddSizes(int count) {
        ItemEmbeddings some = randomUnnormalised(new SplittableRandom(count), count);
        HnswIndex small = HnswIndex.build(some, HnswIndex.Params.defaults());
        ExactIndex exact = new ExactIndex(some);

        for (float[] query : Arrays.copyOf(queries, 20)) {
            List<ScoredItem> expected = exact.search(query, K);
            List<ScoredItem> found = small.search(query, K, count);
            assertThat(found).extracting(ScoredItem::itemId)
                    .containsExactlyElementsOf(expected.stream().map(ScoredItem::itemId).toList());
            for (int i = 0; i < found.size(); i++) {
                assertThat(found.get(i).score()).isCloseTo(expected.get(i).score(),
                        within(1e-4 * Math.abs(expected.get(i).score())));
            }
        }
    }

    @Test
    void reportsTheMemoryOfItsVectorsCodesAndGraph() {
        long floats = (long) ITEMS * DIMENSION * Float.BYTES;
        long codes = (long) ITEMS * DIMENSION;
        long offsets = (long) ITEMS * Integer.BYTES; // one per node on level 0, however few links it keeps
        // at most 2M links a node on level 0, and as many again on the upper levels, which hold far fewer nodes
        long mostLinks = (long) ITEMS * 4 * HnswIndex.Params.defaults().maxConnections() * Integer.BYTES;
        long headers = (long) ITEMS * 2 * (16 + 4); // an array and a reference per vector and per code

        assertThat(index.memoryBytes()).isGreaterThan(floats + codes + offsets)
                .isLessThanOrEqualTo(floats + codes + offsets + mostLinks + headers);
    }

    private static void truncateToHalf(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
    }

    private static Set<String> idsOf(List<ScoredItem> found) {
        Set<String> ids = new HashSet<>();
        for (ScoredItem item : found) {
            ids.add(item.itemId());
        }
        return ids;
    }
}
