package io.recsys.models.ranking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoostError;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The GBDT's trees copied out of XGBoost into flat arrays and walked in plain Java. XGBoost builds a DMatrix per
 * predict call, which costs tens of milliseconds for a request's few hundred candidates on this machine; walking
 * the same trees here costs well under one. {@link GbdtRanker} checks at load that both agree.
 *
 * <p>Tribuo trains XGBoost classifiers as {@code multi:softprob}: tree {@code t} adds to the margin of class
 * {@code t % classes}, and the probability of a class is the softmax of the margins.
 */
public final class FlatTrees {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final int classes;
    private final int clickClass;
    /**
     * Per node: feature column (-1 for a leaf), threshold, the "yes" child ("no" is the next node: siblings are
     * laid out side by side, so the walk picks a child by adding 0 or 1 instead of branching), whether a missing
     * value takes the "no" child (1) or the "yes" child (0), leaf value.
     */
    private final int[] feature;
    private final float[] threshold;
    private final int[] yes;
    private final int[] missingGoesNo;
    private final float[] leaf;
    private final int[] roots;
    private final int[] treeClass;

    private FlatTrees(int classes, int clickClass, List<Node> nodes, int[] roots) {
        this.classes = classes;
        this.clickClass = clickClass;
        this.roots = roots;
        this.treeClass = new int[roots.length];
        for (int t = 0; t < roots.length; t++) {
            treeClass[t] = t % classes;
        }
        int n = nodes.size();
        feature = new int[n];
        threshold = new float[n];
        yes = new int[n];
        missingGoesNo = new int[n];
        leaf = new float[n];
        for (int i = 0; i < n; i++) {
            Node node = nodes.get(i);
            feature[i] = node.feature;
            threshold[i] = node.threshold;
            yes[i] = node.yes;
            missingGoesNo[i] = node.missingGoesNo ? 1 : 0;
            leaf[i] = node.leaf;
        }
    }

    /**
     * @param columnOfXgboostFeature for each XGBoost feature index (Tribuo's feature id), the column of the
     *                               ranking row it reads
     */
    public static FlatTrees from(Booster booster, int classes, int clickClass, int[] columnOfXgboostFeature)
            throws XGBoostError, IOException {
        String[] dump = booster.getModelDump((String) null, false, "json");
        List<Node> nodes = new ArrayList<>();
        int[] roots = new int[dump.length];
        for (int t = 0; t < dump.length; t++) {
            roots[t] = nodes.size();
            nodes.add(new Node());
            fill(roots[t], JSON.readTree(dump[t]), nodes, columnOfXgboostFeature);
        }
        return new FlatTrees(classes, clickClass, nodes, roots);
    }

    /** Fills the node at {@code index} from its JSON and lays out its two children side by side, recursively. */
    private static void fill(int index, JsonNode json, List<Node> nodes, int[] columns) throws IOException {
        Node node = nodes.get(index);
        if (json.has("leaf")) {
            node.feature = -1;
            node.leaf = (float) json.get("leaf").asDouble();
            return;
        }
        String split = json.get("split").asText();
        if (!split.startsWith("f")) {
            throw new IOException("unexpected XGBoost split feature '" + split + "'");
        }
        int xgboostFeature = Integer.parseInt(split.substring(1));
        if (xgboostFeature >= columns.length) {
            throw new IOException("XGBoost tree splits on feature " + xgboostFeature + " of " + columns.length);
        }
        node.feature = columns[xgboostFeature];
        node.threshold = (float) json.get("split_condition").asDouble();
        Map<Integer, JsonNode> children = new HashMap<>();
        for (JsonNode child : json.get("children")) {
            children.put(child.get("nodeid").asInt(), child);
        }
        int yesId = json.get("yes").asInt();
        int noId = json.get("no").asInt();
        int missingId = json.get("missing").asInt();
        if (missingId != yesId && missingId != noId) {
            throw new IOException("XGBoost node " + json.get("nodeid") + " sends missing values to a third child");
        }
        node.yes = nodes.size();
        node.missingGoesNo = missingId == noId;
        nodes.add(new Node());
        nodes.add(new Node());
        fill(node.yes, children.get(yesId), nodes, columns);
        fill(node.yes + 1, children.get(noId), nodes, columns);
    }

    /**
     * The click probability of each row. Tree-major: each tree is walked for every row before the next tree, over
     * the rows transposed to one float column per feature, so a tree's few nodes stay in L1 while the columns it
     * reads stream through; row-major walking touched every node of every tree per row (~100 KB for 600 trees).
     * Margins add up in tree order per row, exactly as the row-major walk did.
     */
    double[] score(double[][] rows) {
        int n = rows.length;
        if (n == 0) {
            return new double[0];
        }
        return score(transpose(rows), n);
    }

    /** The click probability of each of {@code n} rows given as columns, {@code columns[feature][row]}. */
    double[] score(float[][] columns, int n) {
        double[][] margins = margins(columns, n);
        double[] scores = new double[n];
        for (int r = 0; r < n; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (double[] margin : margins) {
                max = Math.max(max, margin[r]);
            }
            double sum = 0;
            for (double[] margin : margins) {
                sum += Math.exp(margin[r] - max);
            }
            scores[r] = Math.exp(margins[clickClass][r] - max) / sum;
        }
        return scores;
    }

    /**
     * The summed leaf values of a booster with one output (a ranking or a binary objective), per row: what
     * XGBoost's {@code predict(…, outputMargin = true)} returns less the constant base score, which no order
     * within a list depends on.
     */
    public double[] margin(double[][] rows) {
        if (classes != 1) {
            throw new IllegalStateException("a booster of " + classes + " outputs has no single margin");
        }
        int n = rows.length;
        if (n == 0) {
            return new double[0];
        }
        return margins(transpose(rows), n)[0];
    }

    private double[][] margins(float[][] columns, int n) {
        double[][] margins = new double[classes][n];
        for (int t = 0; t < roots.length; t++) {
            double[] margin = margins[treeClass[t]];
            int root = roots[t];
            for (int r = 0; r < n; r++) {
                margin[r] += leaf[walk(root, columns, r)];
            }
        }
        return margins;
    }

    private static float[][] transpose(double[][] rows) {
        float[][] columns = new float[rows[0].length][rows.length];
        for (int r = 0; r < rows.length; r++) {
            double[] row = rows[r];
            for (int c = 0; c < row.length; c++) {
                columns[c][r] = (float) row[c];
            }
        }
        return columns;
    }

    /**
     * The leaf a row reaches. "No" is taken when the value is at or above the threshold, or missing (NaN, which
     * fails every comparison) on a node that sends missing values there; both tests are 0/1 arithmetic, which the
     * JIT compiles without branches: on rows that go either way at random, a mispredicted branch per node cost
     * more than the rest of the walk.
     */
    private int walk(int node, float[][] columns, int row) {
        while (feature[node] >= 0) {
            float value = columns[feature[node]][row];
            int atOrAbove = value >= threshold[node] ? 1 : 0;
            int missing = value != value ? missingGoesNo[node] : 0;
            node = yes[node] + (atOrAbove | missing);
        }
        return node;
    }

    private static final class Node {
        int feature;
        float threshold;
        int yes;
        boolean missingGoesNo;
        float leaf;
    }
}
