package io.recsys.store;

/** Keeps the store from growing for ever: deletes history that no read within the registry's windows needs. */
public interface Retention {

    /**
     * Deletes log rows and interactions older than {@code cutoffMillis}, keeping each entity's last row before the
     * cutoff so that reads at any t with t - 24h &gt;= cutoff stay exact.
     *
     * @return rows deleted
     */
    int deleteBefore(long cutoffMillis);
}
