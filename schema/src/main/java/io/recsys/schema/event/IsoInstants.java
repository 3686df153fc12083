package io.recsys.schema.event;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * ISO-8601 instants to epoch milliseconds, exactly as {@code Instant.parse(text).toEpochMilli()} does. The form every
 * producer of this system writes ({@code Instant.toString()}: {@code 2019-11-13T10:00:00Z}, optionally with 1-9
 * fraction digits) is read directly; anything else (offsets, lower case, leap seconds, signed years) goes to
 * {@code Instant.parse}, so the result and the exception thrown are always its. Parsing through the formatter was
 * a fifth of the feature job's source threads' time (docs/benchmarks.md).
 */
public final class IsoInstants {

    private static final long MILLIS_PER_DAY = 86_400_000L;

    private IsoInstants() {
    }

    /**
     * @throws java.time.format.DateTimeParseException as {@code Instant.parse} would
     * @throws ArithmeticException                     as {@code Instant.toEpochMilli} would
     */
    public static long toEpochMilli(String text) {
        long millis = plainUtc(text);
        return millis != Long.MIN_VALUE ? millis : Instant.parse(text).toEpochMilli();
    }

    /** The instant of {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z}, or {@code Long.MIN_VALUE} for any other text. */
    private static long plainUtc(String text) {
        int length = text.length();
        if (length < 20 || length > 30 || text.charAt(length - 1) != 'Z'
                || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
                || text.charAt(13) != ':' || text.charAt(16) != ':') {
            return Long.MIN_VALUE;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59) {
            return Long.MIN_VALUE;
        }
        int millisOfSecond = 0;
        if (length > 20) {
            int fractionDigits = length - 21;
            if (text.charAt(19) != '.' || fractionDigits < 1) {
                return Long.MIN_VALUE;
            }
            int fraction = digits(text, 20, length - 1);
            if (fraction < 0) {
                return Long.MIN_VALUE;
            }
            millisOfSecond = fractionDigits <= 3
                    ? fraction * (fractionDigits == 1 ? 100 : fractionDigits == 2 ? 10 : 1)
                    : digits(text, 20, 23);
        } else if (text.charAt(19) != 'Z') {
            return Long.MIN_VALUE;
        }
        long epochDay;
        try {
            epochDay = LocalDate.of(year, month, day).toEpochDay();
        } catch (DateTimeException e) {
            return Long.MIN_VALUE; // e.g. 2019-02-29: let Instant.parse say why
        }
        return epochDay * MILLIS_PER_DAY + hour * 3_600_000L + minute * 60_000L + second * 1_000L + millisOfSecond;
    }

    /** The decimal number in {@code text[from, to)} (at most 9 digits), or -1 if any character is not a digit. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            int digit = text.charAt(i) - '0';
            if (digit < 0 || digit > 9) {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }
}
