package com.acme.mpc.gateway.api;

import com.acme.mpc.gateway.config.ConfigHolder;
import com.acme.mpc.gateway.config.GatewaySettings;
import com.acme.mpc.gateway.core.CallType;
import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.health.HealthHandler;
import com.acme.mpc.gateway.logging.RequestIdHandler;
import com.acme.mpc.gateway.service.CallPipeline;
import com.acme.mpc.gateway.service.MediaPipeline;
import com.acme.mpc.gateway.surface.anthropic.AnthropicErrorShape;
import com.acme.mpc.gateway.surface.anthropic.CountTokensHandler;
import com.acme.mpc.gateway.surface.anthropic.MessagesSurface;
import com.acme.mpc.gateway.surface.media.ImageGenerationSurface;
import com.acme.mpc.gateway.surface.media.MediaSurface;
import com.acme.mpc.gateway.surface.media.ModerationSurface;
import com.acme.mpc.gateway.surface.media.RerankSurface;
import com.acme.mpc.gateway.surface.media.SpeechSurface;
import com.acme.mpc.gateway.surface.media.TranscriptionSurface;
import com.acme.mpc.gateway.surface.openai.OpenAiSurface;
import com.acme.mpc.gateway.surface.responses.ResponsesEntry;
import com.acme.mpc.gateway.surface.responses.ResponsesSettings;
import com.acme.mpc.gateway.surface.responses.ResponsesStore;
import com.acme.mpc.gateway.surface.responses.ResponsesSurface;
import com.acme.mpc.gateway.surface.responses.StoredResponsesHandler;
import com.acme.mpc.gateway.tracing.GatewayTracing;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.quarkus.arc.All;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiConsumer;
import org.jboss.logging.Logger;

/**
 * The gateway's HTTP routes, each path also under {@code /v1}: every model call goes through the one
 * {@link CallPipeline} with the {@link com.acme.mpc.gateway.surface.Surface} of its API format. Plain Vert.x routes:
 * the hot path runs on the event loop with one body parse and no per-request reflection.
 */
@ApplicationScoped
public class GatewayRoutes {
    private static final Logger LOG = Logger.getLogger(GatewayRoutes.class);

    private final CallPipeline pipeline;
    private final MediaPipeline media;
    private final OpenAiSurface chat;
    private final OpenAiSurface completions;
    private final OpenAiSurface embeddings;
    private final MessagesSurface messages;
    private final ResponsesSurface responses;
    private final StoredResponsesHandler storedResponses;
    private final ResponsesEntry responsesEntry;
    private final CountTokensHandler countTokens;
    private final ModelsHandler models;
    private final ModelStateHandler modelState;
    private final HealthHandler health;
    private final Authenticator authenticator;
    private final GatewaySettings settings;
    private final List<PrometheusMeterRegistry> prometheus;

    /** tracing: names the request id on the edge span. */
    @Inject
    GatewayTracing tracing;

    public GatewayRoutes(
            CallPipeline pipeline,
            MediaPipeline media,
            ConfigHolder holder,
            CountTokensHandler countTokens,
            ResponsesStore responsesStore,
            ResponsesSettings responsesSettings,
            StoredResponsesHandler storedResponses,
            ResponsesEntry responsesEntry,
            ModelsHandler models,
            ModelStateHandler modelState,
            HealthHandler health,
            Authenticator authenticator,
            GatewaySettings settings,
            @All List<PrometheusMeterRegistry> prometheus) {
        this.pipeline = pipeline;
        this.media = media;
        this.chat = new OpenAiSurface(CallType.CHAT_COMPLETION, holder::config);
        this.completions = new OpenAiSurface(CallType.TEXT_COMPLETION, holder::config);
        this.embeddings = new OpenAiSurface(CallType.EMBEDDING, holder::config);
        this.messages = new MessagesSurface(holder::config);
        this.responses = new ResponsesSurface(holder::config, responsesStore, responsesSettings);
        this.storedResponses = storedResponses;
        this.responsesEntry = responsesEntry;
        this.countTokens = countTokens;
        this.models = models;
        this.modelState = modelState;
        this.health = health;
        this.authenticator = authenticator;
        this.settings = settings;
        this.prometheus = prometheus;
    }

    void register(@Observes Router router) {
        router.route().order(RequestIdHandler.ORDER).handler(new RequestIdHandler(tracing));
        BodyHandler body =
                BodyHandler.create(false).setBodyLimit(settings.maxBodySize()).setHandleFileUploads(false);
        // multipart uploads are spooled to disk as they arrive (never held in memory) and deleted when the call ends
        BodyHandler uploads = BodyHandler.create(uploadsDirectory())
                .setBodyLimit(settings.maxUploadSize())
                .setHandleFileUploads(true)
                .setDeleteUploadedFilesOnEnd(true)
                .setMergeFormAttributes(false);
        MediaSurface imageGeneration = new ImageGenerationSurface(false);
        MediaSurface imageEdit = new ImageGenerationSurface(true);
        MediaSurface transcription = new TranscriptionSurface(false);
        MediaSurface translation = new TranscriptionSurface(true);
        MediaSurface speech = new SpeechSurface();
        MediaSurface moderation = new ModerationSurface();
        MediaSurface rerank = new RerankSurface();
        long json = settings.maxBodySize();
        long upload = settings.maxUploadSize();
        for (String prefix : List.of("", "/v1")) {
            post(router, prefix + "/chat/completions", body, ctx -> pipeline.handle(ctx, chat));
            post(router, prefix + "/completions", body, ctx -> pipeline.handle(ctx, completions));
            post(router, prefix + "/embeddings", body, ctx -> pipeline.handle(ctx, embeddings));
            post(
                    router,
                    prefix + "/responses",
                    body,
                    ctx -> responsesEntry.handle(ctx, c -> pipeline.handle(c, responses)));
            router.get(prefix + "/responses/:id")
                    .handler(storedResponses::retrieve)
                    .failureHandler(this::failure);
            router.delete(prefix + "/responses/:id")
                    .handler(storedResponses::delete)
                    .failureHandler(this::failure);
            get(router, prefix + "/responses/:id/input_items", storedResponses::inputItems);
            post(router, prefix + "/responses/:id/cancel", body, storedResponses::cancel);
            post(router, prefix + "/images/generations", body, json, ctx -> media.handle(ctx, imageGeneration));
            post(router, prefix + "/images/edits", uploads, upload, ctx -> media.handle(ctx, imageEdit));
            post(router, prefix + "/audio/transcriptions", uploads, upload, ctx -> media.handle(ctx, transcription));
            post(router, prefix + "/audio/translations", uploads, upload, ctx -> media.handle(ctx, translation));
            post(router, prefix + "/audio/speech", body, json, ctx -> media.handle(ctx, speech));
            post(router, prefix + "/moderations", body, json, ctx -> media.handle(ctx, moderation));
            post(router, prefix + "/rerank", body, json, ctx -> media.handle(ctx, rerank));
            // a model id may hold slashes (openai/gpt-4o): everything after /models/ is the id
            router.getWithRegex(prefix + "/models/(?<id>.+)")
                    .handler(authenticated(models::model))
                    .failureHandler(this::failure);
            get(router, prefix + "/models", authenticated(models::models));
            get(router, prefix + "/model/info", authenticated(models::modelInfo));
        }
        post(router, "/v2/rerank", body, json, ctx -> media.handle(ctx, rerank));
        // Azure OpenAI's paths, so Azure OpenAI SDK clients work unchanged: the deployment in the path is the model
        // (api-version is accepted and not needed; the api-key header authenticates as Authorization does)
        for (String op : List.of("chat/completions", "completions", "embeddings")) {
            OpenAiSurface surface =
                    op.equals("chat/completions") ? chat : op.equals("completions") ? completions : embeddings;
            post(router, "/openai/deployments/:deployment/" + op, body, json, ctx -> {
                AzurePaths.modelFromPath(ctx);
                pipeline.handle(ctx, surface);
            });
        }
        get(router, "/v2/model/info", authenticated(models::modelInfoV2));
        get(router, "/model_group/info", authenticated(models::modelGroupInfo));
        get(router, "/model/state", modelState::state);
        // Anthropic's Messages API; /anthropic/v1 is the base URL LiteLLM documents for Anthropic clients
        for (String prefix : List.of("/v1", "/anthropic/v1")) {
            post(router, prefix + "/messages", body, ctx -> pipeline.handle(ctx, messages), AnthropicErrorShape::write);
            post(router, prefix + "/messages/count_tokens", body, countTokens::handle, AnthropicErrorShape::write);
        }
        get(router, "/health/liveliness", health::liveliness);
        get(router, "/health/liveness", health::liveliness);
        get(router, "/health/readiness", health::readiness);
        // master key only: it makes one provider call per deployment and shows their api_base (as /model/info does)
        get(router, "/health", masterOnly(health::deep));
        get(router, "/metrics", this::metrics);
        // an unknown /v1 path (any method) is a 404 written by HttpLayerErrors in the path's API shape
        router.route("/v1/*").order(10_000).handler(ctx -> ctx.fail(404));
    }

    private void post(Router router, String path, BodyHandler body, Handler<RoutingContext> handler) {
        post(router, path, body, settings.maxBodySize(), handler, ApiErrors::write);
    }

    private void post(Router router, String path, BodyHandler body, long limit, Handler<RoutingContext> handler) {
        post(router, path, body, limit, handler, ApiErrors::write);
    }

    private void post(
            Router router,
            String path,
            BodyHandler body,
            Handler<RoutingContext> handler,
            BiConsumer<HttpServerResponse, GatewayException> errors) {
        post(router, path, body, settings.maxBodySize(), handler, errors);
    }

    private String uploadsDirectory() {
        return settings.uploadsDirectory()
                .orElse(Path.of(System.getProperty("java.io.tmpdir"), "mpc-gateway-uploads")
                        .toString());
    }

    /**
     * A POST route whose HTTP-level errors (405, 413 above {@code limit} bytes, malformed) are written by
     * {@code errors} (the surface's shape).
     */
    private void post(
            Router router,
            String path,
            BodyHandler body,
            long limit,
            Handler<RoutingContext> handler,
            BiConsumer<HttpServerResponse, GatewayException> errors) {
        router.post(path).handler(body).handler(handler).failureHandler(ctx -> failure(ctx, errors, limit));
        router.route(path).handler(ctx -> methodNotAllowed(ctx, "POST", errors));
    }

    private void get(Router router, String path, Handler<RoutingContext> handler) {
        router.get(path).handler(handler).failureHandler(this::failure);
    }

    private Handler<RoutingContext> authenticated(Handler<RoutingContext> handler) {
        // master or virtual key (looked up without blocking); the caller is kept for the handler (/models filters)
        return ctx -> authenticator
                .authenticateAsync(ctx.request())
                .subscribe()
                .with(
                        caller -> {
                            ctx.put(Caller.CONTEXT_KEY, caller);
                            try {
                                handler.handle(ctx);
                            } catch (RuntimeException e) {
                                // a handler's bug must answer (500), not leave the request hanging
                                LOG.errorf(
                                        e,
                                        "%s %s failed",
                                        ctx.request().method(),
                                        ctx.request().path());
                                if (!ctx.response().ended()) {
                                    ApiErrors.write(
                                            ctx.response(),
                                            new GatewayException(
                                                    500, "api_error", "internal gateway error", null, null, false));
                                }
                            }
                        },
                        e -> ApiErrors.write(
                                ctx.response(),
                                e instanceof GatewayException g
                                        ? g
                                        : new GatewayException(
                                                500, "api_error", "internal gateway error", null, null, false)));
    }

    private Handler<RoutingContext> masterOnly(Handler<RoutingContext> handler) {
        return ctx -> {
            try {
                authenticator.authenticate(ctx.request());
            } catch (GatewayException e) {
                ApiErrors.write(
                        ctx.response(),
                        Authenticator.presentedKey(ctx.request()) == null
                                ? e
                                : GatewayException.unauthorized(ctx.request().path()
                                        + " needs the master key; it was called with another key"));
                return;
            }
            handler.handle(ctx);
        };
    }

    private void metrics(RoutingContext ctx) {
        if (prometheus.isEmpty()) {
            ctx.response().setStatusCode(404).end();
            return;
        }
        String text = prometheus.get(0).scrape();
        ctx.response()
                .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
                .end(text);
    }

    private static void methodNotAllowed(
            RoutingContext ctx, String allowed, BiConsumer<HttpServerResponse, GatewayException> errors) {
        ctx.response().putHeader("allow", allowed);
        errors.accept(
                ctx.response(),
                new GatewayException(
                        405,
                        "invalid_request_error",
                        ctx.request().method() + " is not allowed on "
                                + ctx.request().path() + "; use " + allowed,
                        null,
                        "method_not_allowed",
                        false));
    }

    private void failure(RoutingContext ctx) {
        failure(ctx, ApiErrors::write, settings.maxBodySize());
    }

    private void failure(RoutingContext ctx, BiConsumer<HttpServerResponse, GatewayException> errors, long limit) {
        int status = ctx.statusCode();
        if (status < 400 && ctx.request().bytesRead() > limit) {
            // an upload cut at the limit may fail its spooling pipe ("Pipe closed") before the body limit reports
            status = 413;
        }
        if (status == 413) {
            errors.accept(
                    ctx.response(),
                    new GatewayException(
                            413,
                            "invalid_request_error",
                            "request body larger than " + limit + " bytes",
                            null,
                            "request_too_large",
                            false));
            return;
        }
        if (status >= 400 && status < 500) {
            errors.accept(ctx.response(), HttpLayerErrors.clientError(ctx, status, limit));
            return;
        }
        LOG.error("unhandled failure on " + ctx.request().path(), ctx.failure());
        errors.accept(
                ctx.response(), new GatewayException(500, "api_error", "internal gateway error", null, null, false));
    }
}
