// The official npm Anthropic SDK (@anthropic-ai/sdk) against the gateway's /v1/messages, unchanged but for its base URL:
// create and stream (the SDK's MessageStream helpers) on an Anthropic group (passed through) and on an OpenAI group
// (translated), a tool-use conversation over two turns, count_tokens, and the SDK's error class for each status.
// Run by AnthropicNpmSdkTest against a gateway with MessagesTestResource's config:
//   GATEWAY_URL=http://127.0.0.1:<port> GATEWAY_KEY=<master key> node --test messages.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic, {
  AuthenticationError,
  BadRequestError,
  ContentTooLargeError,
  InternalServerError,
  NotFoundError,
  OverloadedError,
  PermissionDeniedError,
  RateLimitError,
  APIError,
} from '@anthropic-ai/sdk';

const baseURL = process.env.GATEWAY_URL;
const apiKey = process.env.GATEWAY_KEY;
assert.ok(baseURL && apiKey, 'GATEWAY_URL and GATEWAY_KEY must be set');

const client = (key = apiKey) => new Anthropic({ baseURL, apiKey: key, maxRetries: 0, timeout: 30_000 });
const ask = (model, text, extra = {}) => ({
  model,
  max_tokens: 1024,
  messages: [{ role: 'user', content: text }],
  ...extra,
});
const weather = {
  name: 'get_weather',
  description: 'Current weather of a city',
  input_schema: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
};

test('create on an Anthropic group is passed through', async () => {
  const { data: m, response } = await client()
    .messages.create(ask('claude', 'Hello'), { headers: { 'anthropic-beta': 'prompt-caching-2024-07-31' } })
    .withResponse();
  assert.equal(m.type, 'message');
  assert.equal(m.content[0].type, 'text');
  assert.ok(m.content[0].text.length > 0);
  assert.equal(m.stop_reason, 'end_turn');
  assert.ok(m.usage.input_tokens > 0 && m.usage.output_tokens > 0);
  assert.ok(response.headers.get('x-request-id'), 'the gateway names the call');
});

test('create on an OpenAI group is translated', async () => {
  const m = await client().messages.create(ask('gpt', 'Capital of France?', { system: 'Answer briefly.' }));
  assert.equal(m.content[0].text, 'The capital of France is Paris.');
  assert.equal(m.stop_reason, 'end_turn');
  assert.equal(m.usage.output_tokens, 46);
});

test('messages.stream() helpers on an Anthropic group: thinking and text', async () => {
  const stream = client().messages.stream(ask('claude-thinking', 'What is 27 * 453?'));
  let text = '';
  stream.on('text', (delta) => {
    text += delta;
  });
  const m = await stream.finalMessage();
  assert.equal(m.content[0].type, 'thinking');
  assert.ok(m.content[0].signature.length > 0, 'the thinking signature arrives unchanged');
  assert.equal(m.content[1].type, 'text');
  assert.match(m.content[1].text, /12,231/);
  assert.equal(text, m.content[1].text);
  assert.equal(m.stop_reason, 'end_turn');
});

test('messages.stream() helpers on an OpenAI group: Anthropic event sequence', async () => {
  const stream = client().messages.stream(ask('gpt', 'hi'));
  const types = [];
  stream.on('streamEvent', (e) => types.push(e.type));
  const m = await stream.finalMessage();
  assert.equal(types[0], 'message_start');
  assert.equal(types[1], 'content_block_start');
  assert.deepEqual(types.slice(-3), ['content_block_stop', 'message_delta', 'message_stop']);
  assert.equal(m.content[0].text, 'Paris is the capital.');
  assert.ok(m.usage.output_tokens > 0);
  assert.equal(await stream.finalText(), 'Paris is the capital.');
});

test('create({stream: true}) iterates the raw events', async () => {
  const events = await client().messages.create(ask('claude', 'Hello', { stream: true }));
  const types = [];
  for await (const e of events) types.push(e.type);
  assert.equal(types[0], 'message_start');
  assert.equal(types.at(-1), 'message_stop');
});

for (const group of ['claude-tools', 'gpt-tools']) {
  for (const streamed of [false, true]) {
    test(`tool use over two turns on ${group} (${streamed ? 'streamed' : 'JSON'} first turn)`, async () => {
      const first = ask(group, 'Weather in Paris?', { tools: [weather] });
      const answer = streamed
        ? await client().messages.stream(first).finalMessage()
        : await client().messages.create(first);
      assert.equal(answer.stop_reason, 'tool_use');
      const use = answer.content.find((b) => b.type === 'tool_use');
      assert.ok(use, JSON.stringify(answer.content));
      assert.equal(use.name, 'get_weather');
      assert.ok('location' in use.input, JSON.stringify(use.input));
      const second = await client().messages.create({
        ...first,
        messages: [
          ...first.messages,
          { role: 'assistant', content: answer.content },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: '18 degrees, sunny' }] },
        ],
      });
      assert.ok(second.content.length > 0);
    });
  }
}

test('count_tokens: exact from Anthropic, the gateway tokenizer elsewhere', async () => {
  const exact = await client().messages.countTokens({
    model: 'claude',
    messages: [{ role: 'user', content: 'Hello there' }],
  });
  assert.equal(exact.input_tokens, 2095);
  // 100 times " hello" is 100 tokens in OpenAI's encodings, plus the chat framing (3 per message, 3 for the reply)
  const counted = await client().messages.countTokens({
    model: 'gpt',
    messages: [{ role: 'user', content: ' hello'.repeat(100) }],
  });
  assert.ok(counted.input_tokens >= 100 && counted.input_tokens <= 110, String(counted.input_tokens));
});

/** Runs the call and returns what it threw. */
async function failure(call) {
  try {
    await call();
  } catch (e) {
    return e;
  }
  assert.fail('the call succeeded');
}

test('each error status arrives as the SDK error class', async () => {
  const expectations = [
    [() => client('sk-wrong').messages.create(ask('claude', 'hi')), AuthenticationError, 401, 'authentication_error'],
    [() => client().messages.create(ask('no-such-group', 'hi')), NotFoundError, 404, 'not_found_error'],
    // refused by the gateway's own validation (max_tokens is required)
    [() => client().messages.create({ model: 'claude', messages: [] }), BadRequestError, 400, 'invalid_request_error'],
    // refused by Anthropic, passed through
    [() => client().messages.create(ask('claude-bad', 'hi')), BadRequestError, 400, 'invalid_request_error'],
    [() => client().messages.create(ask('claude-forbidden', 'hi')), PermissionDeniedError, 403, 'permission_error'],
    [() => client().messages.create(ask('claude', 'x'.repeat(70_000))), ContentTooLargeError, 413, 'request_too_large'],
    [() => client().messages.create(ask('claude-limited', 'hi')), RateLimitError, 429, 'rate_limit_error'],
    [() => client().messages.create(ask('gpt-down', 'hi')), InternalServerError, 500, 'api_error'],
    [() => client().messages.create(ask('claude-overloaded', 'hi')), OverloadedError, 529, 'overloaded_error'],
  ];
  for (const [call, type, status, errorType] of expectations) {
    const e = await failure(call);
    assert.ok(e instanceof type, `expected ${type.name} (${status}), got ${e?.constructor?.name}: ${e?.message}`);
    assert.equal(e.status, status);
    assert.equal(e.error?.type, 'error', JSON.stringify(e.error));
    assert.equal(e.error?.error?.type, errorType, JSON.stringify(e.error));
  }
  const limited = await failure(() => client().messages.create(ask('claude-limited', 'hi')));
  assert.equal(limited.headers.get('retry-after'), '7', 'Anthropic\'s Retry-After reaches the client');
});

test('an error after the first event ends the stream with the SDK error', async () => {
  const e = await failure(() => client().messages.stream(ask('claude-error-stream', 'hi')).finalMessage());
  assert.ok(e instanceof APIError, `${e?.constructor?.name}: ${e?.message}`);
  assert.match(e.message, /Overloaded/);
});
