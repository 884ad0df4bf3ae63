package com.acme.mpc.gateway.provider.azure;

import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.config.ProviderKind;
import com.acme.mpc.gateway.provider.http.UpstreamHttp;
import com.acme.mpc.gateway.provider.openai.OpenAiAdapter;
import io.vertx.core.MultiMap;
import jakarta.inject.Singleton;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Azure OpenAI: OpenAI's wire format behind deployment URLs
 * ({@code {api_base}/openai/deployments/{deployment}/{operation}?api-version=...}) and an {@code api-key} header. The
 * deployment name is the part after {@code azure/} in {@code litellm_params.model}.
 */
@Singleton
public class AzureAdapter extends OpenAiAdapter {

    public AzureAdapter(UpstreamHttp http) {
        super(http);
    }

    @Override
    public ProviderKind.Protocol protocol() {
        return ProviderKind.Protocol.AZURE;
    }

    @Override
    protected URI url(Deployment d, String operation) {
        String base = d.apiBase().toString();
        if (base.endsWith("/openai")) {
            base = base.substring(0, base.length() - "/openai".length());
        }
        return URI.create(base + "/openai/deployments/"
                + URLEncoder.encode(d.upstreamModel(), StandardCharsets.UTF_8)
                + "/" + operation + "?api-version="
                + URLEncoder.encode(d.apiVersion(), StandardCharsets.UTF_8));
    }

    @Override
    public boolean servesResponses(Deployment d) {
        return true;
    }

    /**
     * Azure's Responses API is not under the deployment: {@code {api_base}/openai/responses?api-version=...}, the
     * deployment named by the body's {@code model}.
     */
    @Override
    protected URI responsesUrl(Deployment d, String rest, String query) {
        String base = d.apiBase().toString();
        if (base.endsWith("/openai")) {
            base = base.substring(0, base.length() - "/openai".length());
        }
        return URI.create(base + "/openai/responses" + rest + "?api-version="
                + URLEncoder.encode(d.apiVersion(), StandardCharsets.UTF_8)
                + (query == null || query.isEmpty() ? "" : "&" + query));
    }

    @Override
    protected MultiMap headers(Deployment d) {
        MultiMap h = MultiMap.caseInsensitiveMultiMap().add("content-type", "application/json");
        if (d.apiKey() != null) {
            h.add("api-key", d.apiKey());
        }
        return withExtraHeaders(h, d);
    }
}
