package io.recsys.api.http;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrustedProxiesTest {

    private static final TrustedProxies INGRESS = TrustedProxies.parse(List.of("10.0.0.0/8", "fd00::/8", "192.0.2.7"));

    @Test
    void theHeaderOfAPeerThatIsNotTrustedIsIgnored() {
        assertThat(INGRESS.clientOf("198.51.100.9", List.of("203.0.113.1"))).isEqualTo("198.51.100.9");
        assertThat(TrustedProxies.parse(List.of()).clientOf("10.1.2.3", List.of("203.0.113.1"))).isEqualTo("10.1.2.3");
    }

    @Test
    void behindTrustedProxiesTheClientIsTheRightmostAddressNoProxyOfOursAdded() {
        // the client forged the first entry; the ingress appended what it saw, another trusted hop its own peer
        assertThat(INGRESS.clientOf("10.1.2.3", List.of("1.2.3.4, 203.0.113.1, 10.9.9.9"))).isEqualTo("203.0.113.1");
        assertThat(INGRESS.clientOf("192.0.2.7", List.of("1.2.3.4", "203.0.113.1"))).isEqualTo("203.0.113.1");
        assertThat(INGRESS.clientOf("fd12::1", List.of("2001:db8::5"))).isEqualTo("2001:db8::5");
    }

    @Test
    void withoutAHeaderOrWithOnlyTrustedHopsTheLastHopIsTheClient() {
        assertThat(INGRESS.clientOf("10.1.2.3", List.of())).isEqualTo("10.1.2.3");
        assertThat(INGRESS.clientOf("10.1.2.3", List.of("10.4.4.4"))).isEqualTo("10.4.4.4");
    }

    @Test
    void anEntryThatIsNotAnAddressStopsAtTheProxyThatPassedItOn() {
        assertThat(INGRESS.clientOf("10.1.2.3", List.of("unknown"))).isEqualTo("10.1.2.3");
        assertThat(INGRESS.clientOf("10.1.2.3", List.of("evil.example, 10.4.4.4"))).isEqualTo("10.4.4.4");
        assertThat(INGRESS.clientOf("10.1.2.3", List.of("999.1.1.1"))).isEqualTo("10.1.2.3");
    }

    @Test
    void rangesMatchOnTheirPrefixBitsOnly() {
        TrustedProxies narrow = TrustedProxies.parse(List.of("172.16.0.0/12"));
        assertThat(narrow.clientOf("172.31.255.1", List.of("203.0.113.1"))).isEqualTo("203.0.113.1");
        assertThat(narrow.clientOf("172.32.0.1", List.of("203.0.113.1"))).isEqualTo("172.32.0.1");
    }

    @Test
    void whatIsNotAnAddressOrARangeIsRefusedByName() {
        assertThatThrownBy(() -> TrustedProxies.parse(List.of("ingress.local")))
                .hasMessageContaining("ingress.local").hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> TrustedProxies.parse(List.of("10.0.0.0/33")))
                .hasMessageContaining("prefix length must be 0 to 32");
        assertThatThrownBy(() -> TrustedProxies.parse(List.of("10.0.0.0/x"))).hasMessageContaining("prefix length");
    }
}
