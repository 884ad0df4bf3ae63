/**
 * AWS Bedrock's Converse API behind the OpenAI chat and embeddings interfaces, one adapter for every model family on
 * Bedrock (Anthropic, Meta Llama, Mistral, Amazon Nova, Cohere...).
 *
 * <p>Choices a client may notice:
 *
 * <ul>
 *   <li>System and developer messages become {@code system} blocks; tool results become {@code toolResult} blocks of a
 *       user turn; consecutive turns of one role are merged.
 *   <li>Images: only base64 {@code data:} URLs (png, jpeg, gif, webp), sent as image bytes; Converse takes no URL and
 *       the gateway downloads nothing a client names.
 *   <li>{@code tool_choice}: auto/required/named map to auto/any/tool; {@code none} leaves the tools out.
 *       {@code max_tokens}, {@code temperature}, {@code top_p}, {@code stop} go to {@code inferenceConfig};
 *       {@code top_k} and {@code thinking} to {@code additionalModelRequestFields}. Dropped: logit_bias, logprobs,
 *       seed, penalties, user, response_format. {@code n > 1} and the legacy {@code functions} are refused with 400.
 *   <li>Anthropic-style {@code cache_control} (message, text part, tool) becomes a {@code cachePoint} block after the
 *       cached content; {@code guardrailConfig} passes through.
 *   <li>Stop reasons: end_turn/stop_sequence are {@code stop}, tool_use {@code tool_calls}, max_tokens
 *       {@code length}, guardrail_intervened/content_filtered {@code content_filter}. prompt_tokens include cache
 *       reads and writes.
 *   <li>Errors: the exception name decides (ThrottlingException 429 and ModelNotReadyException 429/503 retriable,
 *       ServiceUnavailableException 503 retriable, ValidationException 400, AccessDeniedException 403,
 *       ResourceNotFoundException 404), for HTTP answers and for exception messages inside the event stream.
 * </ul>
 */
package com.acme.mpc.gateway.provider.bedrock;
