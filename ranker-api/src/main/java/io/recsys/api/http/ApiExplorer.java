package io.recsys.api.http;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * Swagger UI at {@value #PATH}/ over the document at /openapi.yaml. The page and its start script are this module's
 * ({@code explorer/}); Swagger UI's own files come from its webjar on the classpath, so the page loads nothing from
 * another host.
 */
final class ApiExplorer {

    static final String PATH = "/docs";
    private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";
    private static final String WEBJAR_PROPERTIES = "META-INF/maven/org.webjars/swagger-ui/pom.properties";

    private ApiExplorer() {
    }

    /** Adds the explorer's routes; call before any catch-all route. */
    static void mount(Router router) {
        // Vert.x matches "/docs" for "/docs/" too; only the bare path is sent on, so relative links resolve under it
        router.get(PATH).handler(ctx -> {
            if (ctx.request().path().equals(PATH)) {
                ctx.redirect(PATH + "/");
            } else {
                ctx.next();
            }
        });
        router.get(PATH + "/swagger-ui/*").handler(StaticHandler.create(WEBJAR + swaggerUiVersion())
                .setCachingEnabled(false));
        router.get(PATH + "/*").handler(StaticHandler.create("explorer").setCachingEnabled(false));
    }

    /** The webjar's files sit under its version, which only its Maven metadata tells. */
    private static String swaggerUiVersion() {
        try (InputStream in = ApiExplorer.class.getClassLoader().getResourceAsStream(WEBJAR_PROPERTIES)) {
            if (in == null) {
                throw new IllegalStateException(WEBJAR_PROPERTIES + " is missing from the classpath: the"
                        + " org.webjars:swagger-ui dependency of ranker-api is not there");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + WEBJAR_PROPERTIES, e);
        }
    }
}
