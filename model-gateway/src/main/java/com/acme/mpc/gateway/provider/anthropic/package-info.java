/**
 * Anthropic Messages API behind the OpenAI chat interface.
 *
 * <p>Choices a client may notice:
 *
 * <ul>
 *   <li>Unmapped OpenAI parameters are dropped (frequency_penalty, presence_penalty, logit_bias, seed, logprobs,
 *       stream_options, service_tier, metadata...); {@code n > 1} and the legacy {@code functions} are rejected with
 *       400. {@code user} becomes {@code metadata.user_id}; {@code thinking} and {@code top_k} pass through;
 *       {@code reasoning_effort} becomes a thinking budget (1024/2048/4096).
 *   <li>{@code response_format} json_object/json_schema uses a forced {@code json_tool_call} tool whose input is
 *       returned as the message content (offered but not forced with extended thinking, which forbids forcing; dropped
 *       when the request has its own tools).
 *   <li>Whitespace-only stop sequences are dropped (Anthropic rejects them).
 *   <li>Errors: 529 overloaded stays 529 ({@code api_error}, code {@code overloaded}, retriable); 429 is retriable
 *       with its retry-after unless it is a spend limit; "prompt is too long" carries code
 *       {@code context_length_exceeded}.
 *   <li>Only {@code anthropic-beta} is forwarded from {@code extra_headers}.
 * </ul>
 */
package com.acme.mpc.gateway.provider.anthropic;
