package io.recsys.cli;

import io.recsys.benchmarks.ann.AnnBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code ./recsys bench ann}: the options of {@link AnnBench}, which measures. */
@Command(name = "ann", mixinStandardHelpOptions = true,
        description = "Recall@k and queries/s of the HNSW index against exact inner-product search.")
final class AnnBenchCommand implements Callable<Integer> {

    @Option(names = "--items", defaultValue = "1000000")
    int items;

    @Option(names = "--dim", defaultValue = "64")
    int dimension;

    @Option(names = "--clusters", defaultValue = "1000", description = "Cluster centres the vectors are drawn around.")
    int clusters;

    @Option(names = "--queries", defaultValue = "1000")
    int queries;

    @Option(names = "--k", defaultValue = "10")
    int k;

    @Option(names = "--seed", defaultValue = "1")
    long seed;

    @Option(names = "--max-connections", description = "HNSW M (default: HnswIndex.Params.defaults()).")
    Integer maxConnections;

    @Option(names = "--beam-width", description = "efConstruction (default: HnswIndex.Params.defaults()).")
    Integer beamWidth;

    @Option(names = "--search-beam-widths", split = ",", defaultValue = "10,20,30,40,50,60,80,100,160",
            description = "The ef values to measure, from one build.")
    List<Integer> searchBeamWidths;

    @Option(names = "--save-dir", description = "If set, also time saving the index there and loading it back.")
    Path saveDirectory;

    @Option(names = "--load-dir", description = "Load the index saved there (by --save-dir with the same data "
            + "options) instead of building it: for measuring search alone.")
    Path loadDirectory;

    @Option(names = "--out", defaultValue = "out/bench-ann.json", description = "Where to write results.")
    Path out;


    @Override
    public Integer call() throws Exception {
        new AnnBench(new AnnBench.Settings(items, dimension, clusters, queries, k, seed, maxConnections, beamWidth,
                searchBeamWidths, saveDirectory, loadDirectory, out)).run();
        return 0;
    }
}
