/**
 * Google Vertex AI ({@code vertex_ai/}) behind the OpenAI chat and embeddings interfaces and, for Claude, the
 * gateway's {@code /v1/messages}.
 *
 * <p>Choices a client may notice:
 *
 * <ul>
 *   <li>Gemini models use the Gemini adapter's request mapping, answers and stream translation unchanged (Vertex's
 *       {@code generateContent} takes the same body; every content carries its role); Claude models use the Anthropic
 *       adapter's, with {@code anthropic_version: vertex-2023-10-16} in the body and the model in the URL.
 *   <li>Authentication: a service-account key signs an RS256 JWT that Google's token endpoint exchanges for a one-hour
 *       access token, cached per credential and renewed in the background from five minutes before it expires (one
 *       request shared by concurrent calls). Other credential types (authorized_user, external_account) are not supported.
 *   <li>Embeddings: the text-embedding {@code predict} call with one instance per input (one call per input for
 *       {@code gemini-embedding-*}, which Vertex serves one input at a time); usage from Vertex's token counts.
 *   <li>Errors: Google's shape ({@code status} RESOURCE_EXHAUSTED 429 retriable, UNAVAILABLE 503...) for every model,
 *       Anthropic's shape for Claude's own refusals (529 overloaded...); a token Google refuses is dropped and fetched
 *       again on the next call; a refused token request is a 401 naming the service account and OAuth2's reason.
 * </ul>
 */
package com.acme.mpc.gateway.provider.vertex;
