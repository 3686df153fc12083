package io.recsys.models.bundle;

import io.recsys.models.retrieval.ItemEmbeddings;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Item embeddings on disk: a magic number, count and dimension, then each item's id and floats. */
public final class EmbeddingsFile {

    private static final int MAGIC = 0x52454D42; // "REMB"

    private EmbeddingsFile() {
    }

    public static void write(ItemEmbeddings embeddings, Path file) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            out.writeInt(MAGIC);
            out.writeInt(embeddings.size());
            out.writeInt(embeddings.dimension());
            for (int i = 0; i < embeddings.size(); i++) {
                out.writeUTF(embeddings.itemIds().get(i));
                for (float value : embeddings.vectors()[i]) {
                    out.writeFloat(value);
                }
            }
        }
    }

    static ItemEmbeddings read(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            if (in.readInt() != MAGIC) {
                throw new IOException(file + " is not an embeddings file");
            }
            int count = in.readInt();
            int dimension = in.readInt();
            if (count < 0 || dimension <= 0 || dimension > 4096) {
                throw new IOException(file + " has an impossible shape " + count + " x " + dimension);
            }
            List<String> ids = new ArrayList<>(count);
            float[][] vectors = new float[count][dimension];
            for (int i = 0; i < count; i++) {
                ids.add(in.readUTF());
                for (int d = 0; d < dimension; d++) {
                    vectors[i][d] = in.readFloat();
                }
            }
            if (in.read() != -1) {
                throw new IOException(file + " has bytes after its " + count + " embeddings");
            }
            return new ItemEmbeddings(ids, vectors);
        } catch (EOFException e) {
            throw new IOException(file + " is truncated", e);
        }
    }
}
