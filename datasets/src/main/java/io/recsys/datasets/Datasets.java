package io.recsys.datasets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a dataset by name from its directory. */
public final class Datasets {

    private Datasets() {
    }

    public static Dataset read(String name, Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException("dataset directory " + directory + " does not exist");
        }
        try {
            return switch (name) {
                case "mind" -> MindDataset.read(directory);
                case "movielens" -> MovieLensDataset.read(directory);
                default -> throw new IllegalArgumentException("unknown dataset '" + name
                        + "'; expected mind or movielens");
            };
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the " + name + " dataset in " + directory, e);
        }
    }
}
