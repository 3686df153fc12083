package io.recsys.models.training.embedding;

import java.util.Arrays;

/**
 * A rows × columns matrix of positive weights in compressed-row form, columns ascending within each row and
 * repeated (row, column) entries summed. The fixed order is what makes training sums reproducible.
 */
final class SparseWeights {

    final int rows;
    final int columns;
    /** Entries of row r are at positions {@code rowStart[r]} (inclusive) to {@code rowStart[r + 1]} (exclusive). */
    final int[] rowStart;
    final int[] column;
    final double[] weight;

    private SparseWeights(int rows, int columns, int[] rowStart, int[] column, double[] weight) {
        this.rows = rows;
        this.columns = columns;
        this.rowStart = rowStart;
        this.column = column;
        this.weight = weight;
    }

    static SparseWeights fromEntries(int rows, int columns, int[] row, int[] column, double[] weight) {
        // Two stable counting sorts (by column, then by row) order the entries by (row, column) in linear time.
        int[] byColumn = countingOrder(column, columns, identity(row.length));
        int[] byRowThenColumn = countingOrder(row, rows, byColumn);
        int[] rowStart = new int[rows + 1];
        int[] mergedColumn = new int[row.length];
        double[] mergedWeight = new double[row.length];
        int size = 0;
        int previousRow = -1;
        int previousColumn = -1;
        for (int entry : byRowThenColumn) {
            if (row[entry] == previousRow && column[entry] == previousColumn) {
                mergedWeight[size - 1] += weight[entry];
                continue;
            }
            previousRow = row[entry];
            previousColumn = column[entry];
            mergedColumn[size] = column[entry];
            mergedWeight[size] = weight[entry];
            rowStart[row[entry] + 1]++;
            size++;
        }
        for (int r = 0; r < rows; r++) {
            rowStart[r + 1] += rowStart[r];
        }
        return new SparseWeights(rows, columns, rowStart, Arrays.copyOf(mergedColumn, size),
                Arrays.copyOf(mergedWeight, size));
    }

    SparseWeights transpose() {
        int[] entryRow = new int[column.length];
        for (int r = 0; r < rows; r++) {
            for (int e = rowStart[r]; e < rowStart[r + 1]; e++) {
                entryRow[e] = r;
            }
        }
        return fromEntries(columns, rows, column, entryRow, weight);
    }

    private static int[] countingOrder(int[] key, int keyCount, int[] order) {
        int[] start = new int[keyCount + 1];
        for (int k : key) {
            start[k + 1]++;
        }
        for (int k = 0; k < keyCount; k++) {
            start[k + 1] += start[k];
        }
        int[] sorted = new int[order.length];
        for (int entry : order) {
            sorted[start[key[entry]]++] = entry;
        }
        return sorted;
    }

    private static int[] identity(int n) {
        int[] identity = new int[n];
        for (int i = 0; i < n; i++) {
            identity[i] = i;
        }
        return identity;
    }
}
