package com.acme.mpc.gateway.surface;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A client request as a surface read it: the client's own body (cache key, pass-through, body log) and what the
 * pipeline needs to run it. The canonical (OpenAI chat) form that translated attempts send is built on first use, so
 * pass-through calls never pay for a translation.
 */
public final class SurfaceRequest {
    private final ObjectNode body;
    private final String modelGroup;
    private final boolean stream;
    private final boolean clientWantsUsage;
    private final String user;
    private final List<String> tags;
    private final RequestFields.Routing routing;
    private final Map<String, String> forwardHeaders;
    private final long promptTokenEstimate;
    private Supplier<ObjectNode> canonicalSource;
    private ObjectNode canonical;
    private Object surfaceState;
    private String pinnedGroup;
    private String pinnedDeploymentId;

    /**
     * @param body the client's body, never modified (attempts copy what they change)
     * @param clientWantsUsage whether the client asked for usage in the stream (OpenAI's include_usage)
     * @param routing the client's own retry and fallback requests (LiteLLM's num_retries, fallbacks)
     * @param forwardHeaders client headers sent on to deployments that speak this surface natively
     * @param promptTokenEstimate prompt tokens to bill when a stream ends without the upstream's count
     * @param canonical builds the OpenAI-format body translated attempts start from (may throw a 400)
     */
    public SurfaceRequest(
            ObjectNode body,
            String modelGroup,
            boolean stream,
            boolean clientWantsUsage,
            String user,
            List<String> tags,
            RequestFields.Routing routing,
            Map<String, String> forwardHeaders,
            long promptTokenEstimate,
            Supplier<ObjectNode> canonical) {
        this.body = body;
        this.modelGroup = modelGroup;
        this.stream = stream;
        this.clientWantsUsage = clientWantsUsage;
        this.user = user;
        this.tags = tags;
        this.routing = routing;
        this.forwardHeaders = forwardHeaders == null ? Map.of() : forwardHeaders;
        this.promptTokenEstimate = promptTokenEstimate;
        this.canonicalSource = canonical;
    }

    public ObjectNode body() {
        return body;
    }

    public String modelGroup() {
        return modelGroup;
    }

    public boolean stream() {
        return stream;
    }

    public boolean clientWantsUsage() {
        return clientWantsUsage;
    }

    public String user() {
        return user;
    }

    public List<String> tags() {
        return tags;
    }

    public RequestFields.Routing routing() {
        return routing;
    }

    public Map<String, String> forwardHeaders() {
        return forwardHeaders;
    }

    public long promptTokenEstimate() {
        return promptTokenEstimate;
    }

    /** What the surface keeps about this request beyond the fields above (e.g. a Responses call's id), or null. */
    @SuppressWarnings("unchecked")
    public <S> S surfaceState() {
        return (S) surfaceState;
    }

    public SurfaceRequest surfaceState(Object state) {
        this.surfaceState = state;
        return this;
    }

    /**
     * Sends this request on {@code group} only to deployment {@code deploymentId} (fallback groups are not bound): a
     * Responses follow-up whose conversation state lives at the upstream that answered the previous response.
     */
    public SurfaceRequest pin(String group, String deploymentId) {
        this.pinnedGroup = group;
        this.pinnedDeploymentId = deploymentId;
        return this;
    }

    /** The deployment this request must use on {@code group}, or null when any may serve it. */
    public String pinnedDeployment(String group) {
        return pinnedDeploymentId != null && pinnedGroup.equals(group) ? pinnedDeploymentId : null;
    }

    /** The request in the canonical OpenAI chat form (the client's body itself on the OpenAI surface). */
    public ObjectNode canonical() {
        if (canonical == null) {
            canonical = canonicalSource.get();
            canonicalSource = null;
        }
        return canonical;
    }
}
