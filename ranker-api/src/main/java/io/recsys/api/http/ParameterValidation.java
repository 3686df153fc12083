package io.recsys.api.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.json.schema.JsonSchemaValidationException;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import io.vertx.json.schema.common.dsl.SchemaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.contract.Style;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.ValidatedRequest;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.ValidatedRequestImpl;
import io.vertx.openapi.validation.transformer.FormTransformer;
import io.vertx.openapi.validation.transformer.LabelTransformer;
import io.vertx.openapi.validation.transformer.MatrixTransformer;
import io.vertx.openapi.validation.transformer.ParameterTransformer;
import io.vertx.openapi.validation.transformer.SimpleTransformer;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Validates the parameters of one body-less operation against the OpenAPI contract, with the same transformers,
 * schemas, errors and routing-context key as vertx-openapi's own request validation, but with each parameter's
 * schema validator built once and run on the event loop. vertx-openapi 5.0 builds a validator per parameter per
 * request (copying every schema of the contract) on the shared worker pool: under load that was a fifth of the
 * CPU of a recommendation, plus a thread hop each way. The route it replaces runs with {@code setDoValidation(false)}.
 */
final class ParameterValidation implements Handler<RoutingContext> {

    private final Operation operation;
    private final RequestExtractor extractor = RequestExtractor.withBodyHandler();
    private final Map<Style, ParameterTransformer> transformers = new EnumMap<>(Style.class);
    private final Map<Parameter, Validator> validators = new HashMap<>();

    ParameterValidation(OpenAPIContract contract, String operationId) {
        this.operation = contract.operation(operationId);
        if (operation.getRequestBody() != null) {
            throw new IllegalArgumentException(operationId + " has a request body; this validates parameters only");
        }
        transformers.put(Style.SIMPLE, new SimpleTransformer());
        transformers.put(Style.LABEL, new LabelTransformer());
        transformers.put(Style.MATRIX, new MatrixTransformer());
        transformers.put(Style.FORM, new FormTransformer());
        for (Parameter parameter : operation.getParameters()) {
            validators.put(parameter, contract.getSchemaRepository().validator(parameter.getSchema()));
        }
    }

    @Override
    public void handle(RoutingContext ctx) {
        extractor.extractValidatableRequest(ctx, operation).onComplete(extracted -> {
            ValidatedRequest validated;
            try {
                if (extracted.failed()) {
                    throw extracted.cause();
                }
                validated = validate(extracted.result());
            } catch (ValidatorException e) {
                ctx.fail(new HttpException(400, e.getMessage(), e));
                return;
            } catch (Throwable e) {
                ctx.fail(e);
                return;
            }
            ctx.put(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST, validated);
            ctx.next();
        });
    }

    private ValidatedRequest validate(ValidatableRequest request) {
        Map<String, RequestParameter> cookies = new HashMap<>();
        Map<String, RequestParameter> headers = new HashMap<>();
        Map<String, RequestParameter> path = new HashMap<>();
        Map<String, RequestParameter> query = new HashMap<>();
        List<Parameter> parameters = operation.getParameters();
        for (Parameter parameter : parameters) {
            switch (parameter.getIn()) {
                case COOKIE -> cookies.put(parameter.getName(),
                        validate(parameter, request.getCookies().get(parameter.getName())));
                case HEADER -> headers.put(parameter.getName(),
                        validate(parameter, request.getHeaders().get(parameter.getName())));
                case PATH -> path.put(parameter.getName(),
                        validate(parameter, request.getPathParameters().get(parameter.getName())));
                case QUERY -> query.put(parameter.getName(),
                        validate(parameter, request.getQuery().get(parameter.getName())));
            }
        }
        return new ValidatedRequestImpl(cookies, headers, path, query, new RequestParameterImpl(null));
    }

    /**
     * Whether the transformer would return this value of a string parameter as it is, decided without running it.
     * The transformer tries every value but a run of letters and digits as JSON first and, when that fails, again
     * in quotes: an id such as {@code bench-u42} cost two exceptions with stack traces on the event loop per request.
     * A form or simple value that starts with a letter (so is no JSON number, and no literal unless it is all
     * letters, which the transformer returns as it is) and holds only printable ASCII other than the quote and
     * backslash (nothing a JSON string escapes) comes back unchanged. Checked against the transformer in
     * ParameterValidationTest.
     */
    static boolean unchangedByTransformer(Parameter parameter, String raw) {
        if (parameter.getSchemaType() != SchemaType.STRING
                || (parameter.getStyle() != Style.FORM && parameter.getStyle() != Style.SIMPLE)
                || raw.isEmpty() || !isAsciiLetter(raw.charAt(0))) {
            return false;
        }
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private RequestParameter validate(Parameter parameter, RequestParameter value) {
        if (value == null || value.isNull()) {
            if (parameter.isRequired()) {
                throw ValidatorException.createMissingRequiredParameter(parameter);
            }
            return new RequestParameterImpl(null);
        }
        ParameterTransformer transformer = transformers.get(parameter.getStyle());
        if (transformer == null) {
            throw ValidatorException.createUnsupportedValueFormat(parameter);
        }
        String raw = String.valueOf(value.get());
        Object transformed = unchangedByTransformer(parameter, raw) ? raw : transformer.transform(parameter, raw);
        OutputUnit result = validators.get(parameter).validate(transformed);
        try {
            result.checkValidity();
            return new RequestParameterImpl(transformed);
        } catch (JsonSchemaValidationException e) {
            throw SchemaValidationException.createErrorFromOutputUnitType(parameter, result, e);
        }
    }
}
