package com.acme.mpc.gateway.logging;

import com.acme.mpc.gateway.config.ConfigHolder;
import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.core.SecretScrubber;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The debug switch {@code gateway.log.bodies}: when on, each client request body and the gateway's answer are logged
 * (category {@code gateway.bodies}) with every credential removed first: fields named like a key, secret, password,
 * token or authorization are replaced by {@code ***}, and key-like text ({@code sk-...}, {@code Bearer ...}, the master
 * key, any deployment's provider key) is scrubbed from every string. Off (the default), nothing here runs.
 */
@ApplicationScoped
public class BodyLog {
    private static final Logger LOG = Logger.getLogger("gateway.bodies");
    static final String REDACTED = "***";
    /** Field names that hold credentials; {@code max_tokens} and friends (plural "tokens") are counts, not secrets. */
    private static final Pattern SECRET_FIELD = Pattern.compile(
            "(.*[_-])?(api[_-]?key|key|secret|password|passwd|authorization|credentials?|token|access[_-]?token"
                    + "|refresh[_-]?token|session[_-]?token|private[_-]?key)");

    private final boolean enabled;
    private final ConfigHolder holder;

    public BodyLog(LogSettings settings, ConfigHolder holder) {
        this.enabled = settings.bodies();
        this.holder = holder;
        if (enabled) {
            LOG.warn("gateway.log.bodies is on: prompts and completions are written to the log (credentials redacted);"
                    + " turn it off outside debugging");
        }
    }

    public boolean enabled() {
        return enabled;
    }

    /** Logs the client's request body. */
    public void request(String requestId, JsonNode body) {
        if (enabled) {
            LOG.infof("request %s body: %s", requestId, redact(body));
        }
    }

    /** Logs the answer (for a stream, the answer assembled from its chunks). */
    public void response(String requestId, JsonNode answer) {
        if (enabled) {
            LOG.infof("request %s answer: %s", requestId, redact(answer));
        }
    }

    /** A copy of {@code node} without credentials. */
    JsonNode redact(JsonNode node) {
        if (node == null) {
            return null;
        }
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                boolean secret = SECRET_FIELD
                        .matcher(f.getKey().toLowerCase(Locale.ROOT))
                        .matches();
                out.set(f.getKey(), secret ? TextNode.valueOf(REDACTED) : redact(f.getValue()));
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode(node.size());
            node.forEach(e -> out.add(redact(e)));
            return out;
        }
        if (node.isTextual()) {
            return TextNode.valueOf(scrub(node.asText()));
        }
        return node;
    }

    private String scrub(String text) {
        String out = text;
        for (String s : knownSecrets()) {
            out = SecretScrubber.scrub(out, s);
        }
        return SecretScrubber.scrub(out, null);
    }

    /** The master key and every deployment's key, stored ones included (read per use: they change at run time). */
    private List<String> knownSecrets() {
        List<String> secrets = new ArrayList<>();
        String master = holder.config().masterKey();
        if (master != null) {
            secrets.add(master);
        }
        for (Deployment d : holder.config().deployments()) {
            if (d.apiKey() != null && !d.apiKey().isBlank()) {
                secrets.add(d.apiKey());
            }
        }
        return secrets;
    }
}
