package io.recsys.benchmarks.api;

import io.recsys.benchmarks.Wrk;

import java.util.List;

/**
 * Whom the load generator asks for and on which cores it runs. Users are {@code prefix + n} for n in
 * [first, first + count): the bench's own users are {@code bench-u0…}, the demo's simulated users {@code u1…u1000}.
 * On a 2-core machine wrk competes with the API it measures; pinning wrk to its own core ({@code cpus}) while the
 * API runs on the other is what lets an overload run really offer twice the API's capacity.
 */
record LoadProfile(String userPrefix, int firstUser, int users, String cpus) {

    LoadProfile {
        if (users <= 0) {
            throw new IllegalArgumentException("--users must be positive, got " + users);
        }
        if (firstUser < 0) {
            throw new IllegalArgumentException("--first-user must not be negative, got " + firstUser);
        }
        if (!userPrefix.matches("[A-Za-z0-9_.:-]*")) {
            throw new IllegalArgumentException("--user-prefix may hold letters, digits and _.:- only, got '"
                    + userPrefix + "'");
        }
        if (cpus != null && !cpus.matches("[0-9,-]+")) {
            throw new IllegalArgumentException("--load-cpus takes a CPU list as taskset -c does (e.g. 1 or 2-3),"
                    + " got '" + cpus + "'");
        }
    }

    String userId(int n) {
        return userPrefix + (firstUser + n);
    }

    /**
     * wrk's request and pacing functions: a request for a random user of the profile.
     *
     * @param delayMillis mean pause of each connection between requests (0: none), drawn uniformly from
     *                    [0, 2 × delay] so connections do not march in step
     */
    String requestScript(int delayMillis) {
        return "math.randomseed(7)\n"
                + (delayMillis <= 0 ? "" : "delay = function()\n  return math.random(0, " + 2 * delayMillis
                + ")\nend\n")
                + "request = function()\n"
                + "  return wrk.format(\"GET\", \"/v1/recommendations?k=20&user_id=" + userPrefix + "\" .. math.random("
                + firstUser + ", " + (firstUser + users - 1) + "))\n"
                + "end\n";
    }

    /** The wrk command line with these arguments, under taskset when the profile names cores. */
    List<String> wrk(List<String> arguments) {
        return Wrk.command(cpus, arguments);
    }
}
