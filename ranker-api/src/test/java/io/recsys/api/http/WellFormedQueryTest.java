package io.recsys.api.http;

import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WellFormedQueryTest {

    @Test
    void everyPercentMustBeFollowedByTwoHexDigits() {
        assertThat(WellFormedQuery.wellFormedPercentEncoding("")).isTrue();
        assertThat(WellFormedQuery.wellFormedPercentEncoding("user_id=u1&k=10")).isTrue();
        assertThat(WellFormedQuery.wellFormedPercentEncoding("exclude=i1%2Ci2")).isTrue();
        assertThat(WellFormedQuery.wellFormedPercentEncoding("a=%e2%82%ac")).isTrue();
        assertThat(WellFormedQuery.wellFormedPercentEncoding("a=%")).isFalse();
        assertThat(WellFormedQuery.wellFormedPercentEncoding("a=%2")).isFalse();
        assertThat(WellFormedQuery.wellFormedPercentEncoding("a=%zz")).isFalse();
        assertThat(WellFormedQuery.wellFormedPercentEncoding("a=%2g&b=1")).isFalse();
    }

    @Test
    void aMalformedQueryGets400AndAWellFormedOneGoesOn() throws Exception {
        try (RouterOnAPort server = new RouterOnAPort(router ->
                router.get("/q").handler(WellFormedQuery.create()).handler(ctx -> ctx.response().end("ok")))) {
            assertThat(server.get("/q?a=%41").statusCode()).isEqualTo(200);
            // java.net.URI refuses to build such a request; Vert.x's client sends it as written
            String refused = server.vertx.createHttpClient()
                    .request(HttpMethod.GET, server.port, "127.0.0.1", "/q?a=%4")
                    .compose(HttpClientRequest::send)
                    .compose(response -> response.body().map(body -> response.statusCode() + " " + body))
                    .await();
            assertThat(refused).startsWith("400 ").contains("malformed %-escape");
        }
    }
}
