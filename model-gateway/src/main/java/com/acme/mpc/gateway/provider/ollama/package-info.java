/**
 * Ollama's native API for {@code ollama/<model>} and {@code ollama_chat/<model>} deployments (default
 * {@code api_base} {@code http://localhost:11434}).
 *
 * <ul>
 *   <li>Chat completions go to {@code /api/chat} for both prefixes. (LiteLLM flattens {@code ollama/} chats into an
 *       {@code /api/generate} prompt; {@code /api/chat} lets Ollama apply the model's own chat template and tool
 *       format, so the gateway uses it for both.)
 *   <li>Text completions go to {@code /api/generate}, embeddings to {@code /api/embed}.
 *   <li>Streams are newline-delimited JSON, split by {@link com.acme.mpc.gateway.provider.ollama.NdjsonSplitter} and
 *       translated by a fresh translator per stream.
 * </ul>
 *
 * <p>Ollama also serves an OpenAI-compatible API under {@code /v1}. Deployments that prefer it are plain OpenAI
 * deployments and never reach this package: {@code model: openai/llama3.2} with
 * {@code api_base: http://localhost:11434/v1}.
 *
 * <p>Structure: {@link com.acme.mpc.gateway.provider.ollama.OllamaAdapter} does the I/O; {@code OllamaMapper} (with
 * {@code OllamaMessageMapper}), {@code OllamaGenerateMapper} and {@code OllamaEmbedMapper} are pure translations;
 * {@code OllamaErrors} maps Ollama's {@code {"error": "..."}} answers to OpenAI-typed errors.
 */
package com.acme.mpc.gateway.provider.ollama;
