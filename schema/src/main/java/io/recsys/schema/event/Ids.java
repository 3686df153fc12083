package io.recsys.schema.event;

/**
 * The one syntax of every id in the system (events, entity keys, catalogue items): 1-128 characters of letters,
 * digits and {@code _ . : @ / + = ~ -}. '|' is reserved as the separator of composite keys (user|category).
 *
 * <p>A table look-up rather than a regular expression: the feature job checks three or four ids per event, and
 * matching them with {@code Pattern} was 15-20% of its source threads' time (docs/benchmarks.md).
 */
public final class Ids {

    public static final int MAX_LENGTH = 128;

    /** What a rejection says about the syntax. */
    public static final String SYNTAX = "1-128 characters of letters, digits and _ . : @ / + = ~ -";

    private static final boolean[] ALLOWED = new boolean[128];

    static {
        for (char c = 'a'; c <= 'z'; c++) {
            ALLOWED[c] = true;
            ALLOWED[Character.toUpperCase(c)] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            ALLOWED[c] = true;
        }
        for (char c : "_.:@/+=~-".toCharArray()) {
            ALLOWED[c] = true;
        }
    }

    private Ids() {
    }

    public static boolean isValid(String id) {
        return id != null && isValid(id, 0, id.length());
    }

    /** Whether {@code text[from, to)} is a valid id, without cutting it out first. */
    public static boolean isValid(String text, int from, int to) {
        int length = to - from;
        if (length < 1 || length > MAX_LENGTH) {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c >= ALLOWED.length || !ALLOWED[c]) {
                return false;
            }
        }
        return true;
    }
}
