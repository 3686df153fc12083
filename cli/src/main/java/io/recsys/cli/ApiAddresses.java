package io.recsys.cli;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Every address an API URL's host name resolves to, as base URLs, looked up anew at each call: a headless
 * Service's name resolves to each ready pod, so pods that come and go are followed.
 */
final class ApiAddresses implements Supplier<List<String>> {

    private final URI api;

    ApiAddresses(URI api) {
        if (api.getHost() == null || api.getScheme() == null) {
            throw new IllegalArgumentException("--api must look like http://HOST:PORT, not " + api);
        }
        this.api = api;
    }

    @Override
    public List<String> get() {
        try {
            return Arrays.stream(InetAddress.getAllByName(api.getHost()))
                    .map(address -> api.getScheme() + "://" + (address.getHostAddress().contains(":")
                            ? "[" + address.getHostAddress() + "]" : address.getHostAddress())
                            + (api.getPort() < 0 ? "" : ":" + api.getPort()))
                    .distinct().toList();
        } catch (UnknownHostException e) {
            throw new UncheckedIOException("cannot resolve the API's host " + api.getHost(), e);
        }
    }
}
