/**
 * Google's Gemini API (AI Studio, {@code v1beta}) behind the OpenAI chat and embeddings interfaces.
 *
 * <p>Choices a client may notice:
 *
 * <ul>
 *   <li>System and developer messages become {@code systemInstruction}; assistant turns are {@code model} turns; tool
 *       results become {@code functionResponse} parts named after the assistant tool call they answer (a JSON object
 *       result is sent as is, other text as {@code {"content": text}}).
 *   <li>Images: {@code data:} URLs are sent inline; other URLs as {@code fileData} that Google fetches (the gateway
 *       downloads nothing a client names).
 *   <li>Tool call ids are generated ({@code call_...}); Gemini 3's thought signature travels inside the id
 *       ({@code __thought__<signature>}) and is sent back with the call.
 *   <li>{@code tool_choice}: auto/required/none map to AUTO/ANY/NONE, a named function to ANY with that function only.
 *       {@code response_format} sets {@code responseMimeType} and, with a schema, {@code responseJsonSchema}.
 *       {@code reasoning_effort} (none/minimal/low/medium/high) or an Anthropic-style {@code thinking} object set
 *       {@code thinkingConfig} with {@code includeThoughts}, whose summary comes back as {@code reasoning_content}.
 *       {@code safety_settings} and {@code cached_content} pass through.
 *   <li>Dropped: logit_bias, logprobs, user, parallel_tool_calls. {@code n > 1} and the legacy {@code functions} are
 *       refused with 400.
 *   <li>Safety stops (SAFETY, RECITATION, BLOCKLIST, PROHIBITED_CONTENT, SPII...) and a blocked prompt are
 *       {@code content_filter}; completion tokens include thought tokens (also reported as reasoning tokens).
 *   <li>Errors: the canonical status decides (INVALID_ARGUMENT 400, API_KEY_INVALID 401, PERMISSION_DENIED 403,
 *       NOT_FOUND 404, RESOURCE_EXHAUSTED 429 retriable with RetryInfo's delay, UNAVAILABLE 503 retriable).
 * </ul>
 */
package com.acme.mpc.gateway.provider.gemini;
