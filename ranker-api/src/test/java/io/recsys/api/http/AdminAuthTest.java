package io.recsys.api.http;

import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

class AdminAuthTest {

    private static final String TOKEN = "an-admin-token-of-some-length";

    @Test
    void onlyTheAdminTokenAsABearerTokenIsAuthorized() {
        AdminAuth auth = AdminAuth.create(TOKEN);
        assertThat(auth.authorized("Bearer " + TOKEN)).isTrue();
        assertThat(auth.authorized("Bearer " + TOKEN + "x")).isFalse();
        assertThat(auth.authorized("Bearer " + TOKEN.substring(1))).isFalse();
        assertThat(auth.authorized("Basic " + TOKEN)).isFalse();
        assertThat(auth.authorized("Bearer ")).isFalse();
        assertThat(auth.authorized(null)).isFalse();
    }

    @Test
    void withoutAConfiguredTokenNothingIsAuthorized() {
        AdminAuth auth = AdminAuth.create(null);
        assertThat(auth.authorized("Bearer " + TOKEN)).isFalse();
        assertThat(auth.authorized("Bearer null")).isFalse();
    }

    @Test
    void aRefusedRequestGets401WithAJsonReasonAndNeverReachesTheHandlerBehind() throws Exception {
        try (RouterOnAPort server = new RouterOnAPort(router -> {
            router.get("/admin").handler(AdminAuth.create(TOKEN)).handler(ctx -> ctx.response().end("reloaded"));
            router.get("/disabled").handler(AdminAuth.create(null)).handler(ctx -> ctx.response().end("reloaded"));
        })) {
            HttpResponse<String> allowed = server.get("/admin", "Authorization", "Bearer " + TOKEN);
            assertThat(allowed.statusCode()).isEqualTo(200);
            assertThat(allowed.body()).isEqualTo("reloaded");

            HttpResponse<String> wrong = server.get("/admin", "Authorization", "Bearer wrong");
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(wrong.body()).contains("\"error\":\"unauthorized\"",
                    "needs the header 'Authorization: Bearer <admin token>'");
            assertThat(server.get("/admin").statusCode()).isEqualTo(401);

            HttpResponse<String> disabled = server.get("/disabled", "Authorization", "Bearer " + TOKEN);
            assertThat(disabled.statusCode()).isEqualTo(401);
            assertThat(disabled.body()).contains("model reload is disabled: no admin token is configured");
        }
    }
}
