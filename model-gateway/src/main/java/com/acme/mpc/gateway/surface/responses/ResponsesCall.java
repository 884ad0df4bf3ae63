package com.acme.mpc.gateway.surface.responses;

import com.acme.mpc.gateway.core.GatewayException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.smallrye.mutiny.Uni;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * What the Responses surface keeps about one {@code POST /v1/responses} besides the pipeline's fields: the response id
 * the gateway gives a translated answer, who owns it, whether to store it, and the stored previous response (looked up
 * once, on the first translated attempt that needs it).
 */
final class ResponsesCall {
    private static final SecureRandom RANDOM = new SecureRandom();

    final String id;
    final String owner;
    final long createdAt;
    final boolean store;
    final String previousId;
    /** This request's input as items, with ids (what {@code input_items} lists and a follow-up replays). */
    final ArrayNode inputItems;

    private Uni<StoredResponse> previous;

    /** A call whose previous response was already looked up ({@link ResponsesEntry}); {@code found} may be null. */
    ResponsesCall(String owner, boolean store, String previousId, ArrayNode inputItems, StoredResponse found) {
        this(owner, store, previousId, inputItems);
        if (found != null) {
            previous = Uni.createFrom().item(found);
        }
    }

    ResponsesCall(String owner, boolean store, String previousId, ArrayNode inputItems) {
        this.id = newId("resp_");
        this.owner = owner;
        this.createdAt = System.currentTimeMillis() / 1000;
        this.store = store;
        this.previousId = previousId;
        this.inputItems = inputItems;
    }

    static GatewayException previousNotFound(String id) {
        return GatewayException.notFound(
                "Previous response with id '" + id + "' not found.",
                "previous_response_id",
                "previous_response_not_found");
    }

    static String newId(String prefix) {
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        return prefix + HexFormat.of().formatHex(b);
    }

    /**
     * The previous response of this owner (null when none was named); 404 when this owner has none of that id (also
     * when another key created it), 400 when it was created on the other kind of group: a passed-through response
     * lives upstream, a translated one only here.
     */
    Uni<StoredResponse> previous(ResponsesStore store, boolean passThrough) {
        return previous(store).map(r -> {
            if (r != null && r.passThrough() != passThrough) {
                throw GatewayException.badRequest(
                        "Previous response '" + previousId + "' was created on a model group whose provider "
                                + (r.passThrough() ? "keeps its own state" : "is reached through chat")
                                + "; continue it on a group of the same kind",
                        "previous_response_id");
            }
            return r;
        });
    }

    private Uni<StoredResponse> previous(ResponsesStore store) {
        if (previousId == null) {
            return Uni.createFrom().nullItem();
        }
        if (previous == null) {
            previous = store.find(owner, previousId)
                    .map(r -> {
                        if (r == null) {
                            throw previousNotFound(previousId);
                        }
                        return r;
                    })
                    .memoize()
                    .indefinitely();
        }
        return previous;
    }
}
