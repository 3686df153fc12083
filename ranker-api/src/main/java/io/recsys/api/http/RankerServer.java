package io.recsys.api.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.prometheus.client.exporter.common.TextFormat;
import io.recsys.api.ApiConfig;
import io.recsys.api.live.LiveSampler;
import io.recsys.api.serving.ApiMetrics;
import io.recsys.api.serving.ErrorKind;
import io.recsys.api.serving.EventIngest;
import io.recsys.api.serving.FeatureHistory;
import io.recsys.api.serving.LoopJournalTail;
import io.recsys.api.serving.QuickPicks;
import io.recsys.api.serving.Recommendation;
import io.recsys.api.serving.RecommendationService;
import io.recsys.api.serving.ServingModels;
import io.recsys.api.serving.ShedReason;
import io.recsys.models.bundle.BundleException;
import io.recsys.models.bundle.BundleRegistry;
import io.recsys.schema.feature.EntityKey;
import io.recsys.store.JdbcFeatureStore;
import io.recsys.store.StoreUnavailableException;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;
import io.vertx.ext.web.handler.PlatformHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatedRequest;
import io.vertx.openapi.validation.ValidatorException;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP face of the ranker on Vert.x. Routes come from the OpenAPI document (served at /openapi.yaml), which
 * also validates every request; ranking, JDBC and Kafka waits run on a worker pool, never on the event loop, and
 * the server runs one instance per core, each on its own event loop. Overload costs the client a quick 503 +
 * Retry-After instead of unbounded latency: a recommendation request is refused at once when {@code maxInFlight}
 * are already being ranked or waiting for a worker, and refused by the worker that takes it when requests have been
 * waiting longer than {@code maxQueueMillis} for a whole interval ({@link QueueDelayControl}).
 */
public final class RankerServer implements AutoCloseable {

    private static final java.util.Set<String> API_PATHS = java.util.Set.of("/v1/recommendations", "/v1/events",
            "/v1/models", "/v1/models/reload", "/v1/models/loop", "/v1/live", "/v1/users/recent", "/health/live", "/health/ready", "/metrics",
            "/openapi.yaml", "/");
    /** The charting library's files, from its webjar on the classpath: the page loads nothing from elsewhere. */
    private static final String UPLOT = "META-INF/resources/webjars/uplot/";

    private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    private static final String OPENAPI = "openapi.yaml";
    private static final String ACCEPTED_AT = "recsys.acceptedAtNanos";
    private static final String STORE_RETRY_AFTER_SECONDS = "5";
    /** CoDel's interval (or the target, if longer): how long a queue must stand above the target to be shed. */
    private static final long QUEUE_DELAY_INTERVAL_NANOS = 100_000_000L;

    private final Vertx vertx;
    private final ApiConfig config;
    private final RecommendationService recommendations;
    private final EventIngest ingest;
    private final ServingModels models;
    private final BundleRegistry bundles;
    private final JdbcFeatureStore store;
    private final ApiMetrics metrics;
    private final WorkerExecutor workers;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final byte[] openApiDocument;
    private final QueueDelayControl queueDelay;
    private final PageRoutes page;
    private final List<HttpServer> servers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean storeAnsweredOnce;

    /** Guards POST /v1/events; null when event writes are open. */
    private final ProducerAuth producerAuth;

    public RankerServer(Vertx vertx, ApiConfig config, RecommendationService recommendations, EventIngest ingest,
                        ServingModels models, BundleRegistry bundles, JdbcFeatureStore store, ApiMetrics metrics,
                        LiveSampler live, QuickPicks quickPicks) {
        this.vertx = vertx;
        this.config = config;
        this.recommendations = recommendations;
        this.ingest = ingest;
        this.models = models;
        this.bundles = bundles;
        this.store = store;
        this.metrics = metrics;
        this.page = new PageRoutes(live, quickPicks, new FeatureHistory(store), new LoopJournalTail(bundles.root()),
                (ctx, work) -> blocking(ctx, work, body -> json(ctx, 200, body)));
        // read now, so a missing or malformed file stops the start with its name rather than the first event write
        this.producerAuth = config.producerTokens() == null ? null : ProducerAuth.create(ProducerTokens.fromFile(
                config.producerTokens(), java.time.Clock.systemUTC(),
                () -> metrics.countError(ErrorKind.PRODUCER_TOKENS_RELOAD)), metrics);
        this.workers = vertx.createSharedWorkerExecutor("ranker-workers", config.workers());
        long queueDelayTarget = config.maxQueueMillis() * 1_000_000L;
        this.queueDelay = new QueueDelayControl(queueDelayTarget,
                Math.max(QUEUE_DELAY_INTERVAL_NANOS, queueDelayTarget));
        try (InputStream in = RankerServer.class.getClassLoader().getResourceAsStream(OPENAPI)) {
            if (in == null) {
                throw new IllegalStateException(OPENAPI + " is missing from the classpath");
            }
            this.openApiDocument = in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + OPENAPI, e);
        }
    }

    /** Starts listening; the future completes with the bound port. */
    public Future<Integer> start() {
        return OpenAPIContract.from(vertx, OPENAPI).compose(contract -> {
            RouterBuilder builder = RouterBuilder.create(vertx, contract, RequestExtractor.withBodyHandler());
            builder.rootHandler(new CountResponses());
            if (config.rateLimitPerClient() > 0) {
                builder.rootHandler(ClientRateLimit.create(config.rateLimitPerClient(),
                        TrustedProxies.parse(config.trustedProxies()), metrics));
            }
            builder.rootHandler(BodyHandler.create().setBodyLimit(config.bodyLimitBytes()).setHandleFileUploads(false));
            builder.rootHandler(RankerServer::refuseMalformedQuery);
            if (config.corsOrigin() != null) {
                builder.rootHandler(CorsHandler.create().addOrigin(config.corsOrigin()));
            }
            // admission first: under overload a refusal must cost as little as possible, validation included
            builder.getRoute("getRecommendations").setDoValidation(false).addHandler(this::admit)
                    .addHandler(new ParameterValidation(contract, "getRecommendations")).addHandler(this::recommend);
            // The document declares the two bearer tokens for clients; the server checks them itself (ProducerAuth,
            // and reload's constant-time compare), and events need none when no producer tokens are configured.
            builder.getRoute("postEvents").setDoSecurity(false);
            builder.getRoute("reloadModels").setDoSecurity(false);
            if (producerAuth != null) {
                builder.getRoute("postEvents").addHandler(producerAuth);
            }
            builder.getRoute("postEvents").addHandler(this::postEvents);
            builder.getRoute("getFeatures").addHandler(this::features);
            builder.getRoute("getFeatureHistory").addHandler(page::featureHistory);
            builder.getRoute("getLive").addHandler(page::live);
            builder.getRoute("getRecentUsers").addHandler(page::recentUsers);
            builder.getRoute("getLoopDecisions").addHandler(page::loopDecisions);
            builder.getRoute("getModels").addHandler(this::listModels);
            builder.getRoute("reloadModels").addHandler(this::reload);
            builder.getRoute("live").addHandler(ctx -> json(ctx, 200, Map.of("status", "up")));
            builder.getRoute("ready").addHandler(this::ready);
            builder.getRoute("metrics").addHandler(this::metrics);
            Router router = builder.createRouter();
            router.get("/openapi.yaml").handler(ctx -> ctx.response().putHeader("Content-Type", "application/yaml")
                    .end(io.vertx.core.buffer.Buffer.buffer(openApiDocument)));
            router.get("/vendor/uplot/*").handler(StaticHandler.create(UPLOT + WebJars.version("uplot") + "/dist"));
            ApiExplorer.mount(router);
            router.get("/*").handler(StaticHandler.create("webroot").setCachingEnabled(false));
            router.route().failureHandler(this::failure);
            router.errorHandler(404, ctx -> ErrorResponses.send(ctx, 404, "not_found",
                    "no route for " + ctx.request().method() + " " + ctx.request().path()));
            router.errorHandler(405, ctx -> ErrorResponses.send(ctx, 405, "method_not_allowed",
                    ctx.request().method() + " is not allowed on " + ctx.request().path()));
            router.errorHandler(413, ctx -> ErrorResponses.send(ctx, 413, "payload_too_large",
                    "the body is larger than " + config.bodyLimitBytes() + " bytes"));
            router.errorHandler(500, ctx -> {
                metrics.countError(ErrorKind.INTERNAL);
                ErrorResponses.send(ctx, 500, "internal_error", "the request failed inside the server");
            });
            // One server per core, each on its own event loop, sharing the port (Vert.x spreads connections over
            // them): with a single event loop, busy ranking workers starve it and requests wait in socket buffers,
            // where neither the in-flight limit nor the queue budget sees them.
            // Vert.x shares a port between servers asking for the same number, so port 0 is resolved first.
            int port = config.port() == 0 ? freePort() : config.port();
            HttpServerOptions options = new HttpServerOptions().setHost(config.host()).setPort(port)
                    .setMaxInitialLineLength(16 * 1024).setMaxHeaderSize(16 * 1024);
            if (config.tls() != null) {
                options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
                        .setCertPath(config.tls().certificate().toString())
                        .setKeyPath(config.tls().privateKey().toString()));
            }
            return vertx.deployVerticle(() -> new VerticleBase() {
                @Override
                public Future<?> start() {
                    return vertx.createHttpServer(options).requestHandler(router).listen().onSuccess(servers::add);
                }
            }, new DeploymentOptions().setInstances(Math.max(1, Runtime.getRuntime().availableProcessors())));
        }).map(id -> servers.get(0).actualPort());
    }

    private int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getByName(config.host()))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot find a free port on " + config.host(), e);
        }
    }

    private void failure(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
        if (failure instanceof ValidatorException invalid) {
            ErrorResponses.send(ctx, 400, "bad_request", invalid.getMessage());
        } else if (status == 413) {
            ErrorResponses.send(ctx, 413, "payload_too_large",
                    "the body is larger than " + config.bodyLimitBytes() + " bytes");
        } else if (status < 500) {
            ErrorResponses.send(ctx, status, ErrorResponses.codeFor(status),
                    failure == null || failure.getMessage() == null ? "request refused" : failure.getMessage());
        } else {
            metrics.countError(ErrorKind.INTERNAL);
            System.getLogger(RankerServer.class.getName()).log(System.Logger.Level.ERROR,
                    "request " + ctx.request().method() + " " + ctx.request().path() + " failed", failure);
            ErrorResponses.send(ctx, 500, "internal_error", "the request failed inside the server");
        }
    }

    /** A query string with a broken %-escape cannot be decoded; say so instead of failing inside the decoder. */
    private static void refuseMalformedQuery(RoutingContext ctx) {
        String query = ctx.request().query();
        if (query != null && !wellFormedPercentEncoding(query)) {
            ErrorResponses.send(ctx, 400, "bad_request", "the query string has a malformed %-escape");
            return;
        }
        ctx.next();
    }

    static boolean wellFormedPercentEncoding(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '%') {
                if (i + 2 >= text.length() || Character.digit(text.charAt(i + 1), 16) < 0
                        || Character.digit(text.charAt(i + 2), 16) < 0) {
                    return false;
                }
                i += 2;
            }
        }
        return true;
    }

    private static ValidatedRequest validated(RoutingContext ctx) {
        return ctx.get(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST);
    }

    private static String query(ValidatedRequest request, String name) {
        RequestParameter parameter = request.getQuery().get(name);
        return parameter == null || parameter.isNull() ? null : parameter.getString();
    }

    private void recommend(RoutingContext ctx) {
        ValidatedRequest request = validated(ctx);
        RequestParameter k = request.getQuery().get("k");
        RequestParameter explain = request.getQuery().get("explain");
        RequestParameter logImpressions = request.getQuery().get("impressions");
        String exclude = query(request, "exclude");
        Set<String> excluded = exclude == null || exclude.isBlank() ? Set.of()
                : new LinkedHashSet<>(Arrays.asList(exclude.split(",")));
        RecommendationService.Query query = new RecommendationService.Query(query(request, "user_id"),
                k == null || k.isNull() ? 10 : k.getInteger(), excluded, query(request, "surface"),
                explain != null && !explain.isNull() && explain.getBoolean(),
                logImpressions == null || logImpressions.isNull() || logImpressions.getBoolean());
        long accepted = ctx.get(ACCEPTED_AT);
        blocking(ctx, () -> {
            long now = System.nanoTime();
            long waited = now - accepted;
            metrics.queueWait.observe(waited / 1e9);
            return queueDelay.refuse(waited, now) ? null : body(recommendations.recommend(query));
        }, json -> {
            if (json == null) {
                shed(ctx, ShedReason.QUEUE_TIME, "requests are waiting more than " + config.maxQueueMillis()
                        + " ms for a ranking worker; retry shortly");
            } else {
                respond(ctx, 200, json);
            }
        });
    }

    /**
     * Admits a recommendation request, or refuses it at once with 503: no bundle yet, or {@code maxInFlight}
     * requests already being ranked or waiting for a worker. An admitted request counts as in flight until its
     * response ends (or its connection closes).
     */
    private void admit(RoutingContext ctx) {
        if (!models.loaded()) {
            ErrorResponses.send(ctx, 503, "unavailable", "no model bundle is loaded yet");
            return;
        }
        if (inFlight.incrementAndGet() > config.maxInFlight()) {
            inFlight.decrementAndGet();
            shed(ctx, ShedReason.IN_FLIGHT, "too many requests in flight; retry shortly");
            return;
        }
        metrics.inFlight.inc();
        ctx.addEndHandler(ended -> {
            inFlight.decrementAndGet();
            metrics.inFlight.dec();
        });
        ctx.put(ACCEPTED_AT, System.nanoTime());
        ctx.next();
    }

    /** 503 + Retry-After: under overload a quick refusal costs the client a retry, not unbounded latency. */
    private void shed(RoutingContext ctx, ShedReason reason, String message) {
        metrics.shed.inc();
        metrics.shedByReason.labels(reason.label()).inc();
        ctx.response().putHeader("Retry-After", "1");
        ErrorResponses.send(ctx, 503, "overloaded", message);
    }

    /**
     * The response, written field by field: building a map per item for the object mapper cost more than the
     * writing. Explanations, rare and nested, still go through the mapper.
     */
    private static String body(Recommendation recommendation) throws IOException {
        StringWriter text = new StringWriter(2048);
        try (JsonGenerator json = JSON.createGenerator(text)) {
            json.writeStartObject();
            json.writeStringField("request_id", recommendation.requestId());
            json.writeStringField("user_id", recommendation.userId());
            json.writeStringField("model_version", recommendation.modelVersion());
            json.writeStringField("experiment_arm", recommendation.experimentArm());
            json.writeBooleanField("degraded", recommendation.degraded());
            if (recommendation.degraded()) {
                json.writeObjectField("degraded_reasons", recommendation.degradedReasons());
            }
            json.writeObjectField("candidates", recommendation.candidatesPerStage());
            json.writeArrayFieldStart("items");
            for (Recommendation.Item item : recommendation.items()) {
                json.writeStartObject();
                json.writeStringField("item_id", item.itemId());
                json.writeNumberField("score", item.score());
                json.writeNumberField("position", item.position());
                json.writeStringField("source", item.source());
                if (item.category() != null) {
                    json.writeStringField("category", item.category());
                }
                if (item.explanation() != null) {
                    json.writeObjectField("explain", item.explanation());
                }
                if (item.propensity() != null) {
                    json.writeNumberField("propensity", item.propensity());
                }
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        }
        return text.toString();
    }

    private void postEvents(RoutingContext ctx) {
        String text = ctx.body().asString();
        blocking(ctx, () -> ingest.ingest(text), outcome -> {
            if (outcome.status() == 503) {
                ctx.response().putHeader("Retry-After", "5");
            }
            json(ctx, outcome.status(), outcome.body());
        });
    }

    private void features(RoutingContext ctx) {
        String entityText = validated(ctx).getPathParameters().get("entity").getString();
        EntityKey entity;
        try {
            entity = EntityKey.parse(entityText);
        } catch (IllegalArgumentException e) {
            ErrorResponses.send(ctx, 400, "bad_request", e.getMessage());
            return;
        }
        blocking(ctx, () -> store.readLatest(List.of(entity)).get(entity), vector -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("entity", entity.toString());
            body.put("at", java.time.Instant.ofEpochMilli(vector.at()).toString());
            body.put("features", vector.values());
            json(ctx, 200, body);
        });
    }

    private void listModels(RoutingContext ctx) {
        blocking(ctx, () -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("serving", models.describe());
            body.put("control", models.control() == null ? null : models.control().version());
            body.put("treatment", models.treatment() == null ? null : models.treatment().version());
            body.put("treatment_share", models.treatmentShare());
            body.put("current", bundles.current().orElse(null));
            body.put("bundles", bundles.list());
            return body;
        }, body -> json(ctx, 200, body));
    }

    private void reload(RoutingContext ctx) {
        if (!authorized(ctx.request().getHeader("Authorization"))) {
            ErrorResponses.send(ctx, 401, "unauthorized", config.adminToken() == null
                    ? "model reload is disabled: no admin token is configured"
                    : "model reload needs the header 'Authorization: Bearer <admin token>'");
            return;
        }
        ValidatedRequest request = validated(ctx);
        String version = query(request, "version");
        String treatment = query(request, "treatment");
        RequestParameter share = request.getQuery().get("treatment_share");
        double treatmentShare = share == null || share.isNull() ? 0.5 : share.getDouble();
        workers.executeBlocking(() -> {
            try {
                return Map.of("serving", models.reload(version, treatment, treatmentShare));
            } catch (BundleException | IllegalArgumentException e) {
                return Map.of("error", "bundle_refused", "message", e.getMessage(), "serving", models.describe());
            }
        }, false).onComplete(result -> {
            if (result.failed()) {
                metrics.countError(ErrorKind.RELOAD);
                ErrorResponses.send(ctx, 500, "internal_error", "reload failed: " + result.cause().getMessage());
            } else if (result.result().containsKey("error")) {
                metrics.countError(ErrorKind.BUNDLE_REFUSED);
                json(ctx, 409, result.result());
            } else {
                updateModelInfo();
                json(ctx, 200, result.result());
            }
        });
    }

    boolean authorized(String header) {
        if (config.adminToken() == null) {
            return false;
        }
        byte[] admin = config.adminToken().getBytes(StandardCharsets.UTF_8);
        return BearerToken.of(header).map(token -> BearerToken.matches(token, admin)).orElse(false);
    }

    public void updateModelInfo() {
        metrics.nowServing(models.versionsByArm());
        if (models.control() != null) {
            metrics.drift.follow(models.control());
        }
    }

    private void ready(RoutingContext ctx) {
        blocking(ctx, () -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("bundle", models.loaded() ? models.describe() : null);
            boolean storeUp;
            try {
                store.latestRow(EntityKey.GLOBAL);
                storeUp = true;
            } catch (RuntimeException e) {
                storeUp = false;
                body.put("store_error", e.getMessage());
            }
            body.put("store", storeUp ? "up" : "down");
            storeAnsweredOnce |= storeUp;
            // Once the store has answered, an outage does not take the pod out of its Service: answers are then
            // served degraded from held features (the breaker skips the store), which beats no answer at all.
            body.put("ready", models.loaded() && storeAnsweredOnce);
            return body;
        }, body -> json(ctx, Boolean.TRUE.equals(body.get("ready")) ? 200 : 503, body));
    }

    private void metrics(RoutingContext ctx) {
        StringWriter writer = new StringWriter();
        try {
            TextFormat.write004(writer, metrics.registry.metricFamilySamples());
        } catch (IOException e) {
            ErrorResponses.send(ctx, 500, "internal_error", "cannot write metrics");
            return;
        }
        ctx.response().putHeader("Content-Type", TextFormat.CONTENT_TYPE_004).end(writer.toString());
    }

    private <T> void blocking(RoutingContext ctx, Callable<T> work, java.util.function.Consumer<T> onSuccess) {
        workers.executeBlocking(work, false).onComplete(result -> {
            if (result.succeeded()) {
                onSuccess.accept(result.result());
            } else if (result.cause() instanceof StoreUnavailableException down) {
                // the client did nothing wrong and the same request will work once the store is back
                ctx.response().putHeader("Retry-After", STORE_RETRY_AFTER_SECONDS);
                ErrorResponses.send(ctx, 503, "store_unavailable", down.getMessage());
            } else {
                ctx.fail(500, result.cause());
            }
        });
    }

    private void json(RoutingContext ctx, int status, Object body) {
        String text;
        try {
            text = JSON.writeValueAsString(body);
        } catch (IOException e) {
            ctx.fail(500, e);
            return;
        }
        respond(ctx, status, text);
    }

    /**
     * Counts every answer when it ends, by its path: refusals and errors too, including a body
     * refused for its size, which is why it runs as a platform handler, before the body is read.
     */
    private final class CountResponses implements PlatformHandler {
        @Override
        public void handle(RoutingContext ctx) {
            String route = routeLabel(ctx.request().path());
            ctx.addEndHandler(ended -> metrics.responses.labels(route,
                    Integer.toString(ctx.response().getStatusCode())).inc());
            ctx.next();
        }
    }

    /** The API's own paths as they are; anything else (the page's files, unknown paths) as "other", to bound labels. */
    static String routeLabel(String path) {
        if (path == null) {
            return "other";
        }
        if (path.startsWith("/v1/features/")) {
            return path.endsWith("/history") ? "/v1/features/{entity}/history" : "/v1/features/{entity}";
        }
        return API_PATHS.contains(path) ? path : "other";
    }

    private void respond(RoutingContext ctx, int status, String json) {
        if (ctx.response().closed()) {
            return;
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(json);
    }

    @Override
    public void close() {
        for (HttpServer server : servers) {
            server.close().await();
        }
        workers.close();
    }
}
