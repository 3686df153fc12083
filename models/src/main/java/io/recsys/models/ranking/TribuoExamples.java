package io.recsys.models.ranking;

import org.tribuo.Example;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

import java.util.ArrayList;
import java.util.List;

/**
 * Feature rows as Tribuo examples. NaN (unknown) values are left out, which XGBoost reads as missing. Public for the
 * trainers of the training module (the ONNX head's {@code FmReranker}).
 */
public final class TribuoExamples {

    public static final LabelFactory LABELS = new LabelFactory();
    public static final Label CLICK = new Label("1");
    public static final Label NO_CLICK = new Label("0");

    private TribuoExamples() {
    }

    public static Example<Label> example(List<String> names, double[] row, Label label) {
        if (row.length != names.size()) {
            throw new IllegalArgumentException("feature row of " + row.length + " values for " + names.size()
                    + " features");
        }
        ArrayExample<Label> example = new ArrayExample<>(label);
        for (int i = 0; i < row.length; i++) {
            if (!Double.isNaN(row[i])) {
                example.add(names.get(i), row[i]);
            }
        }
        return example;
    }

    public static List<Example<Label>> unlabeled(List<String> names, double[][] rows) {
        List<Example<Label>> examples = new ArrayList<>(rows.length);
        for (double[] row : rows) {
            examples.add(example(names, row, LabelFactory.UNKNOWN_LABEL));
        }
        return examples;
    }

    public static MutableDataset<Label> dataset(String description, List<String> names, List<double[]> rows,
                                         List<Boolean> clicked) {
        MutableDataset<Label> dataset = new MutableDataset<>(new SimpleDataSourceProvenance(description, LABELS),
                LABELS);
        for (int i = 0; i < rows.size(); i++) {
            dataset.add(example(names, rows.get(i), clicked.get(i) ? CLICK : NO_CLICK));
        }
        return dataset;
    }
}
