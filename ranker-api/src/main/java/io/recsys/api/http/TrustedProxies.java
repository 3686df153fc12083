package io.recsys.api.http;

import io.netty.util.NetUtil;

import java.util.ArrayList;
import java.util.List;

/**
 * The proxies whose {@code X-Forwarded-For} the API believes, as addresses or CIDR ranges. Anyone can send the header,
 * so it names the client only when the connection comes from one of them; the client is then the rightmost address
 * in the header that is not itself a trusted proxy (each proxy appends the address it received the request from, so
 * everything left of that was written by the client and may be forged).
 */
public final class TrustedProxies {

    private record Range(byte[] network, int prefixBits) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int fullBytes = prefixBits / 8;
            for (int i = 0; i < fullBytes; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int restBits = prefixBits % 8;
            int mask = (0xff << (8 - restBits)) & 0xff;
            return restBits == 0 || (address[fullBytes] & mask) == (network[fullBytes] & mask);
        }
    }

    private final List<Range> ranges;

    private TrustedProxies(List<Range> ranges) {
        this.ranges = List.copyOf(ranges);
    }

    /**
     * @param specs addresses ({@code 10.0.0.7}, {@code ::1}) or ranges ({@code 10.0.0.0/8}, {@code fd00::/8})
     * @throws IllegalArgumentException naming the entry that is neither
     */
    public static TrustedProxies parse(List<String> specs) {
        List<Range> ranges = new ArrayList<>();
        for (String spec : specs) {
            String text = spec.trim();
            int slash = text.indexOf('/');
            byte[] address = literal(slash < 0 ? text : text.substring(0, slash));
            if (address == null) {
                throw new IllegalArgumentException("--trusted-proxy " + spec + " is not an IP address or a CIDR"
                        + " range such as 10.0.0.0/8 (host names are not looked up)");
            }
            int bits = address.length * 8;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(text.substring(slash + 1));
                } catch (NumberFormatException e) {
                    bits = -1;
                }
                if (bits < 0 || bits > address.length * 8) {
                    throw new IllegalArgumentException("--trusted-proxy " + spec + ": the prefix length must be 0 to "
                            + address.length * 8);
                }
            }
            ranges.add(new Range(address, bits));
        }
        return new TrustedProxies(ranges);
    }

    /**
     * The address to hold to account for a request from {@code peer} (the connection's remote address) carrying
     * these {@code X-Forwarded-For} values (each a comma-separated list): the peer itself unless it is a trusted proxy.
     * An entry that is not an address stops the walk at the proxy that passed it on, so a forged header cannot
     * create a bucket per invented name.
     */
    String clientOf(String peer, List<String> forwardedFor) {
        if (ranges.isEmpty() || forwardedFor.isEmpty() || !trusted(literal(peer))) {
            return peer;
        }
        String client = peer;
        for (int h = forwardedFor.size() - 1; h >= 0; h--) {
            String[] hops = forwardedFor.get(h).split(",");
            for (int i = hops.length - 1; i >= 0; i--) {
                String hop = hops[i].trim();
                byte[] address = literal(hop);
                if (address == null) {
                    return client;
                }
                client = hop;
                if (!trusted(address)) {
                    return client;
                }
            }
        }
        return client;
    }

    private boolean trusted(byte[] address) {
        if (address == null) {
            return false;
        }
        for (Range range : ranges) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The address's bytes, or null if the text is not a literal IP address. Netty's parser never looks a host name
     * up, which InetAddress would do, on the event loop, per request.
     */
    private static byte[] literal(String text) {
        return text == null ? null : NetUtil.createByteArrayFromIpAddressString(text);
    }
}
