package io.recsys.models.ranking;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reorders the head of a ranked list with an ONNX model run by ONNX Runtime. The model can be the one the training
 * module trains ({@code io.recsys.models.training.FmReranker#export}) or any external one: its sidecar names, in
 * input order, the features it reads ({@link RankingFeatures} names, plus {@value #GBDT_SCORE} for the GBDT's probability), so a team can drop in a
 * model trained elsewhere. One session per model, reused across requests; inputs go in as a direct FloatBuffer.
 */
public final class OnnxReranker implements AutoCloseable {

    public static final String GBDT_SCORE = "gbdt.score";
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    /**
     * @param inputs      feature names in the order of the model's input columns
     * @param inputName   the model's input tensor, float [batch, inputs]
     * @param outputName  the model's output tensor, float [batch, columns] or [batch]
     * @param outputIndex the column holding the score (e.g. the probability of a click)
     * @param missing     the value fed for a feature that is unknown for a candidate
     */
    public record Sidecar(@JsonProperty("inputs") List<String> inputs, @JsonProperty("input_name") String inputName,
                          @JsonProperty("output_name") String outputName,
                          @JsonProperty("output_index") int outputIndex, @JsonProperty("missing") double missing) {
    }

    private final OrtEnvironment environment;
    private final OrtSession session;
    private final Sidecar sidecar;
    private final int[] sourceColumns;

    private OnnxReranker(OrtEnvironment environment, OrtSession session, Sidecar sidecar, int[] sourceColumns) {
        this.environment = environment;
        this.session = session;
        this.sidecar = sidecar;
        this.sourceColumns = sourceColumns;
    }

    /**
     * Loads {@code model} with its sidecar and checks both against the features this bundle computes.
     *
     * @param available the ranking feature names rows will be given in; {@value #GBDT_SCORE} is always available
     */
    public static OnnxReranker load(Path model, Path sidecarFile, List<String> available) throws IOException {
        Sidecar sidecar;
        try {
            sidecar = JSON.readValue(sidecarFile.toFile(), Sidecar.class);
        } catch (IOException e) {
            throw new IOException("reranker sidecar " + sidecarFile + " is not valid: " + e.getMessage(), e);
        }
        if (sidecar.inputs() == null || sidecar.inputs().isEmpty() || sidecar.inputName() == null
                || sidecar.outputName() == null) {
            throw new IOException("reranker sidecar " + sidecarFile + " must name inputs, input_name and output_name");
        }
        int[] sourceColumns = new int[sidecar.inputs().size()];
        for (int i = 0; i < sourceColumns.length; i++) {
            String name = sidecar.inputs().get(i);
            sourceColumns[i] = name.equals(GBDT_SCORE) ? available.size() : available.indexOf(name);
            if (sourceColumns[i] < 0) {
                throw new IOException("reranker " + model + " reads feature '" + name
                        + "', which this bundle does not compute; available: " + available + " and " + GBDT_SCORE);
            }
        }
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        OrtSession session;
        try {
            session = environment.createSession(model.toString(), new OrtSession.SessionOptions());
        } catch (OrtException e) {
            throw new IOException("ONNX Runtime cannot load " + model + ": " + e.getMessage(), e);
        }
        try {
            checkSignature(session, sidecar, model);
        } catch (IOException | OrtException e) {
            closeQuietly(session, e);
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
        return new OnnxReranker(environment, session, sidecar, sourceColumns);
    }

    private static void checkSignature(OrtSession session, Sidecar sidecar, Path model)
            throws OrtException, IOException {
        if (!session.getInputNames().contains(sidecar.inputName())) {
            throw new IOException(model + " has no input '" + sidecar.inputName() + "'; it has "
                    + session.getInputNames());
        }
        if (!session.getOutputNames().contains(sidecar.outputName())) {
            throw new IOException(model + " has no output '" + sidecar.outputName() + "'; it has "
                    + session.getOutputNames());
        }
    }

    private static void closeQuietly(OrtSession session, Exception primary) {
        try {
            session.close();
        } catch (OrtException e) {
            primary.addSuppressed(e);
        }
    }

    /**
     * @param rows       ranking feature rows, columns as in {@code available} at load
     * @param gbdtScores the GBDT's probability per row
     */
    public double[] score(double[][] rows, double[] gbdtScores) throws OrtException {
        int width = sourceColumns.length;
        FloatBuffer input = ByteBuffer.allocateDirect(rows.length * width * Float.BYTES)
                .order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (int r = 0; r < rows.length; r++) {
            for (int source : sourceColumns) {
                double value = source == rows[r].length ? gbdtScores[r] : rows[r][source];
                input.put((float) (Double.isNaN(value) ? sidecar.missing() : value));
            }
        }
        input.rewind();
        try (OnnxTensor tensor = OnnxTensor.createTensor(environment, input, new long[]{rows.length, width});
             OrtSession.Result result = session.run(Map.of(sidecar.inputName(), tensor))) {
            OnnxValue output = result.get(sidecar.outputName()).orElseThrow(() ->
                    new OrtException("the model returned no '" + sidecar.outputName() + "'"));
            return column(output.getValue(), rows.length);
        }
    }

    private double[] column(Object value, int rows) throws OrtException {
        double[] scores = new double[rows];
        if (value instanceof float[][] matrix) {
            for (int r = 0; r < rows; r++) {
                scores[r] = matrix[r][sidecar.outputIndex()];
            }
        } else if (value instanceof float[] vector) {
            for (int r = 0; r < rows; r++) {
                scores[r] = vector[r];
            }
        } else {
            throw new OrtException("reranker output '" + sidecar.outputName() + "' is a "
                    + value.getClass().getSimpleName() + ", expected float[batch] or float[batch][columns]");
        }
        return scores;
    }

    public Sidecar sidecar() {
        return sidecar;
    }

    public static void writeSidecar(Sidecar sidecar, Path file) throws IOException {
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(sidecar));
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }

    /** Column names of a reranker input: the ranking features followed by the GBDT score. */
    public static List<String> inputNames(List<String> rankingFeatures) {
        List<String> names = new ArrayList<>(rankingFeatures);
        names.add(GBDT_SCORE);
        return names;
    }
}
