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
final class FlatTrees {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final int classes;
    private final int clickClass;
    /** Per node: feature column (-1 for a leaf), threshold, yes/no/missing child, leaf value. */
    private final int[] feature;
    private final float[] threshold;
    private final int[] yes;
    private final int[] no;
    private final int[] missing;
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
        no = new int[n];
        missing = new int[n];
        leaf = new float[n];
        for (int i = 0; i < n; i++) {
            Node node = nodes.get(i);
            feature[i] = node.feature;
            threshold[i] = node.threshold;
            yes[i] = node.yes;
            no[i] = node.no;
            missing[i] = node.missing;
            leaf[i] = node.leaf;
        }
    }

    /**
     * @param columnOfXgboostFeature for each XGBoost feature index (Tribuo's feature id), the column of the
     *                               ranking row it reads
     */
    static FlatTrees from(Booster booster, int classes, int clickClass, int[] columnOfXgboostFeature)
            throws XGBoostError, IOException {
        String[] dump = booster.getModelDump((String) null, false, "json");
        List<Node> nodes = new ArrayList<>();
        int[] roots = new int[dump.length];
        for (int t = 0; t < dump.length; t++) {
            roots[t] = add(JSON.readTree(dump[t]), nodes, columnOfXgboostFeature);
        }
        return new FlatTrees(classes, clickClass, nodes, roots);
    }

    private static int add(JsonNode json, List<Node> nodes, int[] columns) throws IOException {
        int index = nodes.size();
        Node node = new Node();
        nodes.add(node);
        if (json.has("leaf")) {
            node.feature = -1;
            node.leaf = (float) json.get("leaf").asDouble();
            return index;
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
        Map<Integer, Integer> childIndex = new HashMap<>();
        for (JsonNode child : json.get("children")) {
            childIndex.put(child.get("nodeid").asInt(), add(child, nodes, columns));
        }
        node.yes = childIndex.get(json.get("yes").asInt());
        node.no = childIndex.get(json.get("no").asInt());
        node.missing = childIndex.get(json.get("missing").asInt());
        return index;
    }

    /** The click probability of each row. */
    double[] score(double[][] rows) {
        double[] scores = new double[rows.length];
        double[] margins = new double[classes];
        float[] values = new float[0];
        for (int r = 0; r < rows.length; r++) {
            double[] row = rows[r];
            if (values.length != row.length) {
                values = new float[row.length];
            }
            for (int c = 0; c < row.length; c++) {
                values[c] = (float) row[c];
            }
            java.util.Arrays.fill(margins, 0.0);
            for (int t = 0; t < roots.length; t++) {
                margins[treeClass[t]] += leaf[walk(roots[t], values)];
            }
            double max = Double.NEGATIVE_INFINITY;
            for (double m : margins) {
                max = Math.max(max, m);
            }
            double sum = 0;
            for (double m : margins) {
                sum += Math.exp(m - max);
            }
            scores[r] = Math.exp(margins[clickClass] - max) / sum;
        }
        return scores;
    }

    /** The leaf a row reaches; NaN fails every comparison, so it takes the node's missing branch. */
    private int walk(int node, float[] values) {
        while (feature[node] >= 0) {
            float value = values[feature[node]];
            node = value < threshold[node] ? yes[node] : value >= threshold[node] ? no[node] : missing[node];
        }
        return node;
    }

    private static final class Node {
        int feature;
        float threshold;
        int yes;
        int no;
        int missing;
        float leaf;
    }
}
