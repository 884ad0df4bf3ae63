/**
 * Cohere's v2 API ({@code cohere/}, {@code cohere_chat/}) behind the OpenAI chat and embeddings interfaces.
 *
 * <p>Choices a client may notice: messages keep OpenAI's roles (developer becomes system); {@code top_p}, {@code top_k}
 * and {@code stop} are sent as {@code p}, {@code k} and {@code stop_sequences}; {@code tool_choice} required/none
 * become REQUIRED/NONE and a named tool is refused (Cohere cannot force one); {@code response_format} json_schema
 * becomes {@code json_object} with the schema. Finish reasons: TOOL_CALL {@code tool_calls}, MAX_TOKENS
 * {@code length}, everything else {@code stop}. Usage is what Cohere bills ({@code billed_units}). Embeddings send
 * {@code input_type} (default {@code search_document}) and ask for float vectors. {@link CohereAccess} builds the URL
 * and headers for every Cohere route, rerank included.
 */
package com.acme.mpc.gateway.provider.cohere;
