package io.recsys.api.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/** The token of an {@code Authorization: Bearer} header, and the comparison every token check uses. */
final class BearerToken {

    private static final String BEARER = "Bearer ";

    private BearerToken() {
    }

    /** The token, or empty when the header is missing, names another scheme or carries no token. */
    static Optional<String> of(String authorizationHeader) {
        if (authorizationHeader == null || !authorizationHeader.startsWith(BEARER)
                || authorizationHeader.length() == BEARER.length()) {
            return Optional.empty();
        }
        return Optional.of(authorizationHeader.substring(BEARER.length()));
    }

    /** Constant-time, so the response time does not tell how much of a guess was right. */
    static boolean matches(String given, byte[] expected) {
        return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expected);
    }
}
