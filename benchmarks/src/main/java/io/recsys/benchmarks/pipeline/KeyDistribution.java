package io.recsys.benchmarks.pipeline;

import org.apache.commons.math3.distribution.ZipfDistribution;
import org.apache.commons.math3.random.JDKRandomGenerator;

/**
 * How the pipeline benchmark draws user and item keys: {@code uniform} (every key equally likely, the worst case
 * for coalescing) or {@code zipf:S} (key k drawn with weight 1/k^S, as real popularity is skewed).
 */
final class KeyDistribution {

    private final String name;
    private final int keys;
    private final ZipfDistribution zipf;
    private final java.util.SplittableRandom uniform;

    private KeyDistribution(String name, int keys, ZipfDistribution zipf, long seed) {
        this.name = name;
        this.keys = keys;
        this.zipf = zipf;
        this.uniform = new java.util.SplittableRandom(seed);
    }

    /** @param spec {@code uniform} or {@code zipf:S} with S &gt; 0 */
    static KeyDistribution parse(String spec, int keys, long seed) {
        if (keys < 1) {
            throw new IllegalArgumentException("--keys must be at least 1, got " + keys);
        }
        if (spec.equals("uniform")) {
            return new KeyDistribution(spec, keys, null, seed);
        }
        if (spec.startsWith("zipf:")) {
            double exponent;
            try {
                exponent = Double.parseDouble(spec.substring("zipf:".length()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--key-distribution zipf:S needs a number S, got '" + spec + "'");
            }
            if (!(exponent > 0)) {
                throw new IllegalArgumentException("--key-distribution zipf:S needs S > 0, got '" + spec + "'");
            }
            JDKRandomGenerator random = new JDKRandomGenerator();
            random.setSeed(seed);
            return new KeyDistribution(spec, keys, new ZipfDistribution(random, keys, exponent), seed);
        }
        throw new IllegalArgumentException("--key-distribution must be uniform or zipf:S (e.g. zipf:1.1), got '"
                + spec + "'");
    }

    /** A key in [0, keys): 0 is the most popular under Zipf. */
    int next() {
        return zipf == null ? uniform.nextInt(keys) : zipf.sample() - 1;
    }

    String name() {
        return name;
    }
}
