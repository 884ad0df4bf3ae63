package com.acme.mpc.gateway.provider.bedrock;

import com.acme.mpc.gateway.core.GatewayException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.Map;

/**
 * OpenAI {@code file} content parts ({@code {"type":"file","file":{"file_data":"data:application/pdf;base64,...",
 * "filename":"report.pdf"}}}) as Converse {@code document} blocks. Only inline base64 data is taken: an uploaded
 * {@code file_id} lives in OpenAI's file store, which Bedrock cannot read, and the gateway downloads nothing a client
 * names.
 */
final class BedrockDocuments {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** Converse's document formats by media type. */
    private static final Map<String, String> FORMATS = Map.of(
            "application/pdf", "pdf",
            "text/csv", "csv",
            "application/msword", "doc",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx",
            "application/vnd.ms-excel", "xls",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx",
            "text/html", "html",
            "text/plain", "txt",
            "text/markdown", "md");

    private BedrockDocuments() {}

    /**
     * @param p the part's JSON path, for errors and for the name of a document sent without a filename (Converse
     *     requires a name, and names of one request's documents must differ)
     */
    static ObjectNode document(JsonNode file, String p) {
        if (file == null || !file.isObject()) {
            throw GatewayException.badRequest("a file part needs a file object", p + ".file");
        }
        String data = file.path("file_data").asText(null);
        if (data == null) {
            throw GatewayException.badRequest(
                    file.has("file_id")
                            ? "bedrock models take files only inline, as file_data (a base64 data: URL); file_id"
                                    + " is not supported"
                            : "a file part needs file_data (a base64 data: URL such as data:application/pdf;base64,...)",
                    p + ".file");
        }
        int comma = data.indexOf(',');
        String header = data.startsWith("data:") && comma > 0 ? data.substring(5, comma) : "";
        if (!header.endsWith(";base64")) {
            throw GatewayException.badRequest(
                    "file_data must be a base64 data: URL (data:application/pdf;base64,...)", p + ".file.file_data");
        }
        String mediaType = header.substring(0, header.indexOf(';')).toLowerCase(Locale.ROOT);
        String format = FORMATS.get(mediaType);
        if (format == null) {
            throw GatewayException.badRequest(
                    "bedrock models take pdf, csv, doc, docx, xls, xlsx, html, txt or md documents, not '" + mediaType
                            + "'",
                    p + ".file.file_data");
        }
        String bytes = data.substring(comma + 1);
        if (bytes.isEmpty()) {
            throw GatewayException.badRequest("file_data holds no bytes", p + ".file.file_data");
        }
        ObjectNode document = F.objectNode().put("format", format).put("name", name(file.path("filename"), p));
        document.putObject("source").put("bytes", bytes);
        ObjectNode block = F.objectNode();
        block.set("document", document);
        return block;
    }

    /**
     * Converse allows letters, digits, single spaces, hyphens, parentheses and square brackets in a document name: the
     * filename without its extension, other characters as hyphens; without a usable filename, the part's path.
     */
    static String name(JsonNode filename, String p) {
        String raw = filename.isTextual() ? filename.asText() : "";
        int dot = raw.lastIndexOf('.');
        if (dot > 0) {
            raw = raw.substring(0, dot);
        }
        String cleaned = raw.replaceAll("[^A-Za-z0-9 ()\\[\\]-]", "-")
                .replaceAll("\\s+", " ")
                .strip();
        if (cleaned.replace("-", "").isBlank()) {
            cleaned = "document " + p.replaceAll("[^A-Za-z0-9\\[\\]]+", " ").strip();
        }
        return cleaned.length() > 200 ? cleaned.substring(0, 200) : cleaned;
    }
}
