package io.recsys.api.http;

import io.prometheus.client.exporter.common.TextFormat;
import io.recsys.api.ApiConfig;
import io.recsys.api.live.LiveSampler;
import io.recsys.api.serving.ApiMetrics;
import io.recsys.api.serving.ErrorKind;
import io.recsys.api.serving.EventIngest;
import io.recsys.api.serving.FeatureHistory;
import io.recsys.api.serving.LoopJournalTail;
import io.recsys.api.serving.QuickPicks;
import io.recsys.api.serving.RecommendationService;
import io.recsys.api.serving.ServingModels;
import io.recsys.models.bundle.BundleException;
import io.recsys.models.bundle.BundleRegistry;
import io.recsys.schema.feature.EntityKey;
import io.recsys.store.OfflineStore;
import io.recsys.store.OnlineStore;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;
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
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The HTTP face of the ranker on Vert.x: one place that builds the {@link Router}, each route a small
 * {@code handleXxx} method or a handler of its own. Routes come from the OpenAPI document (served at /openapi.yaml),
 * which also validates every request; ranking, JDBC and Kafka waits run on the {@link Workers} pool, never on the
 * event loop, and the server runs one instance per core, each on its own event loop.
 *
 * <p>What every request passes, in order: {@link CountResponses} (every answer counted by route and status),
 * {@link ClientRateLimit} (if a quota is set), the body limit, {@link WellFormedQuery}, CORS (if an origin is set).
 * Then per route: recommendations go through {@link AdmissionControl} before validation, event writes through
 * {@link ProducerAuth} (if producer tokens are set), reload through {@link AdminAuth}; readiness is
 * {@link Readiness}.
 */
public final class RankerServer implements AutoCloseable {

    /** The charting library's files, from its webjar on the classpath: the page loads nothing from elsewhere. */
    private static final String UPLOT = "META-INF/resources/webjars/uplot/";
    private static final String OPENAPI = "openapi.yaml";

    private final Vertx vertx;
    private final ApiConfig config;
    private final RecommendationService recommendations;
    private final EventIngest ingest;
    private final ServingModels models;
    private final BundleRegistry bundles;
    private final OnlineStore features;
    private final ApiMetrics metrics;
    private final Workers workers;
    private final byte[] openApiDocument;
    private final PageRoutes page;
    private final List<HttpServer> servers = new CopyOnWriteArrayList<>();

    private final AdmissionControl admission;
    private final AdminAuth adminAuth;
    private final Readiness readiness;
    /** Guards POST /v1/events; null when event writes are open. */
    private final ProducerAuth producerAuth;

    /**
     * @param features   the latest features, for GET /v1/features/{entity}
     * @param history    features as of past times, for the page's feature history
     * @param storeProbe whether the store answers, for readiness
     */
    public RankerServer(Vertx vertx, ApiConfig config, RecommendationService recommendations, EventIngest ingest,
                        ServingModels models, BundleRegistry bundles, OnlineStore features, OfflineStore history,
                        StoreProbe storeProbe, ApiMetrics metrics, LiveSampler live, QuickPicks quickPicks) {
        this.vertx = vertx;
        this.config = config;
        this.recommendations = recommendations;
        this.ingest = ingest;
        this.models = models;
        this.bundles = bundles;
        this.features = features;
        this.metrics = metrics;
        // read now, so a missing or malformed file stops the start with its name rather than the first event write
        this.producerAuth = config.producerTokens() == null ? null : ProducerAuth.create(ProducerTokens.fromFile(
                config.producerTokens(), Clock.systemUTC(),
                () -> metrics.countError(ErrorKind.PRODUCER_TOKENS_RELOAD)), metrics);
        this.workers = Workers.create(vertx, config.workers());
        this.page = new PageRoutes(live, quickPicks, new FeatureHistory(history), new LoopJournalTail(bundles.root()),
                (ctx, work) -> workers.answer(ctx, work, body -> JsonResponses.send(ctx, 200, body)));
        this.admission = AdmissionControl.create(models::loaded, config.maxInFlight(), config.maxQueueMillis(),
                metrics);
        this.adminAuth = AdminAuth.create(config.adminToken());
        this.readiness = Readiness.create(models, storeProbe, workers);
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
            Router router = router(contract);
            // One server per core, each on its own event loop, sharing the port (Vert.x spreads connections over
            // them): with a single event loop, busy ranking workers starve it and requests wait in socket buffers,
            // where neither the in-flight limit nor the queue budget sees them.
            // Vert.x shares a port between servers asking for the same number, so port 0 is resolved first.
            int port = config.port() == 0 ? FreePort.on(config.host()) : config.port();
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

    /** Routes to handlers, nothing else. */
    private Router router(OpenAPIContract contract) {
        RouterBuilder builder = RouterBuilder.create(vertx, contract, RequestExtractor.withBodyHandler());
        builder.rootHandler(CountResponses.create(metrics));
        if (config.rateLimitPerClient() > 0) {
            builder.rootHandler(ClientRateLimit.create(config.rateLimitPerClient(),
                    TrustedProxies.parse(config.trustedProxies()), metrics));
        }
        builder.rootHandler(BodyHandler.create().setBodyLimit(config.bodyLimitBytes()).setHandleFileUploads(false));
        builder.rootHandler(WellFormedQuery.create());
        if (config.corsOrigin() != null) {
            builder.rootHandler(CorsHandler.create().addOrigin(config.corsOrigin()));
        }
        // admission first: under overload a refusal must cost as little as possible, validation included
        builder.getRoute("getRecommendations").setDoValidation(false).addHandler(admission)
                .addHandler(new ParameterValidation(contract, "getRecommendations"))
                .addHandler(this::handleRecommend);
        // The document declares the two bearer tokens for clients; the server checks them itself (ProducerAuth,
        // AdminAuth), and events need none when no producer tokens are configured.
        builder.getRoute("postEvents").setDoSecurity(false);
        builder.getRoute("reloadModels").setDoSecurity(false);
        if (producerAuth != null) {
            builder.getRoute("postEvents").addHandler(producerAuth);
        }
        builder.getRoute("postEvents").addHandler(this::handlePostEvents);
        builder.getRoute("getFeatures").addHandler(this::handleFeatures);
        builder.getRoute("getFeatureHistory").addHandler(page::featureHistory);
        builder.getRoute("getLive").addHandler(page::live);
        builder.getRoute("getRecentUsers").addHandler(page::recentUsers);
        builder.getRoute("getLoopDecisions").addHandler(page::loopDecisions);
        builder.getRoute("getModels").addHandler(this::handleListModels);
        builder.getRoute("reloadModels").addHandler(adminAuth).addHandler(this::handleReload);
        builder.getRoute("live").addHandler(ctx -> JsonResponses.send(ctx, 200, Map.of("status", "up")));
        builder.getRoute("ready").addHandler(readiness);
        builder.getRoute("metrics").addHandler(this::handleMetrics);
        Router router = builder.createRouter();
        router.get("/openapi.yaml").handler(ctx -> ctx.response().putHeader("Content-Type", "application/yaml")
                .end(Buffer.buffer(openApiDocument)));
        router.get("/vendor/uplot/*").handler(StaticHandler.create(UPLOT + WebJars.version("uplot") + "/dist"));
        ApiExplorer.mount(router);
        router.get("/*").handler(StaticHandler.create("webroot").setCachingEnabled(false));
        router.route().failureHandler(this::handleFailure);
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
        return router;
    }

    private void handleFailure(RoutingContext ctx) {
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

    private static ValidatedRequest validated(RoutingContext ctx) {
        return ctx.get(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST);
    }

    private static String query(ValidatedRequest request, String name) {
        RequestParameter parameter = request.getQuery().get(name);
        return parameter == null || parameter.isNull() ? null : parameter.getString();
    }

    private void handleRecommend(RoutingContext ctx) {
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
        long accepted = AdmissionControl.acceptedAt(ctx);
        workers.answer(ctx, () -> admission.refuseLate(accepted) ? null
                : RecommendationJson.write(recommendations.recommend(query)), json -> {
            if (json == null) {
                admission.shedLate(ctx);
            } else {
                JsonResponses.sendText(ctx, 200, json);
            }
        });
    }

    private void handlePostEvents(RoutingContext ctx) {
        String text = ctx.body().asString();
        workers.answer(ctx, () -> ingest.ingest(text), outcome -> {
            if (outcome.status() == 503) {
                ctx.response().putHeader("Retry-After", "5");
            }
            JsonResponses.send(ctx, outcome.status(), outcome.body());
        });
    }

    private void handleFeatures(RoutingContext ctx) {
        String entityText = validated(ctx).getPathParameters().get("entity").getString();
        EntityKey entity;
        try {
            entity = EntityKey.parse(entityText);
        } catch (IllegalArgumentException e) {
            ErrorResponses.send(ctx, 400, "bad_request", e.getMessage());
            return;
        }
        workers.answer(ctx, () -> features.readLatest(List.of(entity)).get(entity), vector -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("entity", entity.toString());
            body.put("at", Instant.ofEpochMilli(vector.at()).toString());
            body.put("features", vector.values());
            JsonResponses.send(ctx, 200, body);
        });
    }

    private void handleListModels(RoutingContext ctx) {
        workers.answer(ctx, () -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("serving", models.describe());
            body.put("control", models.control() == null ? null : models.control().version());
            body.put("treatment", models.treatment() == null ? null : models.treatment().version());
            body.put("treatment_share", models.treatmentShare());
            body.put("current", bundles.current().orElse(null));
            body.put("bundles", bundles.list());
            return body;
        }, body -> JsonResponses.send(ctx, 200, body));
    }

    /** Behind {@link AdminAuth}. */
    private void handleReload(RoutingContext ctx) {
        ValidatedRequest request = validated(ctx);
        String version = query(request, "version");
        String treatment = query(request, "treatment");
        RequestParameter share = request.getQuery().get("treatment_share");
        double treatmentShare = share == null || share.isNull() ? 0.5 : share.getDouble();
        workers.execute(() -> {
            try {
                return Map.of("serving", models.reload(version, treatment, treatmentShare));
            } catch (BundleException | IllegalArgumentException e) {
                return Map.of("error", "bundle_refused", "message", e.getMessage(), "serving", models.describe());
            }
        }).onComplete(result -> {
            if (result.failed()) {
                metrics.countError(ErrorKind.RELOAD);
                ErrorResponses.send(ctx, 500, "internal_error", "reload failed: " + result.cause().getMessage());
            } else if (result.result().containsKey("error")) {
                metrics.countError(ErrorKind.BUNDLE_REFUSED);
                JsonResponses.send(ctx, 409, result.result());
            } else {
                updateModelInfo();
                JsonResponses.send(ctx, 200, result.result());
            }
        });
    }

    public void updateModelInfo() {
        metrics.nowServing(models.versionsByArm());
        if (models.control() != null) {
            metrics.drift.follow(models.control());
        }
    }

    private void handleMetrics(RoutingContext ctx) {
        StringWriter writer = new StringWriter();
        try {
            TextFormat.write004(writer, metrics.registry.metricFamilySamples());
        } catch (IOException e) {
            ErrorResponses.send(ctx, 500, "internal_error", "cannot write metrics");
            return;
        }
        ctx.response().putHeader("Content-Type", TextFormat.CONTENT_TYPE_004).end(writer.toString());
    }

    @Override
    public void close() {
        for (HttpServer server : servers) {
            server.close().await();
        }
        workers.close();
    }
}
