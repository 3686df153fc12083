package io.recsys.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** With a certificate and key the API speaks HTTPS only; a client that trusts the certificate gets answers. */
class TlsTest {

    @Test
    void withACertificateTheApiAnswersOverHttpsAndNotOverPlainHttp(@TempDir Path dir) throws Exception {
        Path cert = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        selfSigned(cert, key);
        try (ApiFixture fixture = new ApiFixture(dir.resolve("api"),
                config -> config.tls(new ApiConfig.Tls(cert, key)))) {
            HttpClient trusting = HttpClient.newBuilder().sslContext(trusting(cert))
                    .connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> secure = trusting.send(HttpRequest.newBuilder(
                            URI.create("https://127.0.0.1:" + fixture.api.port() + "/v1/recommendations?user_id=u1&k=3"))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(secure.statusCode()).isEqualTo(200);
            assertThat(secure.body()).contains("\"items\"");

            assertThatThrownBy(() -> fixture.get("/health/live")).as("plain HTTP on the TLS port")
                    .isInstanceOf(java.io.IOException.class);
        }
    }

    /** A certificate for 127.0.0.1 from Debian's openssl, valid for a day. */
    private static void selfSigned(Path cert, Path key) throws Exception {
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-keyout", key.toString(), "-out", cert.toString(), "-days", "1", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost").redirectErrorStream(true).start();
        String output = new String(openssl.getInputStream().readAllBytes());
        assertThat(openssl.waitFor()).as("openssl (Debian's openssl package): %s", output).isZero();
    }

    private static SSLContext trusting(Path cert) throws Exception {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        try (InputStream in = Files.newInputStream(cert)) {
            trusted.setCertificateEntry("api", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }
}
